// Week calendar, one row per clinician and one column per local day: appointments and free whole slots as blocks; reschedule by picking (or dropping on) a free slot.
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { Link } from 'react-router-dom';
import type { AppointmentResponse, ClinicClosure, Clinician, ClinicianAvailability, FleetPump } from '@pumpwatch/shared';
import { formatInstant } from '../../lib/format';
import { STATUS_LABEL, TIMING_LABEL } from './booking-labels';
import { TimingBadge } from './booking-status';
import { AppointmentActions, type AppointmentPermissions } from './appointment-actions';
import { FailureNotice, toSchedulingFailure, type SchedulingFailure } from './scheduling-failure';
import { schedulingApi, type FreeSlot } from './scheduling-api';
import { formatDayHeading, formatLocalTime, localDateOf, type LocalWeek } from './scheduling-time';

const WEEKDAY_SHORT = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

interface WeekCalendarProps {
  week: LocalWeek;
  today: string;
  timeZone: string;
  clinicians: Clinician[];
  availability: Map<string, ClinicianAvailability>;
  appointments: AppointmentResponse[];
  freeSlots: Map<string, FreeSlot[]> | undefined;
  /** The clinic's closures: their days are marked closed (no free slot is offered on them). */
  closures: ClinicClosure[];
  rowsByPump: Map<string, FleetPump>;
  highlightId: string | null;
  showFreeSlots: boolean;
  nowMs: number;
  may: AppointmentPermissions;
  loading: boolean;
  onRescheduled: (appointment: AppointmentResponse) => void;
  onChanged: (appointment: AppointmentResponse, what: 'cancelled' | 'no_show' | 'completed') => void;
}

type Block = { kind: 'appointment'; at: string; appointment: AppointmentResponse } | { kind: 'free'; at: string; slot: FreeSlot };

/** Runs of weekdays as `Mon–Fri`, `Mon, Wed`. */
function weekdayRuns(days: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < days.length;) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j] + 1) j++;
    runs.push(
      j - i >= 2
        ? `${WEEKDAY_SHORT[days[i]]}–${WEEKDAY_SHORT[days[j]]}`
        : days
            .slice(i, j + 1)
            .map((d) => WEEKDAY_SHORT[d])
            .join(', '),
    );
    i = j + 1;
  }
  return runs.join(', ');
}

/** Weekly sessions, days with the same hours together: `Mon–Fri 08:00–12:00; Sat 09:00–11:00`. */
function sessionsText(availability: ClinicianAvailability | undefined): string | null {
  if (!availability) return null;
  if (availability.weekly.length === 0) return 'no weekly sessions';
  const hoursByDay = new Map<number, string>();
  for (const w of [...availability.weekly].sort((a, b) => a.start.localeCompare(b.start))) {
    const hours = `${w.start}–${w.end}`;
    hoursByDay.set(w.weekday, hoursByDay.has(w.weekday) ? `${hoursByDay.get(w.weekday)}, ${hours}` : hours);
  }
  const daysByHours = new Map<string, number[]>();
  for (const day of [...hoursByDay.keys()].sort((a, b) => a - b)) {
    const hours = hoursByDay.get(day)!;
    daysByHours.set(hours, [...(daysByHours.get(hours) ?? []), day]);
  }
  return [...daysByHours].map(([hours, days]) => `${weekdayRuns(days)} ${hours}`).join('; ');
}

export function WeekCalendar(props: WeekCalendarProps) {
  const {
    week,
    today,
    timeZone,
    clinicians,
    availability,
    appointments,
    freeSlots,
    closures,
    rowsByPump,
    highlightId,
    showFreeSlots,
    nowMs,
    may,
    loading,
  } = props;
  const closureOn = (day: string) => closures.find((c) => c.startDate <= day && day <= c.endDate);
  const [moving, setMoving] = useState<AppointmentResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<SchedulingFailure | undefined>();
  const [target, setTarget] = useState<FreeSlot | null>(null);
  const [dropKey, setDropKey] = useState<string | null>(null);
  const highlighted = useRef<HTMLLIElement | null>(null);

  useEffect(() => {
    highlighted.current?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [highlightId, appointments]);

  const patientOf = (pumpId: string) => rowsByPump.get(pumpId)?.patient.displayName ?? 'Unknown patient';
  const labelOf = (a: AppointmentResponse) => `${patientOf(a.pumpId)}, ${formatInstant(a.startsAt, timeZone)}`;

  async function moveTo(slot: FreeSlot, overrideReason?: string) {
    if (!moving) return;
    setBusy(true);
    setFailure(undefined);
    setTarget(slot);
    try {
      const changed = await schedulingApi.reschedule(moving.id, {
        startsAt: slot.startsAt,
        clinicianId: slot.clinicianId === moving.clinicianId ? undefined : slot.clinicianId,
        overrideReason,
      });
      setMoving(null);
      setTarget(null);
      props.onRescheduled(changed);
    } catch (err) {
      setFailure(toSchedulingFailure(err));
    } finally {
      setBusy(false);
    }
  }

  function startMoving(appointment: AppointmentResponse) {
    setFailure(undefined);
    setTarget(null);
    setMoving(appointment);
  }

  function blocksOf(clinicianId: string, day: string): Block[] {
    const blocks: Block[] = appointments
      .filter((a) => a.clinicianId === clinicianId && localDateOf(a.startsAt, timeZone) === day)
      .map((a) => ({ kind: 'appointment', at: a.startsAt, appointment: a }));
    if (showFreeSlots || moving) {
      for (const slot of freeSlots?.get(clinicianId) ?? []) {
        if (localDateOf(slot.startsAt, timeZone) === day && Date.parse(slot.startsAt) > nowMs)
          blocks.push({ kind: 'free', at: slot.startsAt, slot });
      }
    }
    return blocks.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }

  function renderAppointment(a: AppointmentResponse) {
    const late = a.timing !== null && TIMING_LABEL[a.timing].late;
    const isMoving = moving?.id === a.id;
    const draggable = may.reschedule && a.status === 'booked';
    return (
      <li
        key={a.id}
        ref={a.id === highlightId ? highlighted : undefined}
        className={`cal-appt cal-appt--${a.status}${late ? ' cal-appt--late' : ''}${a.id === highlightId ? ' cal-appt--highlight' : ''}${isMoving ? ' cal-appt--moving' : ''}`}
        data-testid="calendar-appointment"
        data-appointment-id={a.id}
        data-pump-id={a.pumpId}
        data-status={a.status}
        data-timing={a.timing ?? ''}
        data-starts-at={a.startsAt}
        draggable={draggable}
        onDragStart={
          draggable
            ? (e: DragEvent) => {
                e.dataTransfer.setData('text/plain', a.id);
                e.dataTransfer.effectAllowed = 'move';
                startMoving(a);
              }
            : undefined
        }
      >
        <div className="cal-appt__time">
          {formatLocalTime(a.startsAt, timeZone)}–{formatLocalTime(a.endsAt, timeZone)}
        </div>
        <div>
          <Link to={`/pumps/${a.pumpId}`}>{patientOf(a.pumpId)}</Link>
        </div>
        {/* Who to ask about a booking: the person as colleagues know them (a gateway or import token by its name). */}
        <div className="muted" data-testid="appointment-booked-by">
          booked by {a.bookedByLabel}
        </div>
        {a.status !== 'booked' && <div className="muted">{STATUS_LABEL[a.status]}</div>}
        <TimingBadge timing={a.timing} />
        {a.overrideReason && <div className="muted">Override: {a.overrideReason}</div>}
        <AppointmentActions
          appointment={a}
          row={rowsByPump.get(a.pumpId)}
          label={labelOf(a)}
          timeZone={timeZone}
          nowMs={nowMs}
          may={may}
          rescheduling={isMoving}
          onStartReschedule={() => startMoving(a)}
          onChanged={props.onChanged}
        />
      </li>
    );
  }

  function renderFree(slot: FreeSlot, clinician: Clinician) {
    const key = `${slot.clinicianId}|${slot.startsAt}`;
    const time = `${formatLocalTime(slot.startsAt, timeZone)}–${formatLocalTime(slot.endsAt, timeZone)}`;
    if (!moving) {
      return (
        <li key={key} className="cal-free" data-testid="calendar-free-slot" data-starts-at={slot.startsAt}>
          <span className="visually-hidden">free </span>
          {time}
        </li>
      );
    }
    const onDrop = (e: DragEvent) => {
      e.preventDefault();
      setDropKey(null);
      void moveTo(slot);
    };
    return (
      <li
        key={key}
        className={`cal-free cal-free--target${dropKey === key ? ' cal-free--drop' : ''}`}
        data-testid="calendar-free-slot"
        data-starts-at={slot.startsAt}
        onDragOver={(e) => {
          e.preventDefault();
          setDropKey(key);
        }}
        onDragLeave={() => setDropKey((k) => (k === key ? null : k))}
        onDrop={onDrop}
      >
        <button type="button" className="link-button" onClick={() => void moveTo(slot)} disabled={busy} data-testid="move-here">
          {time}
          <span className="visually-hidden">
            {' '}
            — move {patientOf(moving.pumpId)} here, {formatDayHeading(localDateOf(slot.startsAt, timeZone))} with {clinician.displayName}
          </span>
        </button>
      </li>
    );
  }

  return (
    <>
      {moving && (
        <div className="notice notice--warn reschedule-banner" role="status" data-testid="reschedule-banner">
          <span>
            Rescheduling <strong>{patientOf(moving.pumpId)}</strong> (now {formatInstant(moving.startsAt, timeZone)}): pick a free slot
            below — in any week, with any clinician — or drag the appointment onto one.
          </span>
          <button
            type="button"
            className="button button--quiet"
            onClick={() => {
              setMoving(null);
              setFailure(undefined);
            }}
            disabled={busy}
          >
            Stop rescheduling
          </button>
        </div>
      )}
      {failure && (
        <FailureNotice
          failure={failure}
          busy={busy}
          retryLabel="Move with this reason"
          onRetryWithReason={target ? (reason) => void moveTo(target, reason) : undefined}
          testId="reschedule-error"
        />
      )}
      <div className="table-wrap" tabIndex={0}>
        <table className="week-calendar" data-testid="week-calendar" data-from={week.from} aria-busy={loading}>
          <caption className="visually-hidden">
            Appointments and free slots per clinician, {formatDayHeading(week.days[0])} to {formatDayHeading(week.days[6])}, times in{' '}
            {timeZone}
          </caption>
          <thead>
            <tr>
              <th scope="col">Clinician</th>
              {week.days.map((day) => (
                <th
                  scope="col"
                  key={day}
                  className={[day === today ? 'today' : '', closureOn(day) ? 'closed' : ''].join(' ').trim() || undefined}
                  data-date={day}
                >
                  {formatDayHeading(day)}
                  {day === today && <span className="visually-hidden"> (today)</span>}
                  {closureOn(day) && (
                    <div className="cal-closed" data-testid="calendar-closed-day">
                      <span aria-hidden="true">✖ </span>Closed: {closureOn(day)!.label}
                    </div>
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {clinicians.map((clinician) => {
              const sessions = sessionsText(availability.get(clinician.id));
              return (
                <tr key={clinician.id} data-testid="calendar-clinician" data-clinician-id={clinician.id}>
                  <th scope="row">
                    <div className="cal-clinician">{clinician.displayName}</div>
                    <div className="muted">{clinician.profession}</div>
                    {sessions && <div className="cal-sessions">{sessions}</div>}
                  </th>
                  {week.days.map((day) => {
                    const blocks = blocksOf(clinician.id, day);
                    return (
                      <td key={day} className={day === today ? 'today' : undefined} data-date={day}>
                        {blocks.length === 0 ? (
                          <span className="cal-empty">—</span>
                        ) : (
                          <ul className="cal-list" aria-label={`${clinician.displayName}, ${formatDayHeading(day)}`}>
                            {blocks.map((b) =>
                              b.kind === 'appointment' ? renderAppointment(b.appointment) : renderFree(b.slot, clinician),
                            )}
                          </ul>
                        )}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
