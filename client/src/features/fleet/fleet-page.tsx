// Fleet page: the alerts panel, then every active pump, most urgent first, with the reasons behind each urgency; chips filter, headers sort; live on pump.changed.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { assessFleetUrgency, DELIVERY_INTERRUPTING_REASON_KINDS } from '@pumpwatch/shared';
import type { AlertSeverity, FleetPump, Urgency } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { useLiveData } from '../../lib/use-live-data';
import { useNow } from '../../lib/use-now';
import { subscribePumpChanged } from '../../lib/socket';
import { DEADLINE_REASON_TEXT, formatDaysLeft, formatInstant, formatNumber, modelName, NO_FORECAST_TEXT, URGENCY_LABEL } from '../../lib/format';
import { StopIcon, UrgencyBadge, UrgencyIcon } from './urgency-badge';
import { ReservoirGauge } from './reservoir-gauge';
import { useCan } from '../auth/use-can';
import { AlertsPanel } from '../alerts/alerts-panel';
import { TelemetryBadges } from '../telemetry/telemetry-badges';
import { FleetBooking } from '../scheduling/booking-status';
import { DEFAULT_SORT, parseSort, parseUrgency, sortFleet, URGENCY_ORDER, type FleetSort, type FleetSortKey, type SortDirection } from './fleet-sort';

/** Alerts shown on the fleet page beside every critical one; the whole list is on /alerts. */
const FLEET_ALERTS_SHOWN = 8;

const FILTER_DEBOUNCE_MS = 200;
/** How long a row that just changed stays highlighted. */
const CHANGED_HIGHLIGHT_MS = 2500;
const REASON_SEVERITY_ICON: Record<AlertSeverity, string> = { critical: '⚠', urgent: '▲', warning: '◆' };

/** Every open problem behind the badge, most severe first, each with an icon and words (never colour alone). */
function UrgencyReasons({ row }: { row: FleetPump }) {
  const reasons = [...row.urgencyReasons];
  // A failed forecast always says why, even from a server that sends the reason only in statusReason.
  if (row.status === 'forecast_error' && !reasons.some((r) => r.kind === 'forecast_error')) {
    reasons.unshift({ kind: 'forecast_error', severity: 'critical', text: `Forecast failed: ${row.statusReason ?? 'no reason given'}` });
  }
  if (reasons.length === 0) return null;
  return (
    <ul className="urgency-reasons" data-testid="urgency-reasons">
      {reasons.map((r, i) => (
        <li key={`${r.kind}-${i}`} className={`urgency-reason urgency-reason--${r.severity}`} data-kind={r.kind} data-severity={r.severity}>
          {DELIVERY_INTERRUPTING_REASON_KINDS.has(r.kind) ? <StopIcon /> : <span aria-hidden="true">{REASON_SEVERITY_ICON[r.severity]}</span>} {r.text}
        </li>
      ))}
    </ul>
  );
}

function FleetRow({ row, changed, nowMs }: { row: FleetPump; changed: boolean; nowMs: number }) {
  const { pump, patient, clinic } = row;
  return (
    <tr data-testid="fleet-row" data-pump-id={pump.id} data-urgency={row.urgency} className={`fleet-row fleet-row--${row.urgency}${changed ? ' fleet-row--changed' : ''}`}>
      <td data-testid="fleet-urgency" className="fleet-cell--urgency">
        <UrgencyBadge urgency={row.urgency} />
        <UrgencyReasons row={row} />
      </td>
      <td className="fleet-cell--patient">
        <Link to={`/pumps/${pump.id}`} className="fleet-row__patient" data-testid="fleet-patient">
          {patient.displayName}
        </Link>
        <div className="muted">MRN {patient.mrn}</div>
      </td>
      <td className="fleet-cell--pump">
        {modelName(pump.modelId)}
        <div className="muted">SN {pump.serialNumber}</div>
      </td>
      <td data-testid="fleet-telemetry" className="fleet-cell--telemetry">
        <TelemetryBadges telemetry={row.telemetry} nowMs={nowMs} />
      </td>
      <td className="fleet-cell--reservoir" data-label="Reservoir">
        <ReservoirGauge volumeMl={row.volumeMl} capacityMl={pump.reservoirCapacityMl} alarmMl={pump.lowReservoirAlarmMl} />
      </td>
      <td className="num fleet-cell--days" data-testid="fleet-days-left" data-label="Days left">
        {row.status === 'ok' ? formatDaysLeft(row.daysLeft) : <span className="no-forecast">no forecast</span>}
      </td>
      <td data-testid="fleet-deadline" className="fleet-cell--deadline" data-label="Refill deadline">
        {row.status === 'ok' ? (
          <>
            {formatInstant(row.refillDeadline, clinic.timeZone)}
            {row.deadlineReason && <div className="reason">{DEADLINE_REASON_TEXT[row.deadlineReason]}</div>}
          </>
        ) : (
          <span className="reason reason--missing">{NO_FORECAST_TEXT[row.status]}</span>
        )}
        <FleetBooking row={row} />
      </td>
      <td className="num fleet-cell--dose">
        {formatNumber(row.concentrationMcgPerMl, 'mcg/mL')}
        <div className="muted">{formatNumber(row.doseMcgPerDay, 'mcg/day', 1)}</div>
      </td>
    </tr>
  );
}

/** Pump ids named by pump.changed in the last few seconds, so a live change catches the eye. */
function useRecentlyChangedPumps(): Set<string> {
  const [ids, setIds] = useState<Set<string>>(() => new Set());
  useEffect(() => {
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const unsubscribe = subscribePumpChanged((event) => {
      if (!event) return;
      setIds((prev) => new Set(prev).add(event.pumpId));
      const timer = setTimeout(() => {
        timers.delete(timer);
        setIds((prev) => {
          const next = new Set(prev);
          next.delete(event.pumpId);
          return next;
        });
      }, CHANGED_HIGHLIGHT_MS);
      timers.add(timer);
    });
    return () => {
      unsubscribe();
      for (const t of timers) clearTimeout(t);
    };
  }, []);
  return ids;
}

const SORTABLE_COLUMNS: { key: FleetSortKey; label: string; className?: string }[] = [
  { key: 'urgency', label: 'Urgency' },
  { key: 'patient', label: 'Patient' },
  { key: 'reservoir', label: 'Reservoir' },
  { key: 'daysLeft', label: 'Days left', className: 'num' },
  { key: 'deadline', label: 'Refill deadline' },
];

function SortHeader({ column, sort, onSort }: { column: (typeof SORTABLE_COLUMNS)[number]; sort: FleetSort; onSort: (key: FleetSortKey) => void }) {
  const active = sort.key === column.key;
  return (
    <th scope="col" className={`sortable${column.className ? ` ${column.className}` : ''}`} aria-sort={active ? sort.direction : undefined} data-sort-key={column.key}>
      <button type="button" className="sort-button" onClick={() => onSort(column.key)} data-testid={`sort-${column.key}`}>
        {column.label}
        <span aria-hidden="true" className="sort-button__arrow">{active ? (sort.direction === 'ascending' ? '▲' : '▼') : '↕'}</span>
      </button>
    </th>
  );
}

const PLAIN_HEADER = (label: string, className = '') => <th scope="col" className={`unsortable ${className}`.trim()}>{label}</th>;

export function FleetPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const urgencyFilter = parseUrgency(params.get('urgency'));
  const sortParam = params.get('sort');
  const dirParam = params.get('dir');
  const sort = useMemo(() => parseSort(sortParam, dirParam), [sortParam, dirParam]);
  const [filterText, setFilterText] = useState(q);

  /** One URL parameter changed, the others kept (filter text, urgency chip, sort survive each other and a reload). */
  const setParam = useCallback((changes: Record<string, string | null>) => {
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(changes)) {
        if (v === null || v === '') next.delete(k);
        else next.set(k, v);
      }
      return next;
    }, { replace: true });
  }, [setParams]);

  useEffect(() => {
    const timer = setTimeout(() => {
      if (filterText !== q) setParam({ q: filterText });
    }, FILTER_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [filterText, q, setParam]);

  const fleet = useLiveData(`fleet:${q}`, (signal) => api.listPumps(q, signal));
  const now = useNow();
  // Days left and urgency count down between server events: the same shared rule, at this minute; the order follows.
  const rows = useMemo(
    () => (fleet.data ?? []).map((row) => ({ ...row, ...assessFleetUrgency(row, now) })),
    [fleet.data, now],
  );
  const shown = useMemo(
    () => sortFleet(urgencyFilter ? rows.filter((r) => r.urgency === urgencyFilter) : rows, sort, now),
    [rows, urgencyFilter, sort, now],
  );
  const changedIds = useRecentlyChangedPumps();
  const mayAddPump = useCan('POST /api/pumps');
  const mayReadAlerts = useCan('GET /api/alerts');

  const counts = useMemo(() => {
    const c: Partial<Record<Urgency, number>> = {};
    for (const r of rows) c[r.urgency] = (c[r.urgency] ?? 0) + 1;
    return c;
  }, [rows]);
  const interrupted = counts.delivery_interrupted ?? 0;
  // A withdrawal-risk pump that the chosen filter or order keeps from the top is named above the table, with a way back.
  const interruptedOutOfSight = interrupted > 0 && ((urgencyFilter !== null && urgencyFilter !== 'delivery_interrupted') || sort.key !== 'urgency' || sort.direction !== 'ascending');

  const onSort = (key: FleetSortKey) => {
    const direction: SortDirection = sort.key === key && sort.direction === 'ascending' ? 'descending' : 'ascending';
    setParam(key === DEFAULT_SORT.key && direction === DEFAULT_SORT.direction ? { sort: null, dir: null } : { sort: key, dir: direction });
  };
  const chip = (u: Urgency | null) => {
    const pressed = urgencyFilter === u;
    const count = u === null ? rows.length : counts[u] ?? 0;

    return (
      <li key={u ?? 'all'}>
        <button
          type="button"
          className={`chip${u ? ` badge--${u}` : ' chip--all'}${pressed ? ' chip--pressed' : ''}`}
          aria-pressed={pressed}
          onClick={() => setParam({ urgency: u === null || pressed ? null : u })}
          data-testid="urgency-chip"
          data-urgency={u ?? 'all'}
        >
          {u !== null && <><UrgencyIcon urgency={u} />{' '}</>}
          {u === null ? 'All' : URGENCY_LABEL[u].text}: <span className="chip__count" data-testid="urgency-chip-count">{count}</span>
        </button>
      </li>
    );
  };
  const emptyText = q
    ? `No active pump matches “${q}”${urgencyFilter ? ` with urgency ${URGENCY_LABEL[urgencyFilter].text}` : ''}.`
    : urgencyFilter ? `No pump is ${URGENCY_LABEL[urgencyFilter].text} now.` : 'No active pumps yet.';

  return (
    <section aria-labelledby="fleet-title">
      <title>{`Fleet (${rows.length}) — PumpWatch`}</title>
      <div className="page-head">
        <h1 id="fleet-title">Refill forecast — fleet</h1>
        {mayAddPump && <Link to="/pumps/new" className="button" data-testid="add-pump-button">+ Add pump</Link>}
      </div>
      {mayReadAlerts && <AlertsPanel compactLimit={FLEET_ALERTS_SHOWN} />}
      <div className="toolbar">
        <label className="filter">
          <span>Filter</span>
          <input
            type="search"
            value={filterText}
            onChange={(e) => setFilterText(e.target.value)}
            placeholder="name, MRN, serial or model…"
            data-testid="fleet-filter"
          />
        </label>
        <ul className="counts chips" aria-label="Show pumps by urgency">
          {chip(null)}
          {URGENCY_ORDER.filter((u) => counts[u] || urgencyFilter === u).map((u) => chip(u))}
        </ul>
      </div>
      {interruptedOutOfSight && (
        <p className="notice notice--danger" role="status" data-testid="withdrawal-risk-notice">
          <StopIcon /> {interrupted} {interrupted === 1 ? 'pump is' : 'pumps are'} at WITHDRAWAL RISK (delivery may have stopped).{' '}
          <button type="button" className="link-button" onClick={() => setParam({ urgency: 'delivery_interrupted', sort: null, dir: null })}>
            Show {interrupted === 1 ? 'it' : 'them'}
          </button>
        </p>
      )}
      {fleet.error && (
        <p className="notice notice--error" role="alert">
          Could not load the fleet: {fleet.error.message}
        </p>
      )}
      <div className="table-wrap">
        <table className="fleet" data-testid="fleet-table" aria-busy={fleet.loading}>
          <caption className="visually-hidden">
            Active pumps{urgencyFilter ? `, ${URGENCY_LABEL[urgencyFilter].text} only` : ''}, sorted by {SORTABLE_COLUMNS.find((c) => c.key === sort.key)?.label.toLowerCase()} ({sort.direction})
          </caption>
          <thead>
            <tr>
              <SortHeader column={SORTABLE_COLUMNS[0]} sort={sort} onSort={onSort} />
              <SortHeader column={SORTABLE_COLUMNS[1]} sort={sort} onSort={onSort} />
              {PLAIN_HEADER('Pump')}
              {PLAIN_HEADER('Status')}
              <SortHeader column={SORTABLE_COLUMNS[2]} sort={sort} onSort={onSort} />
              <SortHeader column={SORTABLE_COLUMNS[3]} sort={sort} onSort={onSort} />
              <SortHeader column={SORTABLE_COLUMNS[4]} sort={sort} onSort={onSort} />
              {PLAIN_HEADER('Drug / dose', 'num')}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <FleetRow key={row.pump.id} row={row} changed={changedIds.has(row.pump.id)} nowMs={now} />
            ))}
            {fleet.data && shown.length === 0 && (
              <tr className="fleet-empty">
                <td colSpan={8} className="empty" data-testid="fleet-empty">
                  {emptyText}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {!fleet.data && fleet.loading && <p className="muted">Loading the fleet…</p>}
    </section>
  );
}
