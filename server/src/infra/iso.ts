// Conversions between database values and the API's ISO-8601 strings.
export function toIso(value: Date): string {
  return value.toISOString();
}

export function toIsoOrNull(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

/** `date` columns come back as 'YYYY-MM-DD' strings from TypeORM; a Date here means a driver default changed. */
export function toIsoDate(value: string | Date): string {
  if (typeof value === 'string') return value.slice(0, 10);
  const y = value.getFullYear();
  const m = String(value.getMonth() + 1).padStart(2, '0');
  const d = String(value.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}
