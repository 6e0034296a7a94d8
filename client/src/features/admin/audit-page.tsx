// Audit trail page (/admin/audit): who changed what and when, newest first, filtered by record type, user and period.
import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { AuditEntry, AuditQuery, Clinic } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { formatInstant, instantToLocalInput, localInputToInstant } from '../../lib/format';
import { ClinicDateTimeInput } from '../../components/clinic-date-input';
import { useSession } from '../auth/session-store';
import { useClinics } from '../clinics/use-clinics';
import { useLoaded } from './use-loaded';

const PAGE_SIZE = 200;
const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
/** Long values (a whole program, say) are cut in the table; the full text is in the tooltip. */
const VALUE_MAX_CHARS = 60;
const KNOWN_ENTITY_TYPES = ['clinic', 'patient', 'pump', 'fill', 'program', 'user', 'machine_token', 'session'];

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function formatValue(value: unknown, timeZone: string, labels: Record<string, string>): string {
  if (value === null || value === undefined) return '—';
  // An id reads as what it names (a clinician, a room), as the administrator knows it.
  if (typeof value === 'string' && labels[value]) return labels[value];
  // Instants read like every other time on the dashboard: in the clinic's zone.
  if (typeof value === 'string') return ISO_INSTANT.test(value) ? formatInstant(value, timeZone) : value;
  return JSON.stringify(value);
}

function cut(text: string): string {
  return text.length > VALUE_MAX_CHARS ? `${text.slice(0, VALUE_MAX_CHARS - 1)}…` : text;
}

function Changes({ changes, timeZone, labels }: { changes: AuditEntry['changes']; timeZone: string; labels: Record<string, string> }) {
  const entries = Object.entries(changes);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="plain changes">
      {entries.map(([field, { before, after }]) => {
        const from = formatValue(before, timeZone, labels);
        const to = formatValue(after, timeZone, labels);
        return (
          <li key={field} title={`${field}: ${from} → ${to}`}>
            <code>{field}</code> <span className="changes__before">{cut(from)}</span> → <span className="changes__after">{cut(to)}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** A user as colleagues know them, keeping what the entry adds after the e-mail ('(pager link)'); undefined for tokens and the system. */
function userNameOf(entry: AuditEntry, users: Map<string, { displayName: string; email: string }>): string | undefined {
  const user = entry.actorType === 'user' && entry.actorId ? users.get(entry.actorId) : undefined;
  if (!user) return undefined;
  return entry.actorLabel.startsWith(`${user.email} `)
    ? `${user.displayName}${entry.actorLabel.slice(user.email.length)}`
    : user.displayName;
}

function AuditRow({
  entry,
  clinics,
  users,
}: {
  entry: AuditEntry;
  clinics: Clinic[];
  users: Map<string, { displayName: string; email: string }>;
}) {
  const clinic = clinics.find((c) => c.id === entry.clinicId);
  const timeZone = clinic?.timeZone ?? BROWSER_ZONE;
  // A user reads as colleagues know them; the e-mail the entry keeps (the account at the time) stays beneath.
  const userName = userNameOf(entry, users);
  return (
    <tr data-testid="audit-row" data-entity-type={entry.entityType}>
      <td className="nowrap" data-label="When">
        {formatInstant(entry.at, timeZone)}
      </td>
      <td data-testid="audit-actor" data-label="Who">
        {userName ?? entry.actorLabel}
        {userName && userName !== entry.actorLabel && <div className="muted small">{entry.actorLabel}</div>}
        {entry.actorType !== 'user' && <div className="muted">{entry.actorType}</div>}
      </td>
      <td data-label="Action">{entry.action}</td>
      <td data-testid="audit-record" data-label="Record">
        {entry.entityType.replace(/_/g, ' ')}
        {entry.entityLabel ? (
          <div className="small" data-testid="audit-entity-label" title={entry.entityId ?? undefined}>
            {entry.entityLabel}
          </div>
        ) : (
          entry.entityId && (
            <div className="muted small" title={entry.entityId}>
              {entry.entityId.slice(0, 8)}
            </div>
          )
        )}
      </td>
      <td data-label="Clinic">{clinic?.name ?? (entry.clinicId ? <span className="muted">{entry.clinicId.slice(0, 8)}</span> : '—')}</td>
      <td data-label="Changes (before → after)">
        <Changes changes={entry.changes} timeZone={timeZone} labels={entry.labels ?? {}} />
      </td>
    </tr>
  );
}

/** Filters live in the address, so a filtered view can be shared and survives a return through sign-in. */
function filtersFrom(params: URLSearchParams): Partial<AuditQuery> {
  const pick = (k: string) => params.get(k) || undefined;
  return { entityType: pick('entityType'), userId: pick('userId'), from: pick('from'), to: pick('to') };
}

export function AuditPage() {
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const key = JSON.stringify(filters);
  const first = useLoaded(`audit:${key}`, (signal) => api.listAudit({ ...filters, limit: PAGE_SIZE }, signal));
  const users = useLoaded('audit-users', (signal) => api.listUsers(signal));
  const { clinics } = useClinics(user?.id);
  const usersById = new Map((users.data ?? []).map((u) => [u.id, u]));
  const [older, setOlder] = useState<AuditEntry[]>([]);
  const [olderDone, setOlderDone] = useState(false);
  const [olderError, setOlderError] = useState<string | undefined>();

  const [entityType, setEntityType] = useState(filters.entityType ?? '');
  const [userId, setUserId] = useState(filters.userId ?? '');
  const [from, setFrom] = useState(filters.from ? instantToLocalInput(filters.from, BROWSER_ZONE) : '');
  const [to, setTo] = useState(filters.to ? instantToLocalInput(filters.to, BROWSER_ZONE) : '');

  useEffect(() => {
    setOlder([]);
    setOlderDone(false);
    setOlderError(undefined);
  }, [key, first.data]);

  const entries = [...(first.data ?? []), ...older];
  const moreMayExist = !olderDone && (first.data?.length ?? 0) >= PAGE_SIZE;
  const entityTypes = [...new Set([...KNOWN_ENTITY_TYPES, ...entries.map((e) => e.entityType)])].sort();

  function apply(e: FormEvent) {
    e.preventDefault();
    const next: Record<string, string> = {};
    if (entityType.trim()) next.entityType = entityType.trim();
    if (userId) next.userId = userId;
    if (from) next.from = localInputToInstant(from, BROWSER_ZONE);
    if (to) next.to = localInputToInstant(to, BROWSER_ZONE);
    setParams(next);
  }

  function clear() {
    setEntityType('');
    setUserId('');
    setFrom('');
    setTo('');
    setParams({});
  }

  async function loadOlder() {
    const last = entries[entries.length - 1];
    if (!last) return;
    setOlderError(undefined);
    try {
      const page = await api.listAudit({ ...filters, beforeId: last.id, limit: PAGE_SIZE });
      setOlder((current) => [...current, ...page]);
      if (page.length < PAGE_SIZE) setOlderDone(true);
    } catch (err) {
      setOlderError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <section aria-labelledby="audit-title">
      <title>Audit trail — PumpWatch</title>
      <h1 id="audit-title">Audit trail</h1>
      <form className="panel form audit-filters" onSubmit={apply} data-testid="audit-filters" aria-label="Filter the audit trail">
        <div className="form__grid">
          <div className="field">
            <label htmlFor="audit-entity-type">Record type</label>
            <input
              id="audit-entity-type"
              type="text"
              list="audit-entity-types"
              value={entityType}
              onChange={(e) => setEntityType(e.target.value)}
              data-testid="audit-entity-type"
            />
            <datalist id="audit-entity-types">
              {entityTypes.map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
          </div>
          <div className="field">
            <label htmlFor="audit-user">User</label>
            <select id="audit-user" value={userId} onChange={(e) => setUserId(e.target.value)} data-testid="audit-user">
              <option value="">— anyone —</option>
              {(users.data ?? []).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName} ({u.email})
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="audit-from">From</label>
            <ClinicDateTimeInput id="audit-from" value={from} onChange={setFrom} timeZone={BROWSER_ZONE} aria-describedby="audit-zone" />
          </div>
          <div className="field">
            <label htmlFor="audit-to">To</label>
            <ClinicDateTimeInput id="audit-to" value={to} onChange={setTo} timeZone={BROWSER_ZONE} aria-describedby="audit-zone" />
          </div>
        </div>
        <p className="field__hint" id="audit-zone">
          Times in this computer's zone, {BROWSER_ZONE}; entries show in their clinic's zone.
        </p>
        <div className="form__actions">
          <button type="submit" className="button button--primary" data-testid="audit-apply">
            Apply filters
          </button>
          <button type="button" className="button button--quiet" onClick={clear}>
            Clear
          </button>
        </div>
      </form>
      {first.error && (
        <p className="notice notice--error" role="alert">
          Could not load the audit trail: {first.error}
        </p>
      )}
      <div className="table-wrap" tabIndex={0}>
        <table className="audit-table" data-testid="audit-table" aria-busy={first.loading}>
          <caption className="visually-hidden">Audit entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Record</th>
              <th scope="col">Clinic</th>
              <th scope="col">Changes (before → after)</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <AuditRow key={entry.id} entry={entry} clinics={clinics} users={usersById} />
            ))}
            {first.data && entries.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  No audit entries match these filters.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {olderError && (
        <p className="notice notice--error" role="alert">
          Could not load older entries: {olderError}
        </p>
      )}
      {moreMayExist && (
        <p>
          <button type="button" className="button" onClick={() => void loadOlder()} data-testid="audit-older">
            Load older entries
          </button>
        </p>
      )}
    </section>
  );
}
