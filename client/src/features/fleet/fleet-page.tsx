// Fleet page: the alerts panel, then the active pumps, most urgent first, with the reasons behind each urgency; chips filter,
// headers sort (both by the server, kept in the URL). Pages of 100 rows from the query cache, patched live one row at a time.
import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { Urgency } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { minuteNow } from '../../lib/minute-ticker';
import { URGENCY_LABEL } from '../../lib/format';
import { StopIcon, UrgencyIcon } from './urgency-badge';
import { useCan } from '../auth/use-can';
import { useSession } from '../auth/session-store';
import { AlertsPanel } from '../alerts/alerts-panel';
import { DEFAULT_SORT, parseSort, parseUrgency, URGENCY_ORDER, type FleetSort, type FleetSortKey, type SortDirection } from './fleet-sort';
import { asFleetPage, FLEET_PAGE_SIZE, fleetQueryKey, hasMorePages, loadedRows, withKnownRows, type FleetQuery } from './fleet-cache';
import { FleetTable } from './fleet-table';

/** Alerts shown on the fleet page beside every critical one; the whole list is on /alerts. */
const FLEET_ALERTS_SHOWN = 8;
/** Critical incidents on the fleet page: a clinic's handful all, a regional flood cut here with the count (the alerts page has all). */
const FLEET_CRITICAL_ALERTS_SHOWN = 12;

const FILTER_DEBOUNCE_MS = 200;
/**
 * Urgency moves with the clock between events (a deadline comes into a band): each cell re-assesses its own row every minute, and
 * the order and counts are read again this often (the server refreshes rows older than 5 minutes on read).
 */
const FLEET_RESYNC_MS = 5 * 60_000;

const SORTABLE_COLUMNS: { key: FleetSortKey; label: string; className?: string }[] = [
  { key: 'urgency', label: 'Urgency' },
  { key: 'patient', label: 'Patient' },
  { key: 'reservoir', label: 'Reservoir' },
  { key: 'daysLeft', label: 'Days left', className: 'num' },
  { key: 'deadline', label: 'Refill deadline' },
];

function SortHeader({
  column,
  sort,
  onSort,
}: {
  column: (typeof SORTABLE_COLUMNS)[number];
  sort: FleetSort;
  onSort: (key: FleetSortKey) => void;
}) {
  const active = sort.key === column.key;
  return (
    <th
      scope="col"
      className={`sortable${column.className ? ` ${column.className}` : ''}`}
      aria-sort={active ? sort.direction : undefined}
      data-sort-key={column.key}
    >
      <button type="button" className="sort-button" onClick={() => onSort(column.key)} data-testid={`sort-${column.key}`}>
        {column.label}
        <span aria-hidden="true" className="sort-button__arrow">
          {active ? (sort.direction === 'ascending' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

const PLAIN_HEADER = (label: string, className = '') => (
  <th scope="col" className={`unsortable ${className}`.trim()}>
    {label}
  </th>
);

/** The filter box keeps its own text: a keystroke re-renders this box only; the query (and the table) follow after a pause. */
const FilterBox = memo(function FilterBox({ q, onCommit }: { q: string; onCommit: (q: string) => void }) {
  const [text, setText] = useState(q);
  useEffect(() => {
    if (text === q) return;
    const timer = setTimeout(() => onCommit(text), FILTER_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, q, onCommit]);
  return (
    <label className="filter">
      <span>Filter</span>
      <input
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="name, MRN, serial or model…"
        data-testid="fleet-filter"
      />
    </label>
  );
});

/** The alerts panel keeps its own store: a patched fleet row must not re-render it. */
const FleetAlerts = memo(function FleetAlerts() {
  return <AlertsPanel compactLimit={FLEET_ALERTS_SHOWN} criticalLimit={FLEET_CRITICAL_ALERTS_SHOWN} />;
});

export function FleetPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const urgencyFilter = parseUrgency(params.get('urgency'));
  const sortParam = params.get('sort');
  const dirParam = params.get('dir');
  const clinicId = params.get('clinic');
  const sort = useMemo(() => parseSort(sortParam, dirParam), [sortParam, dirParam]);
  const { user } = useSession();
  const query: FleetQuery = useMemo(() => ({ q: q.trim(), urgency: urgencyFilter, sort, clinicId }), [q, urgencyFilter, sort, clinicId]);

  /** One URL parameter changed, the others kept (filter text, urgency chip, sort survive each other and a reload). */
  const setParam = useCallback(
    (changes: Record<string, string | null>) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(changes)) {
            if (v === null || v === '') next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  const commitFilter = useCallback((text: string) => setParam({ q: text }), [setParam]);

  const fleet = useInfiniteQuery({
    queryKey: fleetQueryKey(user?.id ?? null, query),
    queryFn: async ({ pageParam, signal }) => {
      const answer = await api.listFleetPage(
        {
          limit: FLEET_PAGE_SIZE,
          cursor: pageParam,
          q: query.q,
          urgency: query.urgency,
          sort: query.sort.key,
          dir: query.sort.direction,
          clinicId: query.clinicId,
        },
        signal,
      );
      return withKnownRows(asFleetPage(answer, query, minuteNow()));
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // The previous answer stays on screen while the next filter or order is read: no empty flash per keystroke.
    placeholderData: keepPreviousData,
    refetchInterval: FLEET_RESYNC_MS,
  });
  const rows = useMemo(() => loadedRows(fleet.data), [fleet.data]);
  const firstPage = fleet.data?.pages[0];
  const counts: Partial<Record<Urgency, number>> = firstPage?.counts ?? {};
  const fleetSize = URGENCY_ORDER.reduce((sum, u) => sum + (counts[u] ?? 0), 0);
  const total = firstPage?.total ?? 0;
  const hasMore = fleet.data ? hasMorePages(fleet.data) : false;
  const { fetchNextPage, isFetchingNextPage } = fleet;
  const loadMore = useCallback(() => void fetchNextPage({ cancelRefetch: false }), [fetchNextPage]);

  const mayAddPump = useCan('POST /api/pumps');
  const mayReadAlerts = useCan('GET /api/alerts');

  const interrupted = counts.delivery_interrupted ?? 0;
  // A withdrawal-risk pump that the chosen filter or order keeps from the top is named above the table, with a way back.
  const interruptedOutOfSight =
    interrupted > 0 &&
    ((urgencyFilter !== null && urgencyFilter !== 'delivery_interrupted') || sort.key !== 'urgency' || sort.direction !== 'ascending');

  const onSort = useCallback(
    (key: FleetSortKey) => {
      const direction: SortDirection = sort.key === key && sort.direction === 'ascending' ? 'descending' : 'ascending';
      setParam(
        key === DEFAULT_SORT.key && direction === DEFAULT_SORT.direction ? { sort: null, dir: null } : { sort: key, dir: direction },
      );
    },
    [sort, setParam],
  );
  const chip = (u: Urgency | null) => {
    const pressed = urgencyFilter === u;
    const count = u === null ? fleetSize : (counts[u] ?? 0);

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
          {u !== null && (
            <>
              <UrgencyIcon urgency={u} />{' '}
            </>
          )}
          {u === null ? 'All' : URGENCY_LABEL[u].text}:{' '}
          <span className="chip__count" data-testid="urgency-chip-count">
            {count}
          </span>
        </button>
      </li>
    );
  };
  const emptyText = query.q
    ? `No active pump matches “${query.q}”${urgencyFilter ? ` with urgency ${URGENCY_LABEL[urgencyFilter].text}` : ''}.`
    : urgencyFilter
      ? `No pump is ${URGENCY_LABEL[urgencyFilter].text} now.`
      : 'No active pumps yet.';
  // Shown once the answer for this very query is in (not the previous query's rows kept on screen meanwhile).
  const empty =
    fleet.data && !fleet.isPlaceholderData ? (
      <tr className="fleet-empty">
        <td colSpan={8} className="empty" data-testid="fleet-empty">
          {emptyText}
        </td>
      </tr>
    ) : null;
  const head = useMemo(
    () => (
      <tr aria-rowindex={1}>
        <SortHeader column={SORTABLE_COLUMNS[0]} sort={sort} onSort={onSort} />
        <SortHeader column={SORTABLE_COLUMNS[1]} sort={sort} onSort={onSort} />
        {PLAIN_HEADER('Pump')}
        {PLAIN_HEADER('Status')}
        <SortHeader column={SORTABLE_COLUMNS[2]} sort={sort} onSort={onSort} />
        <SortHeader column={SORTABLE_COLUMNS[3]} sort={sort} onSort={onSort} />
        <SortHeader column={SORTABLE_COLUMNS[4]} sort={sort} onSort={onSort} />
        {PLAIN_HEADER('Drug / dose', 'num')}
      </tr>
    ),
    [sort, onSort],
  );
  const caption = `Active pumps${urgencyFilter ? `, ${URGENCY_LABEL[urgencyFilter].text} only` : ''}, sorted by ${SORTABLE_COLUMNS.find((c) => c.key === sort.key)?.label.toLowerCase()} (${sort.direction})`;

  return (
    <section aria-labelledby="fleet-title">
      <title>{`Fleet (${fleetSize}) — PumpWatch`}</title>
      <div className="page-head">
        <h1 id="fleet-title">Refill forecast — fleet</h1>
        {mayAddPump && (
          <Link to="/pumps/new" className="button" data-testid="add-pump-button">
            + Add pump
          </Link>
        )}
      </div>
      {mayReadAlerts && <FleetAlerts />}
      <div className="toolbar">
        <FilterBox q={q} onCommit={commitFilter} />
        <ul className="counts chips" aria-label="Show pumps by urgency">
          {chip(null)}
          {URGENCY_ORDER.filter((u) => counts[u] || urgencyFilter === u).map((u) => chip(u))}
        </ul>
      </div>
      {interruptedOutOfSight && (
        <p className="notice notice--danger" role="status" data-testid="withdrawal-risk-notice">
          <StopIcon /> {interrupted} {interrupted === 1 ? 'pump is' : 'pumps are'} at WITHDRAWAL RISK (delivery may have stopped).{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => setParam({ urgency: 'delivery_interrupted', sort: null, dir: null })}
          >
            Show {interrupted === 1 ? 'it' : 'them'}
          </button>
        </p>
      )}
      {fleet.error && (
        <p className="notice notice--error" role="alert">
          Could not load the fleet: {fleet.error.message}
        </p>
      )}
      <FleetTable
        rows={rows}
        total={total}
        hasMore={hasMore}
        loadingMore={isFetchingNextPage}
        onNearEnd={loadMore}
        caption={caption}
        head={head}
        busy={fleet.isFetching}
        empty={empty}
      />
      {!fleet.data && fleet.isLoading && <p className="muted">Loading the fleet…</p>}
    </section>
  );
}
