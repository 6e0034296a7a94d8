// Deterministic clinic for planner tests and the benchmark: 10 clinicians, 8 weeks over a DST change, 2,000 pumps.
import { seededUnit } from '../simulation/seeded-hash';
import { availabilityWindows, AvailabilityRules } from './availability';
import { busyFromAppointments } from './refill-slots';
import type { PlanRefillsInput, PlannerClinician, PlannerPump } from './refill-planner';
import { SCHEDULING_CONFIG } from './scheduling-config';
import type { AvailabilityOverride } from './scheduling-contracts';
import { DAY_MS, MINUTE_MS } from '../time-units';

export interface PlannerScenario {
  input: PlanRefillsInput;
  timeZone: string;
  availability: AvailabilityRules[];
}

/**
 * Paris clinic from Monday 2026-03-02 for `weeks` weeks (crosses the 2026-03-29 clock change). Clinicians work weekdays
 * 08:00-12:00 and 13:00-17:00 (every third one mornings only), one takes a week of leave, one adds Saturday mornings; a few
 * visits are already booked (some off the grid). Pump deadlines run from 3 days overdue to 7 days after the range, and one
 * pump in ten may only see three clinicians. Same seed, same clinic.
 */
export function plannerScenario(options: { pumps: number; clinicians: number; weeks: number; seed: number }): PlannerScenario {
  const { seed } = options;
  const timeZone = 'Europe/Paris';
  const fromMs = Date.parse('2026-03-01T23:00:00Z'); // Monday 2026-03-02 00:00 in Paris
  const toMs = fromMs + options.weeks * 7 * DAY_MS;
  const nowMs = Date.parse('2026-03-02T09:10:00Z'); // mid-morning of the first day: earlier slots are in the past
  const {
    defaultRefillDurationMinutes: durationMinutes,
    defaultBufferMinutes: bufferMinutes,
    defaultBookingMarginDays: marginDays,
  } = SCHEDULING_CONFIG;

  const availability: AvailabilityRules[] = [];
  const clinicians: PlannerClinician[] = [];
  for (let c = 0; c < options.clinicians; c++) {
    const weekly = [1, 2, 3, 4, 5].flatMap((weekday) =>
      c % 3 === 2
        ? [{ weekday, start: '08:00', end: '12:00' }]
        : [
            { weekday, start: '08:00', end: '12:00' },
            { weekday, start: '13:00', end: '17:00' },
          ],
    );
    const overrides: AvailabilityOverride[] = [];
    if (c === 3)
      for (const day of ['09', '10', '11', '12', '13']) overrides.push({ date: `2026-03-${day}`, available: false, note: 'leave' });
    if (c === 5)
      for (const day of ['07', '14', '21', '28']) overrides.push({ date: `2026-03-${day}`, available: true, start: '09:00', end: '12:00' });
    if (c === 1) overrides.push({ date: '2026-03-18', available: false, start: '10:00', end: '15:00' });
    const rules = { weekly, overrides };
    availability.push(rules);
    const windows = availabilityWindows(rules, timeZone, fromMs, toMs);
    // About one visit per window is already booked, at a seeded minute (off the grid one time in two).
    const appointments = windows
      .map((w, i) => {
        const offsetMinutes = Math.floor(seededUnit(seed, 'busy', c, i) * 200);
        const startMs =
          w.startMs + (seededUnit(seed, 'grid', c, i) < 0.5 ? offsetMinutes - (offsetMinutes % 40) : offsetMinutes) * MINUTE_MS;
        return { startMs, endMs: startMs + durationMinutes * MINUTE_MS };
      })
      .filter((a) => seededUnit(seed, 'keep', a.startMs, c) < 0.8);
    clinicians.push({
      clinicianId: `clinician-${String(c).padStart(2, '0')}`,
      windows,
      busy: busyFromAppointments(appointments, bufferMinutes),
    });
  }

  const pumps: PlannerPump[] = [];
  for (let p = 0; p < options.pumps; p++) {
    const earliestMs = nowMs - 3 * DAY_MS;
    const refillDeadlineMs =
      Math.round((earliestMs + seededUnit(seed, 'deadline', p) * (toMs + 7 * DAY_MS - earliestMs)) / MINUTE_MS) * MINUTE_MS;
    const pump: PlannerPump = { pumpId: `pump-${String(p).padStart(4, '0')}`, refillDeadlineMs };
    if (seededUnit(seed, 'restricted', p) < 0.1) {
      const first = Math.floor(seededUnit(seed, 'team', p) * options.clinicians);
      pump.clinicianIds = [0, 1, 2].map((k) => clinicians[(first + k) % options.clinicians].clinicianId);
    }
    pumps.push(pump);
  }
  return { timeZone, availability, input: { pumps, clinicians, durationMinutes, bufferMinutes, marginDays, fromMs, toMs, nowMs } };
}
