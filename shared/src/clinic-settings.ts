// A clinic's own settings (alert horizon, booking margin and refill slots, telemetry watchdog, mismatch tolerances, locale): the API shape.
import { z } from 'zod';
import { canonicalLocale } from './clinic-locale';

/** Bounds: outside them a value is a typing error, not a clinic's choice (each default and its source sits with its rule). */
export const CLINIC_SETTING_LIMITS = {
  alertWarningHorizonDays: { min: 7, max: 365 },
  bookingMarginDays: { min: 0, max: 60 },
  refillDurationMinutes: { min: 5, max: 240 },
  appointmentBufferMinutes: { min: 0, max: 120 },
  telemetryStaleAfterHours: { min: 1, max: 720 },
  replacementMarginDays: { min: 0, max: 365 },
  programMismatchTolerancePercent: { min: 0, max: 50 },
  programMismatchToleranceMcgPerDay: { min: 0, max: 100 },
  // Issue 12: the pump's own reservoir estimate may differ from the forecast by the larger of these before `reservoir_discrepancy`
  // (defaults in TELEMETRY_CONFIG with their source).
  reservoirDiscrepancyToleranceMl: { min: 0.5, max: 20 },
  reservoirDiscrepancyTolerancePercent: { min: 1, max: 50 },
  // Issue 12: how often the critical-alert sound repeats until someone acknowledges (default in ALERT_CONFIG with its source).
  alertSoundRepeatSeconds: { min: 15, max: 900 },
  // Raw readings older than this are downsampled by `npm run telemetry-retention`; null keeps everything (the default).
  telemetryRetentionDays: { min: 30, max: 3650 },
} as const;
export type ClinicSettingName = keyof typeof CLINIC_SETTING_LIMITS;

/** Settings that may be null (no limit set). */
export const NULLABLE_CLINIC_SETTINGS: readonly ClinicSettingName[] = ['telemetryRetentionDays'];

/**
 * GET /api/clinics/:id/settings. `locale` is the one in force for date fields (BCP 47): the clinic's choice, else `defaultLocale`,
 * which follows from its time zone.
 */
export type ClinicSettings = { clinicId: string; timeZone: string; locale: string; defaultLocale: string } & Record<
  Exclude<ClinicSettingName, 'telemetryRetentionDays'>,
  number
> & {
    telemetryRetentionDays: number | null;
  };

const WHOLE: readonly ClinicSettingName[] = [
  'alertSoundRepeatSeconds',
  'alertWarningHorizonDays',
  'bookingMarginDays',
  'refillDurationMinutes',
  'appointmentBufferMinutes',
  'replacementMarginDays',
  'telemetryRetentionDays',
];

const setting = (name: ClinicSettingName) => {
  const { min, max } = CLINIC_SETTING_LIMITS[name];
  const base = z.number({ message: 'must be a number' }).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
  const whole = WHOLE.includes(name) ? base.int('must be a whole number') : base;
  return (NULLABLE_CLINIC_SETTINGS.includes(name) ? whole.nullable() : whole).optional();
};

/**
 * The clinic's locale as PATCH /api/clinics/:id/settings and POST /api/clinics take it: a BCP 47 tag this runtime formats dates in
 * (stored canonical), or null (or absent) for the zone's.
 */
export const clinicLocaleField = z
  .string({ message: 'must be a BCP 47 locale such as fr-FR, or null' })
  .refine((tag) => canonicalLocale(tag) !== null, 'must be a BCP 47 locale such as fr-FR, de-DE, en-GB or en-US')
  .transform((tag) => canonicalLocale(tag) as string)
  .nullable()
  .optional();

/** PATCH /api/clinics/:id/settings: any subset; an unknown field is refused by name (a typo must not look saved). */
export const updateClinicSettingsSchema = z
  .looseObject({
    ...(Object.fromEntries((Object.keys(CLINIC_SETTING_LIMITS) as ClinicSettingName[]).map((name) => [name, setting(name)])) as Record<
      ClinicSettingName,
      ReturnType<typeof setting>
    >),
    locale: clinicLocaleField,
  })
  .superRefine((patch, ctx) => {
    const unknown = Object.keys(patch).filter((key) => !(key in CLINIC_SETTING_LIMITS) && key !== 'locale');
    for (const key of unknown) ctx.addIssue({ code: 'custom', path: [key], message: 'is not a clinic setting' });
    if (
      unknown.length === 0 &&
      patch.locale === undefined &&
      (Object.keys(CLINIC_SETTING_LIMITS) as ClinicSettingName[]).every((key) => patch[key] === undefined)
    ) {
      ctx.addIssue({ code: 'custom', path: [], message: 'must change at least one setting' });
    }
  })
  .transform((patch) => ({
    ...(Object.fromEntries(
      (Object.keys(CLINIC_SETTING_LIMITS) as ClinicSettingName[])
        .filter((key) => patch[key] !== undefined)
        .map((key) => [key, patch[key] as number | null]),
    ) as Partial<Record<ClinicSettingName, number | null>>),
    ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
  }));
export type UpdateClinicSettingsRequest = z.input<typeof updateClinicSettingsSchema>;
export type ValidClinicSettingsPatch = z.output<typeof updateClinicSettingsSchema>;
