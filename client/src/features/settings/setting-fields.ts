// What the settings page says about each clinic setting: its words for an administrator, unit, default (from the shared config) and source.
import {
  ALERT_CONFIG,
  CLINIC_SETTING_LIMITS,
  CLINICAL_SAFETY_SETTING_DEFAULTS,
  SCHEDULING_CONFIG,
  TELEMETRY_CONFIG,
  URGENCY_CONFIG,
  type ClinicalSafetySettings,
  type ClinicSettingName,
} from '@pumpwatch/shared';

export type ClinicalSafetySettingName = Exclude<keyof ClinicalSafetySettings, 'clinicId'>;

export interface SettingField<Name extends string> {
  name: Name;
  label: string;
  unit: string;
  /** null: no limit (the field may be left empty). */
  defaultValue: number | null;
  /** How the default reads when it is not a number, e.g. "keep every reading". */
  defaultText?: string;
  /** One line: what changes for the clinic when this value changes. */
  meaning: string;
  /** Where the default comes from, when the configuration names a source. */
  source?: string;
  min: number;
  max: number;
  /** Whole numbers only. */
  whole: boolean;
  /** Overrides "Allowed: min to max" when the bounds read better in words. */
  rangeText?: string;
}

export interface SettingGroup<Name extends string> {
  id: string;
  title: string;
  intro: string;
  fields: SettingField<Name>[];
}

const limits = (name: ClinicSettingName) => CLINIC_SETTING_LIMITS[name];

/** The clinic's own settings (PATCH /api/clinics/:id/settings), in the groups an administrator thinks in. */
export const CLINIC_SETTING_GROUPS: SettingGroup<ClinicSettingName>[] = [
  {
    id: 'refill-alerts',
    title: 'Refill alerts and booking',
    intro: 'When a refill starts to be flagged, how early it must be booked, and how insistently a critical alert sounds.',
    fields: [
      {
        name: 'alertWarningHorizonDays',
        label: 'First refill warning',
        unit: 'days',
        defaultValue: ALERT_CONFIG.defaultWarningHorizonDays,
        meaning: `A pump whose refill deadline is this close raises a warning alert (urgent at ${URGENCY_CONFIG.urgentDays} days and critical at ${URGENCY_CONFIG.criticalDays} days are fixed).`,
        source: 'PumpWatch default, the fleet’s warning band',
        ...limits('alertWarningHorizonDays'),
        whole: true,
      },
      {
        name: 'bookingMarginDays',
        label: 'Booking margin before the deadline',
        unit: 'days',
        defaultValue: SCHEDULING_CONFIG.defaultBookingMarginDays,
        meaning:
          'A refill counts as booked in time only if it starts at least this long before the deadline, leaving time to rebook a missed visit.',
        source: 'PumpWatch default',
        ...limits('bookingMarginDays'),
        whole: true,
      },
      {
        name: 'alertSoundRepeatSeconds',
        label: 'Critical-alert sound repeats every',
        unit: 'seconds',
        defaultValue: ALERT_CONFIG.defaultAlertSoundRepeatSeconds,
        meaning: 'How often the alarm sound repeats on clinicians’ and administrators’ screens until someone acknowledges the alert.',
        source: 'IEC 60601-1-8: high-priority alarms repeat until acknowledged; 60 s is PumpWatch’s default',
        ...limits('alertSoundRepeatSeconds'),
        whole: true,
      },
    ],
  },
  {
    id: 'appointments',
    title: 'Refill appointments',
    intro: 'The length of a refill visit and the gap kept free between two visits in one room, used by the scheduler’s slots.',
    fields: [
      {
        name: 'refillDurationMinutes',
        label: 'Refill visit length',
        unit: 'minutes',
        defaultValue: SCHEDULING_CONFIG.defaultRefillDurationMinutes,
        meaning: 'Length of each refill slot offered by the scheduler (aspirate, measure, refill, reprogram, check).',
        source: 'PumpWatch default: a refill visit takes about half an hour',
        ...limits('refillDurationMinutes'),
        whole: true,
      },
      {
        name: 'appointmentBufferMinutes',
        label: 'Room turnover between visits',
        unit: 'minutes',
        defaultValue: SCHEDULING_CONFIG.defaultBufferMinutes,
        meaning: 'Time kept free in a room after each refill to clean it and prepare the next kit.',
        source: 'PumpWatch default',
        ...limits('appointmentBufferMinutes'),
        whole: true,
      },
    ],
  },
  {
    id: 'telemetry',
    title: 'Pump telemetry',
    intro: 'When a pump’s own reports count as silent, out of line with the records, or due for replacement.',
    fields: [
      {
        name: 'telemetryStaleAfterHours',
        label: 'Pump silent after',
        unit: 'hours',
        defaultValue: TELEMETRY_CONFIG.defaultStaleAfterHours,
        meaning: 'A monitored pump that sends no reading for longer than this raises a “telemetry stale” alert.',
        source: 'PumpWatch default',
        ...limits('telemetryStaleAfterHours'),
        whole: false,
      },
      {
        name: 'replacementMarginDays',
        label: 'Pump replacement margin',
        unit: 'days',
        defaultValue: TELEMETRY_CONFIG.defaultReplacementMarginDays,
        meaning:
          'Book the pump replacement this long before its battery is expected to stop (about 90 days after the replacement indicator).',
        source: 'VA patient safety alert AL09-24 (2009); Medtronic drug pump replacement page',
        ...limits('replacementMarginDays'),
        whole: true,
      },
      {
        name: 'programMismatchTolerancePercent',
        label: 'Program mismatch tolerance',
        unit: '%',
        defaultValue: TELEMETRY_CONFIG.defaultProgramMismatchPercent,
        meaning: 'A daily dose reported by the pump that differs from the program on record by more than this raises “program mismatch”.',
        source: 'PumpWatch default',
        ...limits('programMismatchTolerancePercent'),
        whole: false,
      },
      {
        name: 'programMismatchToleranceMcgPerDay',
        label: 'Program mismatch tolerance',
        unit: 'mcg/day',
        defaultValue: TELEMETRY_CONFIG.defaultProgramMismatchMcgPerDay,
        meaning: 'The same check in micrograms: a difference above this also raises “program mismatch”.',
        source: 'PumpWatch default',
        ...limits('programMismatchToleranceMcgPerDay'),
        whole: false,
      },
      {
        name: 'reservoirDiscrepancyToleranceMl',
        label: 'Reservoir discrepancy tolerance',
        unit: 'mL',
        defaultValue: TELEMETRY_CONFIG.defaultReservoirDiscrepancyToleranceMl,
        meaning:
          'The pump’s own reservoir estimate may differ from PumpWatch’s forecast by the larger of this and the percentage below before “reservoir discrepancy”.',
        source: 'ASRA 2017 e-poster: investigate a difference beyond 2 mL',
        ...limits('reservoirDiscrepancyToleranceMl'),
        whole: false,
      },
      {
        name: 'reservoirDiscrepancyTolerancePercent',
        label: 'Reservoir discrepancy tolerance',
        unit: '%',
        defaultValue: TELEMETRY_CONFIG.defaultReservoirDiscrepancyTolerancePercent,
        meaning: 'The same tolerance as a share of the forecast volume.',
        source: 'Inside the SynchroMed flow accuracy of ±14.5% (labeling)',
        ...limits('reservoirDiscrepancyTolerancePercent'),
        whole: false,
      },
      {
        name: 'telemetryRetentionDays',
        label: 'Keep every raw reading for',
        unit: 'days',
        defaultValue: null,
        defaultText: 'keep every reading',
        meaning: 'Older readings are thinned out by the retention job. Leave empty to keep every reading.',
        ...limits('telemetryRetentionDays'),
        whole: true,
      },
    ],
  },
];

/** Clinical-safety settings (PUT /api/clinics/:id/clinical-safety-settings); the bounds are the shared schema's. */
export const CLINICAL_SAFETY_SETTING_GROUP: SettingGroup<ClinicalSafetySettingName> = {
  id: 'clinical-safety',
  title: 'Clinical safety',
  intro: 'How often each patient needs labs and a clinical review, and which dose changes count as risky.',
  fields: [
    {
      name: 'labsIntervalMonths',
      label: 'Kidney function test every',
      unit: 'months',
      defaultValue: CLINICAL_SAFETY_SETTING_DEFAULTS.labsIntervalMonths,
      meaning: 'A patient without a creatinine result for this long raises “labs due” (baclofen is cleared by the kidneys).',
      source: 'PumpWatch default',
      min: 1,
      max: 60,
      whole: true,
    },
    {
      name: 'reviewIntervalMonths',
      label: 'Clinical review every',
      unit: 'months',
      defaultValue: CLINICAL_SAFETY_SETTING_DEFAULTS.reviewIntervalMonths,
      meaning: 'A patient without a check-up for this long (counted from the implant before the first) raises “clinical review overdue”.',
      source: 'PumpWatch default',
      min: 1,
      max: 60,
      whole: true,
    },
    {
      name: 'abruptReductionPercent',
      label: 'Abrupt dose reduction above',
      unit: '%',
      defaultValue: CLINICAL_SAFETY_SETTING_DEFAULTS.abruptReductionPercent,
      meaning:
        'A cut of more than this below the highest daily dose of the previous 24 hours raises an urgent “abrupt dose reduction” (withdrawal risk).',
      source: 'Lioresal Intrathecal and Gablofen labels: reductions of 10–20% for side effects',
      min: 5,
      max: 50,
      whole: false,
    },
    {
      name: 'taperStepMinSpacingHours',
      label: 'Taper steps at least',
      unit: 'hours apart',
      defaultValue: CLINICAL_SAFETY_SETTING_DEFAULTS.taperStepMinSpacingHours,
      meaning: 'Taper steps closer together than this need a written reason.',
      source: 'Lioresal Intrathecal label: dose changes only once every 24 hours',
      min: 1,
      max: 168,
      whole: false,
    },
  ],
};

/** "21 days", "keep every reading". */
export function defaultLabel(field: SettingField<string>): string {
  return field.defaultValue === null ? (field.defaultText ?? 'none') : `${field.defaultValue} ${field.unit}`;
}
