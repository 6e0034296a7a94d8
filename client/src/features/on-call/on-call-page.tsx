// On-call page (/on-call): who is on call now, the roster as a week calendar in the clinic's zone (primary and backup), add and cancel shifts.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import {
  createOnCallShiftSchema,
  ON_CALL_TIERS,
  type Clinic,
  type Clinician,
  type OnCallNow,
  type OnCallShift,
  type OnCallTier,
} from '@pumpwatch/shared';
import { formatInstant, instantToLocalInput, localInputToInstant } from '../../lib/format';
import { toSubmitFailure, validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { useNow } from '../../lib/use-now';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { FormActions } from '../../components/form-actions';
import { useSession } from '../auth/session-store';
import { canUseRoute } from '../auth/use-can';
import { useClinics } from '../clinics/use-clinics';
import { ClinicPicker } from '../admin/clinic-picker';
import { useLoaded } from '../admin/use-loaded';
import { addDays, formatDayHeading, formatLocalTime, localDateOf, mondayOf, weekOf } from '../scheduling/scheduling-time';
import { onCallApi } from './on-call-api';
import { refreshOnCallNow, useOnCallNow } from './on-call-now-store';
import './on-call.css';
import { ClinicDateTimeInput } from '../../components/clinic-date-input';

const TIER_LABEL: Record<OnCallTier, string> = { primary: 'Primary', backup: 'Backup' };
/** A new shift's default length: a common day or night shift. */
const DEFAULT_SHIFT_HOURS = 12;
const HOUR_MS = 3_600_000;

/** `CET`: the clinic's zone abbreviation at an instant (it changes with daylight saving time). */
export function zoneAbbreviation(iso: string, timeZone: string): string {
  return formatInstant(iso, timeZone).split(' ').slice(2).join(' ');
}

function NowSummary({ clinic, answer }: { clinic: Clinic; answer: OnCallNow | undefined }) {
  if (!answer)
    return (
      <p className="panel on-call-summary" role="status">
        Reading who is on call…
      </p>
    );
  const names = (list: Clinician[]) => list.map((c) => c.displayName + (c.pagerContact ? ` (☎ ${c.pagerContact})` : '')).join(', ');
  return (
    <div
      className={`panel on-call-summary${answer.noOneOnCall ? ' on-call-summary--none' : ''}`}
      data-testid="on-call-summary"
      data-state={answer.noOneOnCall ? 'none' : 'covered'}
      role="status"
    >
      {answer.noOneOnCall ? (
        <strong>
          <span aria-hidden="true">⚠ </span>No one on call at {clinic.name} now: pages go straight to the next level of the escalation
          policy.
        </strong>
      ) : (
        <span>
          <span aria-hidden="true">☎ </span>On call now: <strong>{names(answer.primary)}</strong>
        </span>
      )}
      <span>Backup: {answer.backup.length > 0 ? <strong>{names(answer.backup)}</strong> : 'none'}</span>
      <span className="muted">as of {formatInstant(answer.at, clinic.timeZone)}</span>
    </div>
  );
}

function CancelShift({ shift, who, onCancelled }: { shift: OnCallShift; who: string; onCancelled: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  async function cancel() {
    setBusy(true);
    setFailure(undefined);
    try {
      await onCallApi.cancelShift(shift.id);
      onCancelled();
    } catch (err) {
      setFailure(toSubmitFailure(err).message);
      setBusy(false);
    }
  }
  return (
    <div>
      {!confirming && (
        <button type="button" className="button button--quiet" onClick={() => setConfirming(true)} data-testid="cancel-shift">
          Cancel shift
        </button>
      )}
      {confirming && (
        <span role="group" aria-label={`Confirm cancelling ${who}'s shift`}>
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            onClick={() => void cancel()}
            data-testid="confirm-cancel-shift"
            autoFocus
          >
            Cancel it
          </button>{' '}
          <button type="button" className="button button--quiet" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      )}
      {failure && (
        <p className="field__error" role="alert">
          {failure}
        </p>
      )}
    </div>
  );
}

function RosterCalendar({
  clinic,
  days,
  shifts,
  clinicians,
  nowMs,
  mayCancel,
  onChanged,
}: {
  clinic: Clinic;
  days: string[];
  shifts: OnCallShift[];
  clinicians: Map<string, Clinician>;
  nowMs: number;
  mayCancel: boolean;
  onChanged: () => void;
}) {
  const today = localDateOf(new Date(nowMs).toISOString(), clinic.timeZone);
  /** The time alone when its date goes without saying (the column's day for the start, the start's day for the end). */
  const time = (iso: string, impliedDate: string) => {
    const date = localDateOf(iso, clinic.timeZone);
    return date === impliedDate
      ? formatLocalTime(iso, clinic.timeZone)
      : `${formatDayHeading(date)} ${formatLocalTime(iso, clinic.timeZone)}`;
  };
  return (
    <div className="roster-week" data-testid="roster-calendar">
      {days.map((day) => {
        const from = Date.parse(localInputToInstant(`${day}T00:00`, clinic.timeZone));
        const to = Date.parse(localInputToInstant(`${addDays(day, 1)}T00:00`, clinic.timeZone));
        const ofDay = shifts
          .filter((s) => Date.parse(s.startsAt) < to && Date.parse(s.endsAt) > from)
          .sort((a, b) => ON_CALL_TIERS.indexOf(a.tier) - ON_CALL_TIERS.indexOf(b.tier) || a.startsAt.localeCompare(b.startsAt));
        const covered = ofDay.some((s) => s.tier === 'primary' && s.cancelledAt === null);
        return (
          <section
            key={day}
            className={`roster-day${day === today ? ' roster-day--today' : ''}`}
            data-testid="roster-day"
            data-date={day}
            aria-label={formatDayHeading(day)}
          >
            <h3>
              {formatDayHeading(day)}
              {day === today && ' (today)'}
            </h3>
            <ul>
              {ofDay.map((s) => {
                const who = clinicians.get(s.clinicianId)?.displayName ?? 'Unknown clinician';
                const cancelled = s.cancelledAt !== null;
                // A shift over several days offers its cancel button once, on the first day of it this week shows.
                const firstShownDay = [localDateOf(s.startsAt, clinic.timeZone), days[0]].sort()[1];
                return (
                  <li
                    key={s.id}
                    className={`roster-shift roster-shift--${s.tier}${cancelled ? ' roster-shift--cancelled' : ''}`}
                    data-testid="roster-shift"
                    data-shift-id={s.id}
                    data-tier={s.tier}
                    data-cancelled={cancelled}
                  >
                    <span className="roster-shift__tier">
                      {s.tier === 'primary' ? '● ' : '○ '}
                      {TIER_LABEL[s.tier]}
                      {cancelled && ' · cancelled'}
                    </span>
                    <br />
                    <strong>{who}</strong>
                    <br />
                    {time(s.startsAt, day)}–{time(s.endsAt, localDateOf(s.startsAt, clinic.timeZone))}
                    {mayCancel && !cancelled && Date.parse(s.endsAt) > nowMs && day === firstShownDay && (
                      <CancelShift shift={s} who={who} onCancelled={onChanged} />
                    )}
                  </li>
                );
              })}
              {ofDay.length === 0 && <li className="empty">No shifts</li>}
            </ul>
            {!covered && to > nowMs && (
              <p className="roster-gaps">
                <span aria-hidden="true">⚠ </span>No primary shift
              </p>
            )}
          </section>
        );
      })}
    </div>
  );
}

function AddShiftForm({ clinic, clinicians, onAdded }: { clinic: Clinic; clinicians: Clinician[]; onAdded: () => void }) {
  const active = clinicians.filter((c) => c.active);
  const [clinicianId, setClinicianId] = useState('');
  const [tier, setTier] = useState<OnCallTier>('primary');
  const [startsAt, setStartsAt] = useState(() => instantToLocalInput(new Date().toISOString(), clinic.timeZone));
  const [endsAt, setEndsAt] = useState(() =>
    instantToLocalInput(new Date(Date.now() + DEFAULT_SHIFT_HOURS * HOUR_MS).toISOString(), clinic.timeZone),
  );
  const { errors, message, busy, refuse, send } = useFormSubmission();
  const chosen = clinicianId || active[0]?.id || '';
  const zone = zoneAbbreviation(new Date().toISOString(), clinic.timeZone);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validate(createOnCallShiftSchema, {
      clinicianId: chosen,
      tier,
      startsAt: localInputToInstant(startsAt, clinic.timeZone),
      endsAt: localInputToInstant(endsAt, clinic.timeZone),
    });
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => {
      await onCallApi.createShift(checked.value);
      onAdded();
    });
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="add-shift-form" aria-labelledby="add-shift-title">
      <h2 id="add-shift-title">Add a shift</h2>
      <FormErrorSummary message={message} fields={errors} shown={['clinicianId', 'tier', 'startsAt', 'endsAt']} />
      {active.length === 0 ? (
        <p className="muted">
          No active clinician in {clinic.name}: <Link to="/clinicians">add one</Link> first.
        </p>
      ) : (
        <>
          <div className="form__grid">
            <FormField label="Clinician" name="clinicianId" error={errors.clinicianId}>
              <select value={chosen} onChange={(e) => setClinicianId(e.target.value)} data-testid="shift-clinician">
                {active.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.displayName}
                  </option>
                ))}
              </select>
            </FormField>
            <FormField label="Tier" name="tier" error={errors.tier} hint="primary is paged first, backup next">
              <select value={tier} onChange={(e) => setTier(e.target.value as OnCallTier)} data-testid="shift-tier">
                {ON_CALL_TIERS.map((t) => (
                  <option key={t} value={t}>
                    {TIER_LABEL[t]}
                  </option>
                ))}
              </select>
            </FormField>
            <FormField label={`Starts (${zone})`} name="startsAt" error={errors.startsAt}>
              <ClinicDateTimeInput
                value={startsAt}
                onChange={setStartsAt}
                clinicId={clinic.id}
                timeZone={clinic.timeZone}
                data-testid="shift-starts"
              />
            </FormField>
            <FormField label={`Ends (${zone})`} name="endsAt" error={errors.endsAt}>
              <ClinicDateTimeInput
                value={endsAt}
                onChange={setEndsAt}
                clinicId={clinic.id}
                timeZone={clinic.timeZone}
                data-testid="shift-ends"
              />
            </FormField>
          </div>
          <FormActions busy={busy} label="Add shift" busyLabel="Adding…" testId="submit-shift" />
        </>
      )}
    </form>
  );
}

export function OnCallPage() {
  const { user } = useSession();
  const { clinics, error: clinicsError } = useClinics(user?.id);
  const readable = clinics.filter((c) => canUseRoute(user, 'GET /api/on-call-shifts', c.id));
  const [chosenClinicId, setChosenClinicId] = useState('');
  const clinic = readable.find((c) => c.id === chosenClinicId) ?? readable[0];
  const nowMs = useNow();
  const [weekOffset, setWeekOffset] = useState(0);
  const { answers } = useOnCallNow(clinic ? [clinic] : []);

  const thisMonday = clinic ? mondayOf(localDateOf(new Date(nowMs).toISOString(), clinic.timeZone)) : '';
  const week = clinic ? weekOf(addDays(thisMonday, 7 * weekOffset), clinic.timeZone) : undefined;
  const shifts = useLoaded(`shifts:${clinic?.id ?? ''}:${week?.from ?? ''}`, (signal) =>
    clinic && week ? onCallApi.listShifts(clinic.id, week, signal) : Promise.resolve([]),
  );
  const clinicians = useLoaded(`on-call-clinicians:${clinic?.id ?? ''}`, (signal) =>
    clinic ? onCallApi.listClinicians(clinic.id, signal) : Promise.resolve([]),
  );
  const byId = new Map((clinicians.data ?? []).map((c) => [c.id, c]));
  const mayChange = clinic !== undefined && canUseRoute(user, 'POST /api/on-call-shifts', clinic.id);
  const mayReadPolicy = clinic !== undefined && canUseRoute(user, 'GET /api/clinics/:id/escalation-policy', clinic.id);

  function changed() {
    shifts.reload();
    if (clinic) void refreshOnCallNow(clinic.id);
  }

  const error = shifts.error ?? clinicians.error ?? clinicsError;
  return (
    <section aria-labelledby="on-call-title">
      <title>On call — PumpWatch</title>
      <h1 id="on-call-title">On call</h1>
      {error && (
        <p className="notice notice--error" role="alert">
          Could not load the roster: {error}
        </p>
      )}
      <ClinicPicker
        clinics={readable}
        value={clinic?.id ?? ''}
        onChange={(id) => {
          setChosenClinicId(id);
          setWeekOffset(0);
        }}
        testId="on-call-clinic"
      />
      {clinic && week && (
        <>
          <NowSummary clinic={clinic} answer={answers[clinic.id]} />
          {mayReadPolicy && (
            <p>
              <Link to="/on-call/escalation" data-testid="escalation-link">
                Escalation policy and webhooks
              </Link>
              : whom a page reaches, and when.
            </p>
          )}
          <div className="week-nav">
            <h2 className="week-nav__label" data-testid="roster-week-label">
              Week of {formatDayHeading(week.days[0])} – {formatDayHeading(week.days[6])}
              <span className="muted">
                {' '}
                · times in {zoneAbbreviation(week.from, clinic.timeZone)} ({clinic.timeZone})
              </span>
            </h2>
            <button
              type="button"
              className="button button--quiet"
              onClick={() => setWeekOffset((w) => w - 1)}
              data-testid="roster-previous"
            >
              ‹ Previous
            </button>
            <button type="button" className="button button--quiet" onClick={() => setWeekOffset(0)} disabled={weekOffset === 0}>
              This week
            </button>
            <button type="button" className="button button--quiet" onClick={() => setWeekOffset((w) => w + 1)} data-testid="roster-next">
              Next ›
            </button>
          </div>
          <RosterCalendar
            clinic={clinic}
            days={week.days}
            shifts={shifts.data ?? []}
            clinicians={byId}
            nowMs={nowMs}
            mayCancel={mayChange}
            onChanged={changed}
          />
          {mayChange && clinicians.data && <AddShiftForm key={clinic.id} clinic={clinic} clinicians={clinicians.data} onAdded={changed} />}
        </>
      )}
    </section>
  );
}
