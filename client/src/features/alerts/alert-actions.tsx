// Acknowledge, resolve and snooze of one alert, each offered only when the role may use it in the alert's clinic (shared table).
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { ALERT_CONFIG, resolveAlertSchema, SNOOZE_MINUTES, type Alert, type SnoozeMinutes } from '@pumpwatch/shared';
import { validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { FormField } from '../../components/form-field';
import { useCan } from '../auth/use-can';
import { acknowledgeAlert, resolveAlert, snoozeAlert } from './alerts-store';

type OpenForm = 'acknowledge' | 'resolve' | null;

function snoozeText(minutes: number): string {
  return minutes < 60 ? `${minutes} min` : `${minutes / 60} h`;
}

/** The durations the server accepts for this alert: critical ones at most an hour (someone must look again soon). */
export function snoozeChoices(alert: Pick<Alert, 'severity'>): SnoozeMinutes[] {
  return SNOOZE_MINUTES.filter((m) => alert.severity !== 'critical' || m <= ALERT_CONFIG.criticalSnoozeMaxMinutes);
}

/** After an action the button pressed may be gone: focus goes to the alert's (or its card's) heading, or to the panel's when it left the list. */
function focusAfter(alertId: string, gone: boolean): void {
  requestAnimationFrame(() => {
    let target = document.getElementById(gone ? 'alerts-title' : `alert-title-${alertId}`) ?? document.getElementById('alerts-title');
    // The leading alert of an incident card has its title shown as the card's heading: focus what can be seen.
    if (target?.classList.contains('visually-hidden'))
      target = target.closest('.alert-incident')?.querySelector<HTMLElement>('[data-testid="incident-title"]') ?? target;
    target?.focus();
  });
}

function AcknowledgeForm({ alert, onDone, onAnnounce }: { alert: Alert; onDone: () => void; onAnnounce: (text: string) => void }) {
  const [note, setNote] = useState('');
  const { errors, message, busy, send } = useFormSubmission();
  async function submit(e: FormEvent) {
    e.preventDefault();
    await send(async () => {
      await acknowledgeAlert(alert.id, note);
      onDone();
      onAnnounce(`Acknowledged: ${alert.title}, ${alert.patient.displayName}.`);
      focusAfter(alert.id, false);
    });
  }
  return (
    <form
      className="alert-form"
      onSubmit={submit}
      noValidate
      data-testid="alert-acknowledge-form"
      aria-label={`Acknowledge: ${alert.title}`}
    >
      {message && (
        <p className="field__error" role="alert">
          {message}
        </p>
      )}
      <FormField label="Note (optional)" name="note" error={errors.note} hint="what you are doing about it">
        <textarea
          value={note}
          onChange={(e) => setNote(e.target.value)}
          rows={2}
          maxLength={2000}
          autoFocus
          data-testid="alert-acknowledge-note"
        />
      </FormField>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={busy} data-testid="alert-acknowledge-submit">
          {busy ? 'Acknowledging…' : 'Acknowledge'}
        </button>
        <button type="button" className="button button--quiet" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ResolveForm({ alert, onDone, onAnnounce }: { alert: Alert; onDone: () => void; onAnnounce: (text: string) => void }) {
  const [note, setNote] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validate(resolveAlertSchema, { note });
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => {
      await resolveAlert(alert.id, checked.value.note);
      onDone();
      onAnnounce(`Resolved: ${alert.title}, ${alert.patient.displayName}.`);
      focusAfter(alert.id, true);
    });
  }
  return (
    <form className="alert-form" onSubmit={submit} noValidate data-testid="alert-resolve-form" aria-label={`Resolve: ${alert.title}`}>
      {message && (
        <p className="field__error" role="alert">
          {message}
        </p>
      )}
      {alert.withdrawalRisk && (
        <p className="field__hint">
          A withdrawal-risk alert never resolves by itself: say what was checked (patient contacted, signs, pump interrogated) and found.
        </p>
      )}
      <FormField label="Resolution note (required)" name="note" error={errors.note}>
        <textarea
          value={note}
          onChange={(e) => setNote(e.target.value)}
          rows={3}
          maxLength={2000}
          required
          autoFocus
          data-testid="alert-resolve-note"
        />
      </FormField>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={busy} data-testid="alert-resolve-submit">
          {busy ? 'Resolving…' : 'Resolve'}
        </button>
        <button type="button" className="button button--quiet" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function SnoozeControl({ alert, onAnnounce }: { alert: Alert; onAnnounce: (text: string) => void }) {
  const choices = snoozeChoices(alert);
  const [minutes, setMinutes] = useState<SnoozeMinutes>(choices[0]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const selectId = useId();
  async function snooze() {
    setBusy(true);
    setError(undefined);
    try {
      await snoozeAlert(alert.id, minutes);
      onAnnounce(`Snoozed for you for ${snoozeText(minutes)}: ${alert.title}, ${alert.patient.displayName}.`);
      focusAfter(alert.id, true);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="alert-snooze" role="group" aria-label="Snooze for me">
      <label htmlFor={selectId}>Snooze for me</label>
      <select
        id={selectId}
        value={minutes}
        onChange={(e) => setMinutes(Number(e.target.value) as SnoozeMinutes)}
        data-testid="alert-snooze-minutes"
      >
        {choices.map((m) => (
          <option key={m} value={m}>
            {snoozeText(m)}
          </option>
        ))}
      </select>
      <button type="button" className="button button--quiet" onClick={() => void snooze()} disabled={busy} data-testid="alert-snooze">
        {busy ? 'Snoozing…' : 'Snooze'}
      </button>
      {error && (
        <span className="field__error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** `onAnnounce`: a short sentence for the panel's live region, read out after an action succeeds. */
export function AlertActions({ alert, onAnnounce }: { alert: Alert; onAnnounce: (text: string) => void }) {
  const mayAcknowledge = useCan('POST /api/alerts/:id/acknowledge', alert.clinicId);
  const mayResolve = useCan('POST /api/alerts/:id/resolve', alert.clinicId);
  const maySnooze = useCan('POST /api/alerts/:id/snooze', alert.clinicId);
  const [open, setOpen] = useState<OpenForm>(null);
  const canAcknowledge = mayAcknowledge && alert.status === 'open';
  if (!canAcknowledge && !mayResolve && !maySnooze) return null;

  // Escape leaves an inline form, as it would a dialog.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && open) {
      e.stopPropagation();
      setOpen(null);
    }
  };

  return (
    <div className="alert-actions" onKeyDown={onKeyDown}>
      <div className="alert-actions__buttons">
        {canAcknowledge && (
          <button
            type="button"
            className="button button--primary"
            aria-expanded={open === 'acknowledge'}
            onClick={() => setOpen(open === 'acknowledge' ? null : 'acknowledge')}
            data-testid="alert-acknowledge"
          >
            Acknowledge…
          </button>
        )}
        {mayResolve && (
          <button
            type="button"
            className="button"
            aria-expanded={open === 'resolve'}
            onClick={() => setOpen(open === 'resolve' ? null : 'resolve')}
            data-testid="alert-resolve"
          >
            Resolve…
          </button>
        )}
        {maySnooze && <SnoozeControl alert={alert} onAnnounce={onAnnounce} />}
      </div>
      {open === 'acknowledge' && canAcknowledge && <AcknowledgeForm alert={alert} onDone={() => setOpen(null)} onAnnounce={onAnnounce} />}
      {open === 'resolve' && mayResolve && <ResolveForm alert={alert} onDone={() => setOpen(null)} onAnnounce={onAnnounce} />}
    </div>
  );
}
