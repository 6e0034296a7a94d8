// Fleet page: the alerts panel, then every active pump, most urgent first (server order), with telemetry badges; live on pump.changed.
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { assessFleetUrgency } from '@pumpwatch/shared';
import type { FleetPump, Urgency } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { useLiveData } from '../../lib/use-live-data';
import { useNow } from '../../lib/use-now';
import { subscribePumpChanged } from '../../lib/socket';
import { DEADLINE_REASON_TEXT, formatDaysLeft, formatInstant, formatNumber, modelName, NO_FORECAST_TEXT, URGENCY_LABEL } from '../../lib/format';
import { UrgencyBadge } from './urgency-badge';
import { ReservoirGauge } from './reservoir-gauge';
import { useCan } from '../auth/use-can';
import { AlertsPanel } from '../alerts/alerts-panel';
import { TelemetryBadges } from '../telemetry/telemetry-badges';
import { FleetBooking } from '../scheduling/booking-status';

/** Alerts shown on the fleet page beside every critical one; the whole list is on /alerts. */
const FLEET_ALERTS_SHOWN = 8;

const FILTER_DEBOUNCE_MS = 200;
/** How long a row that just changed stays highlighted. */
const CHANGED_HIGHLIGHT_MS = 2500;
const URGENCY_ORDER: Urgency[] = ['delivery_interrupted', 'no_forecast', 'overdue', 'critical', 'urgent', 'warning', 'ok'];

function FleetRow({ row, changed, nowMs }: { row: FleetPump; changed: boolean; nowMs: number }) {
  const { pump, patient, clinic } = row;
  return (
    <tr data-testid="fleet-row" data-pump-id={pump.id} data-urgency={row.urgency} className={`fleet-row fleet-row--${row.urgency}${changed ? ' fleet-row--changed' : ''}`}>
      <td data-testid="fleet-urgency">
        <UrgencyBadge urgency={row.urgency} />
      </td>
      <td>
        <Link to={`/pumps/${pump.id}`} className="fleet-row__patient" data-testid="fleet-patient">
          {patient.displayName}
        </Link>
        <div className="muted">MRN {patient.mrn}</div>
      </td>
      <td>
        {modelName(pump.modelId)}
        <div className="muted">SN {pump.serialNumber}</div>
      </td>
      <td data-testid="fleet-telemetry">
        <TelemetryBadges telemetry={row.telemetry} nowMs={nowMs} />
      </td>
      <td>
        <ReservoirGauge volumeMl={row.volumeMl} capacityMl={pump.reservoirCapacityMl} alarmMl={pump.lowReservoirAlarmMl} />
      </td>
      <td className="num" data-testid="fleet-days-left">
        {row.status === 'ok' ? formatDaysLeft(row.daysLeft) : <span className="no-forecast">no forecast</span>}
      </td>
      <td data-testid="fleet-deadline">
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
      <td className="num">
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

export function FleetPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [filterText, setFilterText] = useState(q);

  useEffect(() => {
    const timer = setTimeout(() => {
      if (filterText !== q) setParams(filterText ? { q: filterText } : {}, { replace: true });
    }, FILTER_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [filterText, q, setParams]);

  const fleet = useLiveData(`fleet:${q}`, (signal) => api.listPumps(q, signal));
  const now = useNow();
  // Days left and urgency count down between server events: the same shared rule, at this minute.
  const rows = useMemo(
    () => (fleet.data ?? []).map((row) => ({ ...row, ...assessFleetUrgency(row, now) })),
    [fleet.data, now],
  );
  const changedIds = useRecentlyChangedPumps();
  const mayAddPump = useCan('POST /api/pumps');
  const mayReadAlerts = useCan('GET /api/alerts');

  const counts = useMemo(() => {
    const c: Partial<Record<Urgency, number>> = {};
    for (const r of rows) c[r.urgency] = (c[r.urgency] ?? 0) + 1;
    return c;
  }, [rows]);

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
            placeholder="patient, MRN, serial, model…"
            data-testid="fleet-filter"
          />
        </label>
        <ul className="counts" aria-label="Pumps by urgency">
          {URGENCY_ORDER.filter((u) => counts[u]).map((u) => (
            <li key={u} className={`badge badge--${u}`}>
              <span aria-hidden="true">{URGENCY_LABEL[u].icon}</span> {URGENCY_LABEL[u].text}: {counts[u]}
            </li>
          ))}
        </ul>
      </div>
      {fleet.error && (
        <p className="notice notice--error" role="alert">
          Could not load the fleet: {fleet.error.message}
        </p>
      )}
      <div className="table-wrap">
        <table className="fleet" data-testid="fleet-table" aria-busy={fleet.loading}>
          <caption className="visually-hidden">Active pumps, most urgent refill first</caption>
          <thead>
            <tr>
              <th scope="col">Urgency</th>
              <th scope="col">Patient</th>
              <th scope="col">Pump</th>
              <th scope="col">Status</th>
              <th scope="col">Reservoir</th>
              <th scope="col" className="num">Days left</th>
              <th scope="col">Refill deadline</th>
              <th scope="col" className="num">Drug / dose</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <FleetRow key={row.pump.id} row={row} changed={changedIds.has(row.pump.id)} nowMs={now} />
            ))}
            {fleet.data && rows.length === 0 && (
              <tr>
                <td colSpan={8} className="empty">
                  {q ? `No active pump matches “${q}”.` : 'No active pumps yet.'}
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
