// Refill scheduling: request schemas (zod) and response shapes of availability, rooms, appointments, slots and the fleet planner.
import { z } from 'zod';
import { createFillSchema, isoDate, isoInstant, UrgencyReason, wallClockTime } from '../contracts';
import { SCHEDULING_CONFIG as CFG } from './scheduling-config';
import { clinicText, identifier } from '../text-fields';
import { DAY_MS } from '../time-units';
import type { DrugLibraryViolation } from '../clinical-safety/drug-library';

const uuid = z.uuid({ message: 'must be a UUID' });
const ISO_WEEKDAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** Minutes since local midnight of a valid 'HH:MM'. */
export const wallClockMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
// Refinements run even when a field already failed: compare times only once both are well-formed.
const isWallClock = (value: string | undefined): value is string => value !== undefined && wallClockTime.safeParse(value).success;
const endsAfterStart = (start: string | undefined, end: string | undefined): boolean =>
  !isWallClock(start) || !isWallClock(end) || wallClockMinutes(end) > wallClockMinutes(start);

// The shared isoDate refuses days that do not exist (2026-02-30): an override on one would never apply.
const calendarDate = isoDate;

const overrideReason = clinicText(CFG.overrideReasonMaxLength, { min: 1, minMessage: 'must not be empty' });
const durationMinutes = z
  .number({ message: 'must be a number of minutes' })
  .int('must be whole minutes')
  .min(CFG.minDurationMinutes, `must be at least ${CFG.minDurationMinutes}`)
  .max(CFG.maxDurationMinutes, `must be at most ${CFG.maxDurationMinutes}`);

// ---- Availability ----

/** A recurring session in the clinic's zone, e.g. Monday 08:00-12:00. Ends at 23:59 at the latest (no session crosses midnight). */
export const weeklyWindowSchema = z
  .object({
    weekday: z.number().int('must be a whole number').min(1, 'must be 1 (Monday) to 7 (Sunday)').max(7, 'must be 1 (Monday) to 7 (Sunday)'),
    start: wallClockTime,
    end: wallClockTime,
  })
  .refine((w) => endsAfterStart(w.start, w.end), { message: 'must be after start', path: ['end'] });
export type WeeklyWindow = z.infer<typeof weeklyWindowSchema>;

/**
 * A dated exception in the clinic's zone. available:false without times: the whole regular day is off; with times: that
 * window is off (wins over everything that day). available:true (times required): an extra session.
 */
export const availabilityOverrideSchema = z
  .object({
    date: calendarDate,
    available: z.boolean({ message: 'must be true or false' }),
    start: wallClockTime.optional(),
    end: wallClockTime.optional(),
    note: clinicText(200).optional(),
  })
  .superRefine((o, ctx) => {
    if (o.start !== undefined && o.end === undefined)
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'is required when start is given' });
    if (o.end !== undefined && o.start === undefined)
      ctx.addIssue({ code: 'custom', path: ['start'], message: 'is required when end is given' });
    if (o.start !== undefined && o.end !== undefined && !endsAfterStart(o.start, o.end)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
    }
    if (o.available && o.start === undefined && o.end === undefined) {
      ctx.addIssue({ code: 'custom', path: ['start'], message: 'is required for an extra session (available: true)' });
    }
  });
export type AvailabilityOverride = z.infer<typeof availabilityOverrideSchema>;

/** PUT /api/clinicians/:id/availability: replaces the clinician's weekly sessions and overrides. */
export const clinicianAvailabilitySchema = z
  .object({
    weekly: z.array(weeklyWindowSchema).max(CFG.maxWeeklyWindows, `has at most ${CFG.maxWeeklyWindows} sessions`),
    overrides: z.array(availabilityOverrideSchema).max(CFG.maxOverrides, `has at most ${CFG.maxOverrides} overrides`).default([]),
  })
  .superRefine((availability, ctx) => {
    // Two sessions of one weekday that overlap are a typing error (a room cannot be booked twice by the same person); touching is fine.
    const weekly = availability.weekly;
    for (let j = 0; j < weekly.length; j++) {
      for (let i = 0; i < j; i++) {
        const [a, b] = [weekly[i], weekly[j]];
        if (a.weekday !== b.weekday || !isWallClock(a.start) || !isWallClock(a.end) || !isWallClock(b.start) || !isWallClock(b.end))
          continue;
        if (wallClockMinutes(b.start) < wallClockMinutes(a.end) && wallClockMinutes(a.start) < wallClockMinutes(b.end)) {
          ctx.addIssue({
            code: 'custom',
            path: ['weekly', j, 'start'],
            message: `overlaps weekly[${i}] (${ISO_WEEKDAY_NAMES[a.weekday]} ${a.start}-${a.end})`,
          });
          break;
        }
      }
    }
  });
export type ClinicianAvailabilityRequest = z.input<typeof clinicianAvailabilitySchema>;
export type ClinicianAvailabilityInput = z.output<typeof clinicianAvailabilitySchema>;

// ---- Clinic closures ----

/** POST /api/clinics/:id/closures: local dates in the clinic's zone, both included; endDate defaults to startDate (one day). */
export const createClinicClosureSchema = z
  .object({
    startDate: calendarDate,
    endDate: calendarDate.optional(),
    label: clinicText(CFG.closureLabelMaxLength, { min: 1, minMessage: 'must not be empty' }),
  })
  .superRefine((c, ctx) => {
    if (c.endDate === undefined || !calendarDate.safeParse(c.startDate).success || !calendarDate.safeParse(c.endDate).success) return;
    const days = (Date.parse(`${c.endDate}T00:00:00Z`) - Date.parse(`${c.startDate}T00:00:00Z`)) / DAY_MS + 1;
    if (days < 1) ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'must be on or after startDate' });
    else if (days > CFG.closureMaxDays)
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: `must be at most ${CFG.closureMaxDays} days from startDate` });
  });
export type CreateClinicClosureRequest = z.infer<typeof createClinicClosureSchema>;

/** A clinic closure: no slot is offered and no booking taken on these local dates (the clinic's zone, both included). */
export interface ClinicClosure {
  id: string;
  clinicId: string;
  startDate: string;
  endDate: string;
  label: string;
  createdAt: string;
}

// ---- Rooms ----

export const createRoomSchema = z.object({
  clinicId: uuid,
  name: identifier(100, { min: 1 }),
});
export type CreateRoomRequest = z.infer<typeof createRoomSchema>;

// ---- Appointments ----

export const APPOINTMENT_STATUSES = ['booked', 'completed', 'cancelled', 'no_show'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** Where a start falls against the pump's refill deadline: before deadline - margin, between the two, after the deadline. */
export const BOOKING_TIMINGS = ['on_time', 'after_margin', 'after_deadline'] as const;
export type BookingTiming = (typeof BOOKING_TIMINGS)[number];

/** POST /api/appointments. durationMinutes defaults to the clinic's refill duration; overrideReason lifts the margin/deadline/availability rules. */
export const createAppointmentSchema = z.object({
  pumpId: uuid,
  clinicianId: uuid,
  roomId: uuid.optional(),
  startsAt: isoInstant,
  durationMinutes: durationMinutes.optional(),
  overrideReason: overrideReason.optional(),
});
export type CreateAppointmentRequest = z.infer<typeof createAppointmentSchema>;

const RESCHEDULE_FIELDS = ['startsAt', 'clinicianId', 'roomId', 'durationMinutes', 'overrideReason'] as const;
const RESCHEDULE_CHANGES = ['startsAt', 'clinicianId', 'roomId', 'durationMinutes'] as const;

// Loose, then checked by name: a field that cannot change here (pumpId, status...) is refused naming it rather than ignored.
/** PATCH /api/appointments/:id: reschedule under the same rules as a booking; roomId null removes the room. */
export const rescheduleAppointmentSchema = z
  .looseObject({
    startsAt: isoInstant.optional(),
    clinicianId: uuid.optional(),
    roomId: uuid.nullable().optional(),
    durationMinutes: durationMinutes.optional(),
    overrideReason: overrideReason.optional(),
  })
  .superRefine((patch, ctx) => {
    const unknown = Object.keys(patch).filter((key) => !(RESCHEDULE_FIELDS as readonly string[]).includes(key));
    for (const key of unknown)
      ctx.addIssue({ code: 'custom', path: [key], message: `cannot be changed here (only ${RESCHEDULE_FIELDS.join(', ')})` });
    if (unknown.length === 0 && RESCHEDULE_CHANGES.every((key) => patch[key] === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: `must change at least one of ${RESCHEDULE_CHANGES.join(', ')}` });
    }
  })
  .transform(({ startsAt, clinicianId, roomId, durationMinutes: minutes, overrideReason: reason }) => ({
    startsAt,
    clinicianId,
    roomId,
    durationMinutes: minutes,
    overrideReason: reason,
  }));
export type RescheduleAppointmentRequest = z.infer<typeof rescheduleAppointmentSchema>;

/** POST /api/appointments/:id/cancel. */
export const cancelAppointmentSchema = z.object({
  reason: clinicText(CFG.overrideReasonMaxLength, { min: 1, minMessage: 'must not be empty' }).optional(),
});
export type CancelAppointmentRequest = z.infer<typeof cancelAppointmentSchema>;

// ---- Slots and the fleet planner ----

/** GET /api/pumps/:id/refill-slots?from&to&limit&clinicianId (query strings: limit is coerced). Defaults: see refillSlotsRange. */
export const refillSlotsQuerySchema = z
  .object({
    /** Only this clinician's slots (the picker's clinician filter, issue 16). */
    clinicianId: uuid.optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    limit: z.coerce
      .number({ message: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(CFG.slotsMaxLimit, `must be at most ${CFG.slotsMaxLimit}`)
      .default(CFG.slotsDefaultLimit),
  })
  .superRefine((q, ctx) => {
    if (q.from === undefined || q.to === undefined) return;
    const spanMs = Date.parse(q.to) - Date.parse(q.from);
    if (spanMs <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (spanMs > CFG.slotsMaxDays * DAY_MS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${CFG.slotsMaxDays} days after from` });
  });
export type RefillSlotsQuery = z.output<typeof refillSlotsQuerySchema>;

/** POST /api/refill-plan: a proposal only; nothing is booked until confirmed. clinicianIds restricts the clinicians (default all). */
export const refillPlanRequestSchema = z
  .object({
    /** The clinic to plan; optional when the caller schedules for exactly one clinic. */
    clinicId: uuid.optional(),
    from: isoInstant,
    to: isoInstant,
    clinicianIds: z
      .array(uuid)
      .min(1, 'must name at least one clinician (omit it for all)')
      .max(500)
      .refine((ids) => new Set(ids).size === ids.length, 'must not name a clinician twice')
      .optional(),
  })
  .superRefine((r, ctx) => {
    const spanMs = Date.parse(r.to) - Date.parse(r.from);
    if (spanMs <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (spanMs > CFG.plannerMaxDays * DAY_MS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${CFG.plannerMaxDays} days after from` });
  });
export type RefillPlanRequest = z.infer<typeof refillPlanRequestSchema>;

/** Confirming a plan: the proposals the scheduler keeps, each booked under the ordinary booking rules (one transaction). */
export const confirmRefillPlanSchema = z.object({
  /** Needed when a kept proposal starts after its booking deadline (the ordinary booking rule); applies to the whole plan. */
  overrideReason: overrideReason.optional(),
  appointments: z
    .array(z.object({ pumpId: uuid, clinicianId: uuid, startsAt: isoInstant, roomId: uuid.optional() }))
    .min(1, 'needs at least one appointment')
    .max(5000, 'has at most 5000 appointments')
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((a, i) => {
        if (seen.has(a.pumpId)) ctx.addIssue({ code: 'custom', path: [i, 'pumpId'], message: 'is already in this plan' });
        seen.add(a.pumpId);
      });
    }),
});
export type ConfirmRefillPlanRequest = z.infer<typeof confirmRefillPlanSchema>;

// ---- Response shapes ----

export interface Room {
  id: string;
  clinicId: string;
  name: string;
  createdAt: string;
}

/** GET/PUT /api/clinicians/:id/availability: wall-clock times in the clinic's zone, given beside them. */
export interface ClinicianAvailability {
  clinicianId: string;
  timeZone: string;
  weekly: WeeklyWindow[];
  overrides: AvailabilityOverride[];
  updatedAt: string | null;
}

export interface AppointmentResponse {
  id: string;
  pumpId: string;
  patientId: string;
  clinicId: string;
  clinicianId: string;
  roomId: string | null;
  startsAt: string;
  endsAt: string;
  status: AppointmentStatus;
  /** User id of who booked it (the label when no user did, e.g. the system). */
  bookedBy: string;
  /** Who booked it as the audit trail names them (email of the user). */
  bookedByLabel: string;
  overrideReason: string | null;
  /** Why it was cancelled or missed, when given. */
  statusReason: string | null;
  /** The fill recorded when the appointment was completed. */
  fillId: string | null;
  /** The pump's refill deadline now (it moves with programs and telemetry); null without a forecast. */
  refillDeadline: string | null;
  /** refillDeadline minus the clinic's booking margin: the latest on-time start. */
  bookingDeadline: string | null;
  /** bookingTiming(startsAt, refillDeadline, margin); null without a deadline. 'after_deadline' is shown in red. */
  timing: BookingTiming | null;
  createdAt: string;
}

/** A free whole slot of one clinician, as refill-slots lists it (ordered by suitability). */
export interface RefillSlot {
  clinicianId: string;
  /** The clinician's display name (issue 16). */
  clinicianName: string;
  startsAt: string;
  endsAt: string;
  timing: BookingTiming;
  /** (refillDeadline - startsAt) in days of 24 h, 2 decimals; negative after the deadline. */
  daysBeforeDeadline: number;
}

export interface RefillSlotsResponse {
  pumpId: string;
  refillDeadline: string;
  bookingDeadline: string;
  /** The booking deadline has passed: slots come earliest first. */
  pastBookingDeadline: boolean;
  slots: RefillSlot[];
}

export interface ProposedRefillAppointment {
  pumpId: string;
  clinicianId: string;
  startsAt: string;
  endsAt: string;
  timing: BookingTiming;
  refillDeadline: string;
  /** Days between the start and the booking deadline (drug left unused), for on-time proposals; 0 otherwise. */
  drugDaysWasted: number;
}

/** Why the planner could not fit a pump: no allowed clinician, none with any free slot in range, or all their slots taken by more urgent pumps. */
export const UNPLACED_REASONS = ['no_allowed_clinician', 'no_availability', 'capacity_full'] as const;
export type UnplacedReason = (typeof UNPLACED_REASONS)[number];

export interface RefillPlanSummary {
  placed: number;
  unplaced: number;
  onTime: number;
  afterMargin: number;
  afterDeadline: number;
  /** Sum of drugDaysWasted, 2 decimals. */
  totalDrugDaysWasted: number;
}

/**
 * A pump whose delivery is interrupted or at risk (urgency 'delivery_interrupted', issue 12): never offered a routine slot, shown
 * as an emergency with its reasons and the alert to act on (null when the reason is telemetry alone, before its alert is raised).
 */
export interface RefillPlanEmergency {
  pumpId: string;
  patient: { id: string; mrn: string; displayName: string };
  reasons: UrgencyReason[];
  alertId: string | null;
}

/** POST /api/refill-plan answer: the proposal (not booked), the pumps it could not fit, and its totals. */
export interface RefillPlanProposal {
  from: string;
  to: string;
  proposals: ProposedRefillAppointment[];
  unplaced: { pumpId: string; refillDeadline: string; reason: UnplacedReason }[];
  summary: RefillPlanSummary;
  /** Every active pump of the clinic whose delivery is interrupted, booked or not: left out of `proposals` (issue 12). */
  emergencies: RefillPlanEmergency[];
  /**
   * Active pumps whose program or fill in force is outside the clinic's drug library (issue 13): flagged, still planned. Each with
   * the hard limits and the soft limits not confirmed by a reason.
   */
  outsideDrugLibrary: { pumpId: string; violations: DrugLibraryViolation[] }[];
}

/** POST /api/appointments/:id/complete: the refill's fill, with the residual aspirated before it (reservoir reconciliation). */
export const completeAppointmentSchema = createFillSchema.extend({
  aspiratedResidualMl: z.number({ message: 'is required: the volume aspirated before the refill (mL)' }).min(0, 'must be 0 or more'),
});
export type CompleteAppointmentRequest = z.input<typeof completeAppointmentSchema>;

/** POST /api/calendar-feeds: an iCalendar feed of one clinician's appointments (admin). */
export const createCalendarFeedSchema = z.object({
  clinicianId: uuid,
  name: clinicText(200, { min: 1 }),
});
export type CreateCalendarFeedRequest = z.infer<typeof createCalendarFeedSchema>;
