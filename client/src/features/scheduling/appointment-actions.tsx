// What can be done to one booked appointment from its calendar block: reschedule, cancel, no-show, complete (with the fill), print the worksheet.
import { useId, useState, type FormEvent } from 'react';
import { completeAppointmentSchema, type AppointmentResponse, type CompleteAppointmentRequest, type FleetPump } from '@pumpwatch/shared';
import { instantToLocalInput, localInputToInstant } from '../../lib/format';
import { numberOrUndefined, validate } from '../../lib/form-errors';
import { FailureNotice, toSchedulingFailure, type SchedulingFailure } from './scheduling-failure';
import { schedulingApi, worksheetHref } from './scheduling-api';
import { ClinicDateTimeInput } from '../../components/clinic-date-input';

export interface AppointmentPermissions {
  reschedule: boolean;
  cancel: boolean;
  noShow: boolean;
  complete: boolean;
}

interface AppointmentActionsProps {
  appointment: AppointmentResponse;
  /** The pump's fleet row, for the fill form's defaults (reservoir size, concentration). */
  row: FleetPump | undefined;
  /** Who and when, for the buttons' accessible names. */
  label: string;
  timeZone: string;
  nowMs: number;
  may: AppointmentPermissions;
  rescheduling: boolean;
  onStartReschedule: () => void;
  onChanged: (appointment: AppointmentResponse, what: 'cancelled' | 'no_show' | 'completed') => void;
}

type Mode = 'idle' | 'cancel' | 'no_show' | 'complete';

function CompleteForm({
  appointment,
  row,
  timeZone,
  busy,
  onSubmit,
  onClose,
}: {
  appointment: AppointmentResponse;
  row: FleetPump | undefined;
  timeZone: string;
  busy: boolean;
  onSubmit: (body: CompleteAppointmentRequest) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [filledAt, setFilledAt] = useState(() => instantToLocalInput(new Date().toISOString(), timeZone));
  const [concentration, setConcentration] = useState(row?.concentrationMcgPerMl != null ? String(row.concentrationMcgPerMl) : '');
  const [volumeMl, setVolumeMl] = useState(row ? String(row.pump.reservoirCapacityMl) : '');
  const [residual, setResidual] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});

  function submit(e: FormEvent) {
    e.preventDefault();
    const body: CompleteAppointmentRequest = {
      filledAt: localInputToInstant(filledAt, timeZone),
      drug: 'baclofen',
      concentrationMcgPerMl: numberOrUndefined(concentration) as number,
      volumeMl: numberOrUndefined(volumeMl) as number,
      aspiratedResidualMl: numberOrUndefined(residual) as number,
    };
    const checked = validate(completeAppointmentSchema, body);
    if (!checked.ok) {
      setErrors(checked.fields);
      return;
    }
    setErrors({});
    onSubmit(body);
  }

  const field = (name: string, text: string, value: string, set: (v: string) => void, type: 'number' | 'datetime-local' = 'number') =>
    type === 'datetime-local' ? (
      // The clinic's locale, not the browser's; its calendar button sits beside the label rather than inside it.
      <div className="appt-form__field">
        <label htmlFor={`${id}-${name}`}>{text}</label>
        <ClinicDateTimeInput
          id={`${id}-${name}`}
          value={value}
          onChange={set}
          timeZone={timeZone}
          aria-invalid={errors[name] ? true : undefined}
          data-testid={`complete-${name}`}
        />
        {errors[name] && <span className="field__error">{errors[name]}</span>}
      </div>
    ) : (
      <label htmlFor={`${id}-${name}`}>
        {text}
        <input
          id={`${id}-${name}`}
          type={type}
          step="any"
          value={value}
          onChange={(e) => set(e.target.value)}
          aria-invalid={errors[name] ? true : undefined}
          data-testid={`complete-${name}`}
        />
        {errors[name] && <span className="field__error">{errors[name]}</span>}
      </label>
    );

  return (
    <form
      className="appt-form"
      onSubmit={submit}
      noValidate
      aria-label={`Complete the refill visit ${appointment.id}`}
      data-testid="complete-form"
    >
      {field('filledAt', `Filled at (${timeZone})`, filledAt, setFilledAt, 'datetime-local')}
      {field('concentrationMcgPerMl', 'Concentration (mcg/mL)', concentration, setConcentration)}
      {field('volumeMl', 'Volume after fill (mL)', volumeMl, setVolumeMl)}
      {field('aspiratedResidualMl', 'Aspirated residual (mL)', residual, setResidual)}
      <div className="cal-appt__actions">
        <button type="submit" className="button button--primary" disabled={busy} data-testid="complete-submit">
          {busy ? 'Saving…' : 'Record refill'}
        </button>
        <button type="button" className="button button--quiet" onClick={onClose} disabled={busy}>
          Close
        </button>
      </div>
    </form>
  );
}

export function AppointmentActions({
  appointment,
  row,
  label,
  timeZone,
  nowMs,
  may,
  rescheduling,
  onStartReschedule,
  onChanged,
}: AppointmentActionsProps) {
  const [mode, setMode] = useState<Mode>('idle');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<SchedulingFailure | undefined>();
  const reasonId = useId();
  const started = Date.parse(appointment.startsAt) <= nowMs;

  async function run(action: () => Promise<AppointmentResponse>, what: 'cancelled' | 'no_show' | 'completed') {
    setBusy(true);
    setFailure(undefined);
    try {
      const changed = await action();
      setMode('idle');
      onChanged(changed, what);
    } catch (err) {
      setFailure(toSchedulingFailure(err));
    } finally {
      setBusy(false);
    }
  }

  const worksheet = (
    <a href={worksheetHref(appointment.id)} target="_blank" rel="noopener" data-testid="appointment-worksheet">
      Worksheet<span className="visually-hidden"> for {label} (opens a printable page)</span>
    </a>
  );

  if (appointment.status !== 'booked') return <div className="cal-appt__actions">{worksheet}</div>;

  return (
    <>
      {mode === 'idle' && (
        <div className="cal-appt__actions">
          {may.reschedule && (
            <button
              type="button"
              className="button"
              onClick={onStartReschedule}
              disabled={rescheduling}
              aria-pressed={rescheduling}
              data-testid="appointment-reschedule"
            >
              Reschedule<span className="visually-hidden"> {label}</span>
            </button>
          )}
          {may.cancel && (
            <button type="button" className="button button--quiet" onClick={() => setMode('cancel')} data-testid="appointment-cancel">
              Cancel<span className="visually-hidden"> {label}</span>
            </button>
          )}
          {may.noShow && started && (
            <button type="button" className="button button--quiet" onClick={() => setMode('no_show')} data-testid="appointment-no-show">
              No-show<span className="visually-hidden"> {label}</span>
            </button>
          )}
          {may.complete && (
            <button type="button" className="button button--quiet" onClick={() => setMode('complete')} data-testid="appointment-complete">
              Complete<span className="visually-hidden"> {label}</span>
            </button>
          )}
          {worksheet}
        </div>
      )}
      {mode === 'cancel' && (
        <form
          className="appt-form"
          aria-label={`Cancel ${label}`}
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => schedulingApi.cancel(appointment.id, reason.trim() ? { reason: reason.trim() } : {}), 'cancelled');
          }}
        >
          <label htmlFor={reasonId}>
            Reason (optional)
            <input
              id={reasonId}
              type="text"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={500}
              data-testid="cancel-reason"
            />
          </label>
          <div className="cal-appt__actions">
            <button type="submit" className="button button--danger" disabled={busy} data-testid="cancel-confirm">
              {busy ? 'Cancelling…' : 'Cancel appointment'}
            </button>
            <button type="button" className="button button--quiet" onClick={() => setMode('idle')} disabled={busy}>
              Keep it
            </button>
          </div>
        </form>
      )}
      {mode === 'no_show' && (
        <div className="confirm" role="group" aria-label={`Confirm no-show of ${label}`}>
          <span>The patient did not come?</span>
          <button
            type="button"
            className="button button--danger"
            onClick={() => void run(() => schedulingApi.noShow(appointment.id), 'no_show')}
            disabled={busy}
            data-testid="no-show-confirm"
          >
            {busy ? 'Saving…' : 'Yes, no-show'}
          </button>
          <button type="button" className="button button--quiet" onClick={() => setMode('idle')} disabled={busy}>
            Back
          </button>
        </div>
      )}
      {mode === 'complete' && (
        <CompleteForm
          appointment={appointment}
          row={row}
          timeZone={timeZone}
          busy={busy}
          onSubmit={(body) => void run(() => schedulingApi.complete(appointment.id, body), 'completed')}
          onClose={() => setMode('idle')}
        />
      )}
      {failure && <FailureNotice failure={failure} testId="appointment-error" />}
    </>
  );
}
