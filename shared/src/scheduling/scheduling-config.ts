// Defaults and limits of refill scheduling (availability, slots, bookings, the fleet planner), each with its reason.

export const SCHEDULING_CONFIG = {
  // A refill visit (aspirate, measure, refill, reprogram, check) takes about half an hour; per-clinic setting (issue 6).
  defaultRefillDurationMinutes: 30,
  // Room turnover between two refills (clean, prepare the next kit); per-clinic setting, PumpWatch default.
  defaultBufferMinutes: 10,
  // A refill must start this long before the deadline, leaving a week to rebook a missed visit (issue 6; PumpWatch default, not a
  // clinical figure: DOMAIN.md has none). The clinic's own setting (clinics.booking_margin_days, NOT NULL, column default 7 since
  // migration 1796162400000) governs both the scheduler and the alert rules; this is the one fallback and the settings form's default.
  defaultBookingMarginDays: 7,
  // Shortest and longest bookable visit: below 5 min is a typing error, above 4 h is not a refill (PumpWatch limits).
  minDurationMinutes: 5,
  maxDurationMinutes: 240,
  // An override reason is a sentence or two for the audit trail, not a clinical note (PumpWatch limit).
  overrideReasonMaxLength: 500,
  // The fleet planner plans at most one quarter ahead: deadlines further out move with every refill and program change.
  plannerMaxDays: 92,
  // refill-slots lists 20 suggestions by default and never more than 200 (one screen; bounded response size).
  slotsDefaultLimit: 20,
  slotsMaxLimit: 200,
  // refill-slots searches this far past `from` when no `to` is given, and at least to the deadline (6 weeks covers the booking horizon).
  slotsDefaultHorizonDays: 42,
  // A slot search may span at most 184 days: the 180-day drug stability limit (DRUG_CONFIG: Neuromodulation 2023 stability study) plus a few days.
  slotsMaxDays: 184,
  // Longest range one availability walk covers (the slot search's 184 days, the planner's quarter, and room to spare): one
  // request never walks more days than this (issue 14).
  availabilityMaxDays: 400,
  // Bounds on one clinician's availability payload: 10 sessions per weekday, a few years of dated overrides (PumpWatch limits).
  maxWeeklyWindows: 70,
  maxOverrides: 1000,
  // A clinic closure is a holiday or a shutdown of a few weeks; a longer one is a typing error (PumpWatch limit, issue 16).
  closureMaxDays: 62,
  closureLabelMaxLength: 100,
} as const;
