// Notification channels on the escalation page (issue 17): e-mail, PagerDuty and Opsgenie integrations of a clinic, which levels
// each pages, whether a secret is set (never the secret), add and disable. Administrators only.
import { useState, type FormEvent } from 'react';
import {
  createNotificationChannelSchema,
  ESCALATION_TARGETS,
  SMTP_SECURITY,
  type Clinic,
  type EscalationTarget,
  type NotificationChannel,
  type NotificationChannelKind,
  type SmtpSecurity,
} from '@pumpwatch/shared';
import { numberOrUndefined, validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { FormActions } from '../../components/form-actions';
import { useLoaded } from '../admin/use-loaded';
import { ActiveState, DisableWithConfirm } from './disable-with-confirm';
import { onCallApi } from './on-call-api';

const KIND_LABEL: Record<NotificationChannelKind, string> = { email: 'E-mail (SMTP)', pagerduty: 'PagerDuty', opsgenie: 'Opsgenie' };
const KIND_ICON: Record<NotificationChannelKind, string> = { email: '✉', pagerduty: '☎', opsgenie: '◎' };
const LEVEL_LABEL: Record<EscalationTarget, string> = {
  on_call: 'Primary on call',
  backup: 'Backup',
  clinic_admins: 'Clinic administrators',
};
const SECRET_HINT: Record<NotificationChannelKind, string> = {
  email: 'the relay password, if it signs in; or env:PUMPWATCH_CHANNEL_… for a server environment variable',
  pagerduty: 'the integration (routing) key, 32 characters; or env:PUMPWATCH_CHANNEL_…',
  opsgenie: 'the API integration key; or env:PUMPWATCH_CHANNEL_…',
};

/** What the page may say of a secret: where it is and at most its last four characters. */
function secretText(channel: NotificationChannel): string {
  const s = channel.secret;
  if (!s.configured) return channel.kind === 'email' ? 'No password: the relay takes mail without signing in' : 'No key';
  if (s.source === 'environment') return `Key read from the server's ${s.envName} variable`;
  return s.lastFour ? `Key stored encrypted, ends …${s.lastFour}` : 'Key stored encrypted';
}

function AddChannelForm({ clinic, onCreated }: { clinic: Clinic; onCreated: () => void }) {
  const [kind, setKind] = useState<NotificationChannelKind>('pagerduty');
  const [name, setName] = useState('');
  const [levels, setLevels] = useState<EscalationTarget[]>([...ESCALATION_TARGETS]);
  const [secret, setSecret] = useState('');
  const [smtp, setSmtp] = useState({ host: '', port: '587', security: 'starttls' as SmtpSecurity, from: '', username: '' });
  const { errors, message, busy, refuse, send } = useFormSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validate(createNotificationChannelSchema, {
      kind,
      name,
      levels,
      secret: secret === '' ? undefined : secret,
      smtp:
        kind === 'email'
          ? {
              host: smtp.host,
              port: numberOrUndefined(smtp.port),
              security: smtp.security,
              from: smtp.from,
              username: smtp.username.trim() === '' ? undefined : smtp.username,
            }
          : undefined,
    });
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => {
      await onCallApi.createChannel(clinic.id, checked.value);
      setName('');
      setSecret('');
      setLevels([...ESCALATION_TARGETS]);
      onCreated();
    });
  }

  const toggle = (target: EscalationTarget) =>
    setLevels((all) =>
      all.includes(target) ? all.filter((t) => t !== target) : ESCALATION_TARGETS.filter((t) => t === target || all.includes(t)),
    );
  return (
    <form className="form" onSubmit={submit} noValidate data-testid="add-channel-form" aria-labelledby="add-channel-title">
      <h3 id="add-channel-title">Add a channel</h3>
      <FormErrorSummary
        message={message}
        fields={errors}
        shown={['kind', 'name', 'levels', 'secret', 'smtp', 'smtp.host', 'smtp.port', 'smtp.security', 'smtp.from', 'smtp.username']}
      />
      <div className="form__grid">
        <FormField label="Service" name="kind" error={errors.kind}>
          <select value={kind} onChange={(e) => setKind(e.target.value as NotificationChannelKind)} data-testid="channel-kind">
            {(Object.keys(KIND_LABEL) as NotificationChannelKind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Name" name="name" error={errors.name} hint="e.g. “PagerDuty pump service”">
          <input type="text" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" data-testid="channel-name" />
        </FormField>
      </div>
      <fieldset className="plain-fieldset channel-levels" data-testid="channel-levels">
        <legend>Pages these levels</legend>
        {ESCALATION_TARGETS.map((t) => (
          <label key={t} className="checkbox">
            <input type="checkbox" checked={levels.includes(t)} onChange={() => toggle(t)} /> {LEVEL_LABEL[t]}
          </label>
        ))}
        {errors.levels && (
          <p className="field__error" role="alert">
            {errors.levels}
          </p>
        )}
      </fieldset>
      {kind === 'email' && (
        <div className="form__grid" data-testid="channel-smtp">
          <FormField label="SMTP host" name="smtp.host" error={errors['smtp.host']}>
            <input
              type="text"
              value={smtp.host}
              onChange={(e) => setSmtp({ ...smtp, host: e.target.value })}
              autoComplete="off"
              spellCheck={false}
            />
          </FormField>
          <FormField label="Port" name="smtp.port" error={errors['smtp.port']}>
            <input
              type="number"
              min={1}
              max={65535}
              inputMode="numeric"
              value={smtp.port}
              onChange={(e) => setSmtp({ ...smtp, port: e.target.value })}
            />
          </FormField>
          <FormField label="Encryption" name="smtp.security" error={errors['smtp.security']} hint="a page never crosses in clear">
            <select value={smtp.security} onChange={(e) => setSmtp({ ...smtp, security: e.target.value as SmtpSecurity })}>
              {SMTP_SECURITY.map((s) => (
                <option key={s} value={s}>
                  {s === 'tls' ? 'TLS (port 465)' : 'STARTTLS (587, 25)'}
                </option>
              ))}
            </select>
          </FormField>
          <FormField label="From" name="smtp.from" error={errors['smtp.from']}>
            <input type="email" value={smtp.from} onChange={(e) => setSmtp({ ...smtp, from: e.target.value })} autoComplete="off" />
          </FormField>
          <FormField label="User name" name="smtp.username" error={errors['smtp.username']} hint="empty: no sign-in">
            <input
              type="text"
              value={smtp.username}
              onChange={(e) => setSmtp({ ...smtp, username: e.target.value })}
              autoComplete="off"
              spellCheck={false}
            />
          </FormField>
        </div>
      )}
      <FormField
        label={kind === 'email' ? 'Password' : 'Key'}
        name="secret"
        error={errors.secret}
        hint={`${SECRET_HINT[kind]}. Stored encrypted, never shown again.`}
      >
        <input
          type="password"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          autoComplete="new-password"
          spellCheck={false}
          data-testid="channel-secret"
        />
      </FormField>
      <FormActions busy={busy} label="Add channel" busyLabel="Adding…" testId="submit-channel" />
    </form>
  );
}

export function NotificationChannelsSection({ clinic }: { clinic: Clinic }) {
  const channels = useLoaded(`channels:${clinic.id}`, (signal) => onCallApi.listChannels(clinic.id, signal));
  const rows = [...(channels.data ?? [])].sort((a, b) => Number(b.active) - Number(a.active) || b.createdAt.localeCompare(a.createdAt));
  return (
    <section className="panel" aria-labelledby="channels-title" data-testid="channels-section">
      <h2 id="channels-title">Paging services</h2>
      <p className="muted">
        Pages of the levels a channel lists also go by e-mail (to each paged person's account address), to PagerDuty or to Opsgenie,
        carrying the alert kind, severity, clinic, the pump serial's last four characters and an acknowledge link, never the patient.
        PagerDuty and Opsgenie incidents are acknowledged and resolved as the alert is here.
      </p>
      {channels.error && (
        <p className="notice notice--error" role="alert">
          Could not load the channels: {channels.error}
        </p>
      )}
      <ul className="clinician-list" data-testid="channels-list" aria-busy={channels.loading}>
        {rows.map((c) => (
          <li
            key={c.id}
            className={`clinician-card${c.active ? '' : ' clinician-card--inactive'}`}
            data-testid="channel-row"
            data-channel-id={c.id}
            data-active={c.active}
          >
            <div className="clinician-card__main">
              <strong className="clinician-card__name">{c.name}</strong>
              <span data-testid="channel-kind-label">
                <span aria-hidden="true">{KIND_ICON[c.kind]} </span>
                {KIND_LABEL[c.kind]}
                {c.smtp ? ` · ${c.smtp.host}:${c.smtp.port}` : ''}
              </span>
              <span className="small" data-testid="channel-levels-label">
                Levels: {c.levels.map((l) => LEVEL_LABEL[l]).join(', ')}
              </span>
              <span className="small" data-testid="channel-secret-label">
                {secretText(c)}
              </span>
              <ActiveState active={c.active} disabledAt={c.disabledAt} timeZone={clinic.timeZone} testId="channel-state" />
            </div>
            {c.active && (
              <DisableWithConfirm
                name={c.name}
                testIdNoun="channel"
                disable={() => onCallApi.disableChannel(clinic.id, c.id)}
                onDisabled={channels.reload}
              />
            )}
          </li>
        ))}
        {channels.data && rows.length === 0 && (
          <li className="empty">No paging services: pages reach the dashboard and the webhooks only.</li>
        )}
      </ul>
      <AddChannelForm clinic={clinic} onCreated={channels.reload} />
    </section>
  );
}
