// The locale a clinic's date fields are written in (GET /api/clinics carries it), read once and kept until a settings change.
import { useQuery } from '@tanstack/react-query';
import { defaultLocaleOf } from '@pumpwatch/shared';
import { api } from './api';

/** Invalidated by the settings page when a clinic's locale changes. */
export const CLINIC_LOCALES_KEY = ['clinic-locales'] as const;

/**
 * The clinic's locale: the clinic named by id, else the clinic in this time zone, else the zone's default (also while loading),
 * never the browser's.
 */
export function useClinicLocale(timeZone: string | undefined, clinicId?: string): string {
  const { data } = useQuery({ queryKey: CLINIC_LOCALES_KEY, queryFn: () => api.listClinics() });
  const clinic = (clinicId ? data?.find((c) => c.id === clinicId) : undefined) ?? data?.find((c) => c.timeZone === timeZone);
  return clinic?.locale ?? defaultLocaleOf(timeZone ?? 'UTC');
}
