// Reservoir reconciliation history of one pump: aspirated minus expected residual at each refill, flagged ones marked, and the trend.
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { PumpReconciliations, ReconciliationDirection, ReconciliationFlagReason, ReservoirReconciliation } from '@pumpwatch/shared';
import { formatInstant, formatLocalDate, formatMl } from '../../lib/format';
import { OKABE_ITO } from '../../lib/chart-colours';

const DIRECTION_TEXT: Record<ReconciliationDirection, string> = {
  over_infusion: 'less aspirated than expected: over-infusion suspected',
  under_delivery: 'more aspirated than expected: under-delivery, stall or catheter problem suspected',
};
const REASON_TEXT: Record<ReconciliationFlagReason, string> = {
  over_max_difference: 'more than 2 mL',
  outside_flow_accuracy: 'outside the model’s flow accuracy',
};
// Okabe-Ito: flagged bars vermillion, others sky blue; flagged ones also carry a ⚠ label, so colour is never alone.
const FLAGGED = OKABE_ITO.vermillion;
const WITHIN = OKABE_ITO.skyBlue;

function signed(ml: number): string {
  return `${ml > 0 ? '+' : ml < 0 ? '−' : '±'}${Math.abs(ml).toFixed(2)} mL`;
}

function expectedText(r: ReservoirReconciliation): string {
  return r.expectedMinMl === r.expectedMaxMl
    ? formatMl(r.expectedResidualMl, 2)
    : `${r.expectedMinMl.toFixed(2)}–${r.expectedMaxMl.toFixed(2)} mL`;
}

export function ReconciliationHistory({ data, timeZone }: { data: PumpReconciliations; timeZone: string }) {
  const rows = [...data.reconciliations].sort((a, b) => Date.parse(a.filledAt) - Date.parse(b.filledAt));
  const trend = data.trend;
  const maxDiff = rows.length > 0 ? rows[rows.length - 1].maxDifferenceMl : 2;
  const chart = rows.map((r) => ({
    label: formatLocalDate(r.filledAt, timeZone),
    differenceMl: r.differenceMl,
    flagged: r.flagged,
    mark: r.flagged ? '⚠' : '',
  }));

  return (
    <div className="reconciliation" data-testid="reconciliation-history">
      <h3>Reservoir reconciliation</h3>
      {rows.length === 0 ? (
        <p className="muted">No refill with an aspirated residual yet: nothing to reconcile.</p>
      ) : (
        <>
          <p data-testid="reconciliation-trend">
            {trend.flaggedCount} of {trend.count} refills flagged
            {trend.meanDifferenceMl !== null && <> · mean difference {signed(trend.meanDifferenceMl)}</>}
            {trend.repeatedDrift && (
              <strong className="reason--danger">
                {' '}
                · <span aria-hidden="true">⚠ </span>repeated drift: {DIRECTION_TEXT[trend.repeatedDrift]}
              </strong>
            )}
          </p>
          <figure className="chart chart--small">
            <figcaption className="visually-hidden">
              Aspirated minus expected residual at each refill, in mL; flagged refills are marked ⚠; dashed lines at ±{maxDiff} mL. The
              table below has the same figures.
            </figcaption>
            <ResponsiveContainer width="100%" height={180}>
              <BarChart data={chart} margin={{ top: 18, right: 16, bottom: 4, left: 4 }}>
                <CartesianGrid stroke="#e3e6ea" vertical={false} />
                <XAxis dataKey="label" />
                <YAxis unit=" mL" width={64} />
                <Tooltip formatter={(v) => [signed(Number(v)), 'aspirated − expected']} />
                <ReferenceLine y={0} stroke="#222" />
                <ReferenceLine y={maxDiff} stroke="#6b2553" strokeDasharray="4 3" />
                <ReferenceLine y={-maxDiff} stroke="#6b2553" strokeDasharray="4 3" />
                <Bar dataKey="differenceMl" isAnimationActive={false}>
                  {chart.map((p, i) => (
                    <Cell key={i} fill={p.flagged ? FLAGGED : WITHIN} />
                  ))}
                  <LabelList dataKey="mark" position="top" />
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </figure>
          <div className="table-wrap" tabIndex={0}>
            <table className="history" data-testid="reconciliation-table">
              <caption className="visually-hidden">Reconciliation at each refill, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Refill</th>
                  <th scope="col" className="num">
                    Expected residual
                  </th>
                  <th scope="col" className="num">
                    Aspirated
                  </th>
                  <th scope="col" className="num">
                    Difference
                  </th>
                  <th scope="col">Finding</th>
                  <th scope="col">Patient boluses</th>
                </tr>
              </thead>
              <tbody>
                {[...rows].reverse().map((r) => (
                  <tr key={r.fillId} data-testid="reconciliation-row" data-flagged={r.flagged}>
                    <td>{formatInstant(r.filledAt, timeZone)}</td>
                    <td className="num">{expectedText(r)}</td>
                    <td className="num">{formatMl(r.aspiratedResidualMl, 2)}</td>
                    <td className="num">{signed(r.differenceMl)}</td>
                    <td>
                      {r.flagged ? (
                        <strong className="reason--danger">
                          <span aria-hidden="true">⚠ </span>Flagged: {r.reasons.map((x) => REASON_TEXT[x]).join('; ')}
                          {r.direction && <div className="reason">{DIRECTION_TEXT[r.direction]}</div>}
                        </strong>
                      ) : (
                        <span>
                          <span aria-hidden="true">✓ </span>within tolerance
                        </span>
                      )}
                    </td>
                    <td>
                      {r.patientBolusSource === 'entered' && `${r.patientBolusCount ?? 0} entered at refill`}
                      {r.patientBolusSource === 'telemetry' && `${r.patientBolusCount ?? 0} from telemetry`}
                      {r.patientBolusSource === 'none_recorded' && 'not recorded (range worst case–nominal)'}
                      {r.patientBolusSource === 'not_allowed' && 'none allowed'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
