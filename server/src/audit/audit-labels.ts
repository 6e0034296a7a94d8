// Names for the ids an audit page shows (the thing changed and the ids among its changed fields), read in one query per page.
import type { AuditEntry } from '@pumpwatch/shared';
import type { DataSource } from 'typeorm';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// One row per id PumpWatch can name: what an administrator recognises (a patient by name and MRN, a pump by its patient and serial).
// `kind` is the word a bare name needs among changed fields ('room' A); the entry's own record has its type beside it already.
const LABELS_SQL = `
  WITH wanted(id) AS (SELECT unnest($1::uuid[]))
  SELECT p.id, p.display_name || ' (MRN ' || p.mrn || ')' AS label, NULL AS kind FROM patients p JOIN wanted w ON w.id = p.id
  UNION ALL SELECT pu.id, pa.display_name || ': pump SN ' || pu.serial_number, NULL FROM pumps pu JOIN wanted w ON w.id = pu.id JOIN patients pa ON pa.id = pu.patient_id
  UNION ALL SELECT c.id, c.display_name, NULL FROM clinicians c JOIN wanted w ON w.id = c.id
  UNION ALL SELECT u.id, u.display_name || ' (' || u.email || ')', NULL FROM users u JOIN wanted w ON w.id = u.id
  UNION ALL SELECT c.id, c.name, NULL FROM clinics c JOIN wanted w ON w.id = c.id
  UNION ALL SELECT r.id, r.name, 'room' FROM rooms r JOIN wanted w ON w.id = r.id
  UNION ALL SELECT m.id, m.name, 'machine token' FROM machine_tokens m JOIN wanted w ON w.id = m.id
  UNION ALL SELECT e.id, e.name, 'webhook' FROM webhook_endpoints e JOIN wanted w ON w.id = e.id
  UNION ALL SELECT s.id, c.display_name || ', ' || s.tier || ' on call', NULL FROM on_call_shifts s JOIN wanted w ON w.id = s.id JOIN clinicians c ON c.id = s.clinician_id
  UNION ALL SELECT a.id, 'refill of ' || pa.display_name, NULL FROM appointments a JOIN wanted w ON w.id = a.id JOIN pumps pu ON pu.id = a.pump_id JOIN patients pa ON pa.id = pu.patient_id
  UNION ALL SELECT al.id, replace(al.kind, '_', ' ') || ' alert, ' || pa.display_name, NULL FROM alerts al JOIN wanted w ON w.id = al.id JOIN patients pa ON pa.id = al.patient_id
  UNION ALL SELECT t.id, pa.display_name, 'taper plan of' FROM taper_plans t JOIN wanted w ON w.id = t.id JOIN patients pa ON pa.id = t.patient_id`;

/** The ids an entry shows: the entity, and every id value among its changed fields (before or after). */
function idsOf(entry: AuditEntry): string[] {
  const ids: string[] = [];
  if (entry.entityId && UUID.test(entry.entityId)) ids.push(entry.entityId);
  for (const { before, after } of Object.values(entry.changes)) {
    for (const value of [before, after]) if (typeof value === 'string' && UUID.test(value)) ids.push(value);
  }
  return ids;
}

/** Adds `entityLabel` and `labels` (id -> name for the ids among the changes) to a page of entries. */
export async function withAuditLabels(dataSource: DataSource, entries: AuditEntry[]): Promise<AuditEntry[]> {
  const wanted = [...new Set(entries.flatMap(idsOf).map((id) => id.toLowerCase()))];
  const named = new Map<string, { label: string; kind: string | null }>();
  if (wanted.length > 0) {
    const rows: { id: string; label: string; kind: string | null }[] = await dataSource.query(LABELS_SQL, [wanted]);
    for (const row of rows) named.set(row.id, row);
  }
  return entries.map((entry) => {
    const labels: Record<string, string> = {};
    for (const id of idsOf(entry)) {
      const name = named.get(id.toLowerCase());
      if (name !== undefined && id !== entry.entityId) labels[id] = name.kind ? `${name.kind} ${name.label}` : name.label;
    }
    // The page shows the entry's type beside its label: 'machine token' then 'Ward 3 gateway', not the type twice.
    const own = entry.entityId ? named.get(entry.entityId.toLowerCase()) : undefined;
    return { ...entry, entityLabel: own?.label ?? null, labels };
  });
}
