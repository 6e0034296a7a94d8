// The fleet table, virtualized against the window: a real <table> whose <tbody> holds only the rows on screen plus a margin, with
// spacer rows standing for the rest; more pages are read as the end comes near. Cells that show relative time tick on their own.
import { memo, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { assessFleetUrgency, DELIVERY_INTERRUPTING_REASON_KINDS } from '@pumpwatch/shared';
import type { AlertSeverity, FleetPump } from '@pumpwatch/shared';
import { useAtMinute, useMinuteNow } from '../../lib/minute-ticker';
import { DEADLINE_REASON_TEXT, formatDaysLeft, formatInstant, formatNumber, modelName, NO_FORECAST_TEXT } from '../../lib/format';
import { TelemetryBadges } from '../telemetry/telemetry-badges';
import { FleetBooking } from '../scheduling/booking-status';
import { StopIcon, UrgencyBadge } from './urgency-badge';
import { ReservoirGauge } from './reservoir-gauge';
import { useRecentlyChanged } from './recently-changed';
import { AppLink } from '../../components/app-link';

const COLUMNS = 8;
/** Rows rendered beyond each edge of the window, so a fast scroll meets rendered rows. */
const OVERSCAN_ROWS = 25;
/** A fleet that fits one page (a clinic's) is rendered whole, so find-in-page and printing see every pump; a bigger one, a window. */
const WHOLE_TABLE_MAX_ROWS = 100;
/** Read the next page when the rendered rows come this close to the last loaded one. */
const PREFETCH_ROWS = 30;
/** First guess of a row's height before it is measured (a desktop row; a phone card is measured at once). */
const ESTIMATED_ROW_PX = 76;
const REASON_SEVERITY_ICON: Record<AlertSeverity, string> = { critical: '⚠', urgent: '▲', warning: '◆' };

/** Badge and every open problem behind it, at this minute (deadline reasons read "in 3.2 d"), most severe first, never colour alone. */
function UrgencyCell({ row }: { row: FleetPump }) {
  const nowMs = useMinuteNow();
  const assessed = assessFleetUrgency(row, nowMs);
  const reasons = [...assessed.urgencyReasons];
  // A failed forecast always says why, even from a server that sends the reason only in statusReason.
  if (row.status === 'forecast_error' && !reasons.some((r) => r.kind === 'forecast_error')) {
    reasons.unshift({ kind: 'forecast_error', severity: 'critical', text: `Forecast failed: ${row.statusReason ?? 'no reason given'}` });
  }
  return (
    <td data-testid="fleet-urgency" className="fleet-cell--urgency">
      <UrgencyBadge urgency={assessed.urgency} />
      {reasons.length > 0 && (
        <ul className="urgency-reasons" data-testid="urgency-reasons">
          {reasons.map((r, i) => (
            <li
              key={`${r.kind}-${i}`}
              className={`urgency-reason urgency-reason--${r.severity}`}
              data-kind={r.kind}
              data-severity={r.severity}
            >
              {DELIVERY_INTERRUPTING_REASON_KINDS.has(r.kind) ? (
                <StopIcon />
              ) : (
                <span aria-hidden="true">{REASON_SEVERITY_ICON[r.severity]}</span>
              )}{' '}
              {r.text}
            </li>
          ))}
        </ul>
      )}
    </td>
  );
}

/** Days to the deadline at this minute; re-renders only when the shown tenth of a day changes. */
function DaysLeftCell({ row }: { row: FleetPump }) {
  const text = useAtMinute((nowMs) => (row.status === 'ok' ? formatDaysLeft(assessFleetUrgency(row, nowMs).daysLeft) : null));
  return (
    <td className="num fleet-cell--days" data-testid="fleet-days-left" data-label="Days left">
      {text ?? <span className="no-forecast">no forecast</span>}
    </td>
  );
}

/** Contact, battery and alarms; "last seen" moves with the clock. */
function TelemetryCell({ row }: { row: FleetPump }) {
  const nowMs = useMinuteNow();
  return (
    <td data-testid="fleet-telemetry" className="fleet-cell--telemetry">
      <TelemetryBadges telemetry={row.telemetry} nowMs={nowMs} />
    </td>
  );
}

interface FleetRowProps {
  row: FleetPump;
  index: number;
  measure: (element: Element | null) => void;
}

/** One pump; re-renders when its row is patched, its urgency band changes with the clock, or its "just changed" flag flips. */
const FleetRow = memo(function FleetRow({ row, index, measure }: FleetRowProps) {
  const { pump } = row;
  const urgency = useAtMinute((nowMs) => assessFleetUrgency(row, nowMs).urgency);
  const changed = useRecentlyChanged(pump.id);
  return (
    <tr
      ref={measure}
      data-index={index}
      aria-rowindex={index + 2}
      data-testid="fleet-row"
      data-pump-id={pump.id}
      data-urgency={urgency}
      className={`fleet-row fleet-row--${urgency}${changed ? ' fleet-row--changed' : ''}`}
    >
      <FleetRowCells row={row} />
    </tr>
  );
});

/** The row's cells, memoised on the row alone: a filter that shifts a row's position re-renders its <tr>, not its cells. */
const FleetRowCells = memo(function FleetRowCells({ row }: { row: FleetPump }) {
  const { pump, patient, clinic } = row;
  return (
    <>
      <UrgencyCell row={row} />
      <td className="fleet-cell--patient">
        {/* Not a router Link: it would re-render every row on each filter, chip or sort change (the URL's query). */}
        <AppLink to={`/pumps/${pump.id}`} className="fleet-row__patient" data-testid="fleet-patient">
          {patient.displayName}
        </AppLink>
        <div className="muted">MRN {patient.mrn}</div>
      </td>
      <td className="fleet-cell--pump">
        {modelName(pump.modelId)}
        <div className="muted">SN {pump.serialNumber}</div>
      </td>
      <TelemetryCell row={row} />
      <td className="fleet-cell--reservoir" data-label="Reservoir">
        <ReservoirGauge volumeMl={row.volumeMl} capacityMl={pump.reservoirCapacityMl} alarmMl={pump.lowReservoirAlarmMl} />
      </td>
      <DaysLeftCell row={row} />
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
    </>
  );
});

/** A row's height with its vertical margins (the phone's cards are spaced by margins, which the virtualizer must count). */
function measureRow(element: Element): number {
  const style = getComputedStyle(element);
  return element.getBoundingClientRect().height + (parseFloat(style.marginTop) || 0) + (parseFloat(style.marginBottom) || 0);
}

/** Where the table's body starts in the document, followed as what is above it (alerts panel, banners) grows or shrinks. */
function useDocumentTop(ref: React.RefObject<HTMLElement | null>): number {
  const [top, setTop] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const update = () => {
      const next = Math.round(element.getBoundingClientRect().top + window.scrollY);
      setTop((prev) => (prev === next ? prev : next));
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(document.body);
    window.addEventListener('resize', update);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', update);
    };
  }, [ref]);
  return top;
}

function Spacer({ heightPx }: { heightPx: number }) {
  if (heightPx <= 0) return null;
  return (
    <tr className="fleet-spacer" aria-hidden="true">
      <td colSpan={COLUMNS} style={{ height: heightPx }} />
    </tr>
  );
}

interface FleetTableProps {
  rows: FleetPump[];
  /** Rows matching the filters on the server (the loaded ones and those further down). */
  total: number;
  hasMore: boolean;
  loadingMore: boolean;
  onNearEnd: () => void;
  caption: string;
  head: ReactNode;
  busy: boolean;
  empty: ReactNode;
}

export const FleetTable = memo(function FleetTable({
  rows,
  total,
  hasMore,
  loadingMore,
  onNearEnd,
  caption,
  head,
  busy,
  empty,
}: FleetTableProps) {
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const scrollMargin = useDocumentTop(bodyRef);
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: !hasMore && rows.length <= WHOLE_TABLE_MAX_ROWS ? WHOLE_TABLE_MAX_ROWS : OVERSCAN_ROWS,
    scrollMargin,
    getItemKey: (index) => rows[index].pump.id,
    measureElement: measureRow,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? items[items.length - 1].index : -1;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= rows.length - PREFETCH_ROWS) onNearEnd();
  }, [hasMore, loadingMore, lastIndex, rows.length, onNearEnd]);

  const before = items.length > 0 ? items[0].start - scrollMargin : 0;
  const after = items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1].end - scrollMargin) : 0;
  return (
    <div className="table-wrap">
      <table className="fleet" data-testid="fleet-table" aria-busy={busy} aria-rowcount={total + 1}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>{head}</thead>
        <tbody ref={bodyRef}>
          <Spacer heightPx={before} />
          {items.map((item) => (
            <FleetRow key={item.key} row={rows[item.index]} index={item.index} measure={virtualizer.measureElement} />
          ))}
          <Spacer heightPx={after} />
          {rows.length === 0 && empty}
        </tbody>
      </table>
      {hasMore && (
        <p className="muted fleet-more" role="status" data-testid="fleet-more">
          {loadingMore ? 'Loading more pumps…' : `${rows.length} of ${total} pumps loaded; scroll for more.`}
        </p>
      )}
    </div>
  );
});
