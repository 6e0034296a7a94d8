// Escalation page (/on-call/escalation): whom an unacknowledged alert pages and when (the clinic's policy), the paging services
// (e-mail, PagerDuty, Opsgenie) and the webhooks pages are sent to.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import {
  createWebhookEndpointSchema,
  ESCALATION_TARGETS,
  escalationPolicySchema,
  type Clinic,
  type CreatedWebhookEndpoint,
  type EscalationPolicy,
  type EscalationTarget,
} from '@pumpwatch/shared';
import { formatInstant } from '../../lib/format';
import { numberOrUndefined, validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { FormActions } from '../../components/form-actions';
import { useSession } from '../auth/session-store';
import { canUseRoute } from '../auth/use-can';
import { useClinics } from '../clinics/use-clinics';
import { ClinicPicker } from '../admin/clinic-picker';
import { ShownOnceSecret } from '../admin/shown-once-secret';
import { useLoaded } from '../admin/use-loaded';
import { ActiveState, DisableWithConfirm } from './disable-with-confirm';
import { NotificationChannelsSection } from './notification-channels-section';
import { onCallApi } from './on-call-api';
import './on-call.css';

const TARGET_LABEL: Record<EscalationTarget, string> = {
  on_call: 'Primary on-call clinicians',
  backup: 'Backup on-call clinicians',
  clinic_admins: "The clinic's administrators",
};

interface LevelDraft {
  target: EscalationTarget;
  afterMinutes: string;
}

function PolicyForm({
  clinic,
  policy,
  mayEdit,
  onSaved,
}: {
  clinic: Clinic;
  policy: EscalationPolicy;
  mayEdit: boolean;
  onSaved: () => void;
}) {
  const [levels, setLevels] = useState<LevelDraft[]>(
    policy.levels.map((l) => ({ target: l.target, afterMinutes: String(l.afterMinutes) })),
  );
  const [repeat, setRepeat] = useState(String(policy.repeatTopLevelEveryMinutes));
  const [urgentAfter, setUrgentAfter] = useState(String(policy.urgentPageAfterMinutes));
  const [saved, setSaved] = useState(false);
  const { errors, message, busy, refuse, send } = useFormSubmission();
  const unused = ESCALATION_TARGETS.filter((t) => !levels.some((l) => l.target === t));

  const setLevel = (i: number, change: Partial<LevelDraft>) => setLevels((all) => all.map((l, j) => (j === i ? { ...l, ...change } : l)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const checked = validate(escalationPolicySchema, {
      levels: levels.map((l) => ({ target: l.target, afterMinutes: numberOrUndefined(l.afterMinutes) })),
      repeatTopLevelEveryMinutes: numberOrUndefined(repeat),
      urgentPageAfterMinutes: numberOrUndefined(urgentAfter),
    });
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => {
      await onCallApi.putEscalationPolicy(clinic.id, checked.value);
      setSaved(true);
      onSaved();
    });
  }

  const levelFields = levels.flatMap((_, i) => [`levels.${i}.target`, `levels.${i}.afterMinutes`]);
  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="escalation-policy-form" aria-labelledby="policy-title">
      <h2 id="policy-title">Escalation policy</h2>
      <p className="muted" data-testid="policy-origin">
        {policy.isDefault
          ? "PumpWatch's default policy (this clinic has not set its own)."
          : `Set by the clinic, last changed ${formatInstant(policy.updatedAt, clinic.timeZone)}.`}{' '}
        Critical alerts page at once; each level below is paged when the alert is still unacknowledged that many minutes after paging
        started.
      </p>
      <FormErrorSummary
        message={message}
        fields={errors}
        shown={['repeatTopLevelEveryMinutes', 'urgentPageAfterMinutes', ...levelFields]}
      />
      <fieldset disabled={!mayEdit} className="plain-fieldset">
        <legend className="visually-hidden">Levels</legend>
        <ol className="policy-levels" data-testid="policy-levels">
          {levels.map((level, i) => (
            <li key={i} className="policy-level" data-testid="policy-level">
              <strong>Level {i + 1}</strong>
              <FormField label="Pages" name={`levels.${i}.target`} error={errors[`levels.${i}.target`]}>
                <select value={level.target} onChange={(e) => setLevel(i, { target: e.target.value as EscalationTarget })}>
                  {ESCALATION_TARGETS.map((t) => (
                    <option key={t} value={t}>
                      {TARGET_LABEL[t]}
                    </option>
                  ))}
                </select>
              </FormField>
              <FormField
                label="After (minutes)"
                name={`levels.${i}.afterMinutes`}
                error={errors[`levels.${i}.afterMinutes`]}
                hint={i === 0 ? 'the first level: 0' : undefined}
              >
                <input
                  type="number"
                  min={0}
                  step={1}
                  inputMode="numeric"
                  value={level.afterMinutes}
                  onChange={(e) => setLevel(i, { afterMinutes: e.target.value })}
                />
              </FormField>
              {mayEdit && levels.length > 1 && (
                <button
                  type="button"
                  className="button button--quiet"
                  onClick={() => setLevels((all) => all.filter((_, j) => j !== i))}
                  aria-label={`Remove level ${i + 1}`}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ol>
        {mayEdit && unused.length > 0 && (
          <p>
            <button
              type="button"
              className="button button--quiet"
              data-testid="add-level"
              onClick={() => {
                const last = Number(levels[levels.length - 1]?.afterMinutes ?? 0);
                setLevels((all) => [...all, { target: unused[0], afterMinutes: String(Number.isFinite(last) ? last + 10 : 10) }]);
              }}
            >
              Add a level
            </button>
          </p>
        )}
        <div className="form__grid">
          <FormField
            label="Repeat the last level every (minutes)"
            name="repeatTopLevelEveryMinutes"
            error={errors.repeatTopLevelEveryMinutes}
            hint="until someone acknowledges"
          >
            <input type="number" min={1} step={1} inputMode="numeric" value={repeat} onChange={(e) => setRepeat(e.target.value)} />
          </FormField>
          <FormField
            label="Page urgent alerts after (minutes)"
            name="urgentPageAfterMinutes"
            error={errors.urgentPageAfterMinutes}
            hint="unacknowledged this long after being raised"
          >
            <input
              type="number"
              min={0}
              step={1}
              inputMode="numeric"
              value={urgentAfter}
              onChange={(e) => setUrgentAfter(e.target.value)}
            />
          </FormField>
        </div>
      </fieldset>
      {mayEdit ? (
        <FormActions busy={busy} label="Save policy" testId="save-policy" />
      ) : (
        <p className="muted">Only the clinic's administrators change the policy.</p>
      )}
      {saved && (
        <p className="notice notice--ok" role="status" data-testid="policy-saved">
          Policy saved.
        </p>
      )}
    </form>
  );
}

function AddWebhookForm({ clinic, onCreated }: { clinic: Clinic; onCreated: (endpoint: CreatedWebhookEndpoint) => void }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validate(createWebhookEndpointSchema, { name, url });
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => {
      const created = await onCallApi.createWebhook(clinic.id, checked.value);
      setName('');
      setUrl('');
      onCreated(created);
    });
  }
  return (
    <form className="form" onSubmit={submit} noValidate data-testid="add-webhook-form" aria-labelledby="add-webhook-title">
      <h3 id="add-webhook-title">Add a webhook</h3>
      <FormErrorSummary message={message} fields={errors} shown={['name', 'url']} />
      <div className="form__grid">
        <FormField label="Name" name="name" error={errors.name} hint="e.g. “Hospital pager gateway”">
          <input type="text" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </FormField>
        <FormField label="URL" name="url" error={errors.url} hint="https:// only: a page carries an acknowledge link">
          <input type="text" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} autoComplete="off" spellCheck={false} />
        </FormField>
      </div>
      <FormActions busy={busy} label="Add webhook" busyLabel="Adding…" testId="submit-webhook" />
    </form>
  );
}

function WebhooksSection({ clinic }: { clinic: Clinic }) {
  const webhooks = useLoaded(`webhooks:${clinic.id}`, (signal) => onCallApi.listWebhooks(clinic.id, signal));
  const [created, setCreated] = useState<CreatedWebhookEndpoint | null>(null);
  const rows = [...(webhooks.data ?? [])].sort((a, b) => Number(b.active) - Number(a.active) || b.createdAt.localeCompare(a.createdAt));
  return (
    <section className="panel" aria-labelledby="webhooks-title" data-testid="webhooks-section">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="muted">Every page is also sent as a signed POST to each active webhook, e.g. the hospital's pager gateway.</p>
      {webhooks.error && (
        <p className="notice notice--error" role="alert">
          Could not load the webhooks: {webhooks.error}
        </p>
      )}
      {created && (
        <ShownOnceSecret
          label="Signing secret"
          noun="secret"
          value={created.secret}
          testId="new-webhook-secret"
          valueTestId="new-webhook-secret-value"
          onDone={() => setCreated(null)}
        >
          <strong>Copy the signing secret of “{created.name}” now.</strong> The receiver checks each page's signature with it; it is shown
          only this once. If it is lost, disable the webhook and add another.
        </ShownOnceSecret>
      )}
      <ul className="clinician-list" data-testid="webhooks-list" aria-busy={webhooks.loading}>
        {rows.map((w) => (
          <li
            key={w.id}
            className={`clinician-card${w.active ? '' : ' clinician-card--inactive'}`}
            data-testid="webhook-row"
            data-webhook-id={w.id}
            data-active={w.active}
          >
            <div className="clinician-card__main">
              <strong className="clinician-card__name">{w.name}</strong>
              <code className="small">{w.url}</code>
              <ActiveState active={w.active} disabledAt={w.disabledAt} timeZone={clinic.timeZone} testId="webhook-state" />
              <span className="muted small">added {formatInstant(w.createdAt, clinic.timeZone)}</span>
            </div>
            {w.active && (
              <DisableWithConfirm
                name={w.name}
                testIdNoun="webhook"
                disable={() => onCallApi.disableWebhook(clinic.id, w.id)}
                onDisabled={webhooks.reload}
              />
            )}
          </li>
        ))}
        {webhooks.data && rows.length === 0 && <li className="empty">No webhooks: pages reach people in the dashboard only.</li>}
      </ul>
      <AddWebhookForm
        clinic={clinic}
        onCreated={(endpoint) => {
          setCreated(endpoint);
          webhooks.reload();
        }}
      />
    </section>
  );
}

export function EscalationPage() {
  const { user } = useSession();
  const { clinics, error: clinicsError } = useClinics(user?.id);
  const readable = clinics.filter((c) => canUseRoute(user, 'GET /api/clinics/:id/escalation-policy', c.id));
  const [chosenClinicId, setChosenClinicId] = useState('');
  const clinic = readable.find((c) => c.id === chosenClinicId) ?? readable[0];
  const policy = useLoaded(`policy:${clinic?.id ?? ''}`, (signal) =>
    clinic ? onCallApi.getEscalationPolicy(clinic.id, signal) : Promise.resolve(undefined),
  );
  const mayEdit = clinic !== undefined && canUseRoute(user, 'PUT /api/clinics/:id/escalation-policy', clinic.id);
  const mayManageWebhooks = clinic !== undefined && canUseRoute(user, 'GET /api/clinics/:id/webhooks', clinic.id);
  const mayManageChannels = clinic !== undefined && canUseRoute(user, 'GET /api/clinics/:id/notification-channels', clinic.id);

  return (
    <section aria-labelledby="escalation-title">
      <title>Escalation — PumpWatch</title>
      <h1 id="escalation-title">Escalation</h1>
      <p>
        <Link to="/on-call">‹ On-call roster</Link>
      </p>
      {(policy.error || clinicsError) && (
        <p className="notice notice--error" role="alert">
          Could not load the policy: {policy.error ?? clinicsError}
        </p>
      )}
      <ClinicPicker clinics={readable} value={clinic?.id ?? ''} onChange={setChosenClinicId} testId="escalation-clinic" />
      {clinic && policy.data && (
        <PolicyForm key={`policy:${clinic.id}`} clinic={clinic} policy={policy.data} mayEdit={mayEdit} onSaved={policy.reload} />
      )}
      {clinic && mayManageChannels && <NotificationChannelsSection key={`channels:${clinic.id}`} clinic={clinic} />}
      {clinic && mayManageWebhooks && <WebhooksSection key={`webhooks:${clinic.id}`} clinic={clinic} />}
    </section>
  );
}
