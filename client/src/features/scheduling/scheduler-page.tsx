// Scheduler page (/scheduler): pumps that need a refill booked, the clinicians' week, rescheduling and the fleet planner, in the clinic's zone.
// `?pump=<id>` (a pump page's "Book refill") opens with that pump's booking ready: its ranked slots shown first.
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type {
  AppointmentResponse,
  ClinicClosure,
  Clinician,
  ClinicianAvailability,
  FleetPump,
  RefillPlanEmergency,
} from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { formatInstant } from '../../lib/format';
import { useLiveData } from '../../lib/use-live-data';
import { useNow } from '../../lib/use-now';
import { useSession } from '../auth/session-store';
import { useCan } from '../auth/use-can';
import { useClinics } from '../clinics/use-clinics';
import { TIMING_LABEL } from './booking-labels';
import { ClinicSetupPanel } from './clinic-setup-panel';
import { NeedsBookingList } from './needs-booking-list';
import { PumpBookingPanel } from './pump-booking-panel';
import { RefillPlanPanel } from './refill-plan-panel';
import { fleetCsvHref, nextAppointmentOf, schedulingApi, type FreeSlot } from './scheduling-api';
import { addDays, formatDayHeading, localDateOf, mondayOf, weekOf } from './scheduling-time';
import { WeekCalendar } from './week-calendar';
import './scheduling.css';

const noEvents = () => false;
const isLate = (a: AppointmentResponse) => a.timing !== null && TIMING_LABEL[a.timing].late;

export function SchedulerPage() {
  const { user } = useSession();
  const { clinics, error: clinicsError } = useClinics(user?.id);
  const [params, setParams] = useSearchParams();
  const fleet = useLiveData('scheduler:fleet', (signal) => api.listPumps(undefined, signal));
  const pumpParam = params.get('pump');
  // A pump named without its clinic opens in the pump's clinic.
  const pumpClinicId = pumpParam ? fleet.data?.find((r) => r.pump.id === pumpParam)?.clinic.id : undefined;
  const clinic = clinics.find((c) => c.id === (params.get('clinic') ?? pumpClinicId)) ?? clinics[0];
  const clinicId = clinic?.id ?? '';
  const timeZone = clinic?.timeZone ?? 'UTC';
  const nowMs = useNow();
  const today = localDateOf(new Date(nowMs).toISOString(), timeZone);
  /** null: the current week (follows the clock across midnight on Sunday). */
  const [monday, setMonday] = useState<string | null>(null);
  const week = useMemo(() => weekOf(monday ?? mondayOf(today), timeZone), [monday, today, timeZone]);
  const [highlightId, setHighlightId] = useState<string | null>(null);
  const [flash, setFlash] = useState<{ text: string; late: boolean } | undefined>();
  /** Booked here and not yet reported by the fleet list (or a server without `nextAppointment`). */
  const [justBooked, setJustBooked] = useState<Set<string>>(() => new Set());
  const [showFreeSlots, setShowFreeSlots] = useState(true);
  const [showCancelled, setShowCancelled] = useState(false);

  const mayBook = useCan('POST /api/appointments', clinicId);
  const mayPlan = useCan('POST /api/refill-plan/confirm', clinicId);
  const may = {
    reschedule: useCan('PATCH /api/appointments/:id', clinicId),
    cancel: useCan('POST /api/appointments/:id/cancel', clinicId),
    noShow: useCan('POST /api/appointments/:id/no-show', clinicId),
    complete: useCan('POST /api/appointments/:id/complete', clinicId),
  };

  // Clinicians and their sessions change on admin pages, not with pump events: loaded per clinic.
  const clinicians = useLiveData<Clinician[]>(
    `scheduler:clinicians:${clinicId}`,
    (signal) => (clinicId ? schedulingApi.listClinicians(clinicId, signal) : Promise.resolve([])),
    noEvents,
  );
  const closures = useLiveData<ClinicClosure[]>(
    `scheduler:closures:${clinicId}`,
    (signal) => (clinicId ? schedulingApi.listClosures(clinicId, signal) : Promise.resolve([])),
    noEvents,
  );
  const appointments = useLiveData<AppointmentResponse[]>(
    `scheduler:appointments:${clinicId}:${week.from}`,
    (signal) => (clinicId ? schedulingApi.listAppointments({ clinicId, from: week.from, to: week.to }, signal) : Promise.resolve([])),
    (event) => event.clinicId === clinicId,
  );

  const weekAppointments = useMemo(
    () => (appointments.data ?? []).filter((a) => showCancelled || a.status !== 'cancelled'),
    [appointments.data, showCancelled],
  );
  const shownClinicians = useMemo(() => {
    const busy = new Set(weekAppointments.map((a) => a.clinicianId));
    return (clinicians.data ?? []).filter((c) => c.active || busy.has(c.id)).sort((a, b) => a.displayName.localeCompare(b.displayName));
  }, [clinicians.data, weekAppointments]);
  const clinicianIds = shownClinicians.map((c) => c.id).join(',');

  const availability = useLiveData<Map<string, ClinicianAvailability>>(
    `scheduler:availability:${clinicianIds}`,
    async (signal) => {
      // A clinician whose availability cannot be read still shows; the sessions line is only a help.
      const entries = await Promise.all(
        shownClinicians.map((c) =>
          schedulingApi.getAvailability(c.id, signal).then(
            (a) => [c.id, a] as const,
            () => null,
          ),
        ),
      );
      return new Map(entries.filter((e): e is readonly [string, ClinicianAvailability] => e !== null));
    },
    noEvents,
  );
  const freeSlots = useLiveData<Map<string, FreeSlot[]>>(
    `scheduler:free:${week.from}:${clinicianIds}`,
    async (signal) => {
      const entries = await Promise.all(
        shownClinicians.map((c) => schedulingApi.freeSlots(c.id, { from: week.from, to: week.to }, signal).then((s) => [c.id, s] as const)),
      );
      return new Map(entries);
    },
    (event) => event.clinicId === clinicId,
  );

  const clinicRows = useMemo(() => (fleet.data ?? []).filter((r) => r.clinic.id === clinicId), [fleet.data, clinicId]);
  const rowsByPump = useMemo(() => new Map(clinicRows.map((r) => [r.pump.id, r])), [clinicRows]);
  const cliniciansById = useMemo(() => new Map((clinicians.data ?? []).map((c) => [c.id, c])), [clinicians.data]);
  const needsBooking = useMemo(
    () =>
      clinicRows
        .filter(
          (r) =>
            r.status === 'ok' &&
            r.refillDeadline !== null &&
            r.urgency !== 'delivery_interrupted' &&
            !nextAppointmentOf(r) &&
            !justBooked.has(r.pump.id),
        )
        .sort((a, b) => Date.parse(a.refillDeadline!) - Date.parse(b.refillDeadline!)),
    [clinicRows, justBooked],
  );
  // Delivery interrupted: an emergency, never a routine slot (booked or not, it is listed).
  const emergencies = useMemo(
    () =>
      clinicRows
        .filter((r) => r.urgency === 'delivery_interrupted')
        .map((r): RefillPlanEmergency => {
          const reasons = r.urgencyReasons ?? [];
          return { pumpId: r.pump.id, patient: r.patient, reasons, alertId: reasons.find((reason) => reason.alertId)?.alertId ?? null };
        }),
    [clinicRows],
  );
  const withoutForecast = clinicRows.filter((r) => r.status !== 'ok' && !nextAppointmentOf(r)).length;

  function reloadSchedule() {
    appointments.reload();
    freeSlots.reload();
    fleet.reload();
  }

  function showAppointment(appointment: AppointmentResponse) {
    setMonday(mondayOf(localDateOf(appointment.startsAt, timeZone)));
    setHighlightId(appointment.id);
  }

  function describe(appointment: AppointmentResponse, row?: FleetPump): string {
    const who = cliniciansById.get(appointment.clinicianId)?.displayName ?? 'a clinician';
    const timing = appointment.timing ? ` — ${TIMING_LABEL[appointment.timing].text}` : '';
    const patient = row?.patient.displayName ?? rowsByPump.get(appointment.pumpId)?.patient.displayName ?? 'The patient';
    return `${patient}: ${formatInstant(appointment.startsAt, timeZone)} with ${who}${timing}`;
  }

  function closePumpBooking() {
    const next = new URLSearchParams(params);
    next.delete('pump');
    setParams(next);
  }

  function onBooked(appointment: AppointmentResponse, row: FleetPump) {
    setJustBooked((prev) => new Set(prev).add(appointment.pumpId));
    setFlash({ text: `Booked ${describe(appointment, row)}. It is highlighted in the calendar below.`, late: isLate(appointment) });
    showAppointment(appointment);
    reloadSchedule();
  }

  function onRescheduled(appointment: AppointmentResponse) {
    setFlash({ text: `Moved ${describe(appointment)}.`, late: isLate(appointment) });
    showAppointment(appointment);
    reloadSchedule();
  }

  function onChanged(appointment: AppointmentResponse, what: 'cancelled' | 'no_show' | 'completed') {
    if (what !== 'completed') {
      setJustBooked((prev) => {
        const next = new Set(prev);
        next.delete(appointment.pumpId);
        return next;
      });
    }
    const verb = what === 'cancelled' ? 'Cancelled' : what === 'no_show' ? 'Recorded a no-show for' : 'Recorded the refill of';
    setFlash({ text: `${verb} ${describe(appointment)}.`, late: false });
    setHighlightId(null);
    reloadSchedule();
  }

  function onPlanBooked(booked: AppointmentResponse[]) {
    setJustBooked((prev) => new Set([...prev, ...booked.map((a) => a.pumpId)]));
    setFlash({ text: `Booked ${booked.length} appointment${booked.length === 1 ? '' : 's'} from the plan.`, late: false });
    setHighlightId(null);
    reloadSchedule();
  }

  const loadError =
    clinicsError ?? fleet.error?.message ?? clinicians.error?.message ?? appointments.error?.message ?? freeSlots.error?.message;

  return (
    <section className="scheduler" aria-labelledby="scheduler-title" data-testid="scheduler-page">
      <title>Refill scheduler — PumpWatch</title>
      <div className="page-head">
        <h1 id="scheduler-title">Refill scheduler</h1>
        <div className="actions">
          {clinic && (
            <a className="button button--quiet" href={fleetCsvHref(clinic.id)} download data-testid="fleet-csv">
              Download fleet CSV<span className="visually-hidden"> of {clinic.name}</span>
            </a>
          )}
        </div>
      </div>
      <div className="toolbar">
        {clinics.length > 1 && (
          <label className="filter">
            <span>Clinic</span>
            <select
              value={clinicId}
              onChange={(e) => {
                setParams({ clinic: e.target.value });
                setMonday(null);
                setHighlightId(null);
                setFlash(undefined);
              }}
              data-testid="scheduler-clinic"
            >
              {clinics.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {clinic && (
          <span className="muted">
            Times in {clinic.name}'s zone, {timeZone}.
          </span>
        )}
      </div>
      {loadError && (
        <p className="notice notice--error" role="alert">
          Could not load the schedule: {loadError}
        </p>
      )}
      <div role="status" aria-live="polite">
        {flash && (
          <p className={`notice ${flash.late ? 'notice--warn' : 'notice--ok'}`} data-testid="scheduler-flash">
            {flash.late && <span aria-hidden="true">⚠ </span>}
            {flash.text}
          </p>
        )}
      </div>

      {clinic && (
        <>
          {pumpParam && (
            <PumpBookingPanel
              key={pumpParam}
              pumpId={pumpParam}
              row={rowsByPump.get(pumpParam)}
              fleetLoaded={fleet.data !== undefined}
              clinicId={clinicId}
              timeZone={timeZone}
              clinicians={shownClinicians}
              nowMs={nowMs}
              mayBook={mayBook}
              onBooked={onBooked}
              onClose={closePumpBooking}
            />
          )}
          <NeedsBookingList
            rows={needsBooking}
            emergencies={emergencies}
            withoutForecast={withoutForecast}
            clinicians={cliniciansById}
            clinicId={clinicId}
            timeZone={timeZone}
            nowMs={nowMs}
            mayBook={mayBook}
            loading={fleet.loading && !fleet.data}
            onBooked={onBooked}
          />

          <section className="panel" aria-labelledby="calendar-title" data-testid="calendar">
            <h2 id="calendar-title">Week calendar</h2>
            <div className="week-nav">
              <span className="week-nav__label" data-testid="calendar-week" data-monday={week.days[0]}>
                {formatDayHeading(week.days[0])} – {formatDayHeading(week.days[6])} {week.days[6].slice(0, 4)}
              </span>
              <button
                type="button"
                className="button button--quiet"
                onClick={() => setMonday(addDays(week.days[0], -7))}
                data-testid="calendar-previous"
              >
                ← Previous week
              </button>
              <button
                type="button"
                className="button button--quiet"
                onClick={() => setMonday(null)}
                disabled={monday === null}
                data-testid="calendar-this-week"
              >
                This week
              </button>
              <button
                type="button"
                className="button button--quiet"
                onClick={() => setMonday(addDays(week.days[0], 7))}
                data-testid="calendar-next"
              >
                Next week →
              </button>
              <label>
                <input type="checkbox" checked={showFreeSlots} onChange={(e) => setShowFreeSlots(e.target.checked)} /> Free slots
              </label>
              <label>
                <input type="checkbox" checked={showCancelled} onChange={(e) => setShowCancelled(e.target.checked)} /> Cancelled
              </label>
            </div>
            {clinicians.data && !clinicians.loading && shownClinicians.length === 0 ? (
              <p className="notice notice--warn">
                This clinic has no active clinicians yet: an administrator adds them and their weekly sessions before refills can be booked.
              </p>
            ) : (
              <WeekCalendar
                week={week}
                today={today}
                timeZone={timeZone}
                clinicians={shownClinicians}
                availability={availability.data ?? new Map()}
                appointments={weekAppointments}
                freeSlots={freeSlots.data}
                closures={closures.data ?? []}
                rowsByPump={rowsByPump}
                highlightId={highlightId}
                showFreeSlots={showFreeSlots}
                nowMs={nowMs}
                may={may}
                loading={appointments.loading || freeSlots.loading}
                onRescheduled={onRescheduled}
                onChanged={onChanged}
              />
            )}
          </section>

          <RefillPlanPanel
            key={clinicId}
            timeZone={timeZone}
            today={today}
            clinicians={shownClinicians}
            rowsByPump={rowsByPump}
            mayPlan={mayPlan}
            onBooked={onPlanBooked}
          />

          <ClinicSetupPanel
            key={`setup:${clinicId}`}
            clinicId={clinicId}
            clinicians={[...(clinicians.data ?? [])].sort((a, b) => a.displayName.localeCompare(b.displayName))}
            timeZone={timeZone}
            today={today}
            closures={{
              data: closures.data,
              error: closures.error?.message,
              reload: () => {
                // A closure changes the free slots: the calendar and the pickers read them again.
                closures.reload();
                freeSlots.reload();
              },
            }}
          />
        </>
      )}
      {!clinic && !clinicsError && <p className="muted">Loading your clinics…</p>}
    </section>
  );
}
