// Fill history: every refill with its concentration, volume, and aspirated residual against the forecast's expectation.
import type { Fill } from '@pumpwatch/shared';
import { formatInstant, formatMl, formatNumber } from '../../lib/format';
import { Fragment } from 'react';
import { LimitOverrideRow } from './limit-override-note';

function ResidualCell({ fill }: { fill: Fill }) {
  if (fill.aspiratedResidualMl === null)
    return <>—{fill.expectedResidualMl !== null && <div className="muted">expected {formatMl(fill.expectedResidualMl, 2)}</div>}</>;
  const diff = fill.expectedResidualMl === null ? null : fill.aspiratedResidualMl - fill.expectedResidualMl;
  return (
    <>
      {formatMl(fill.aspiratedResidualMl, 2)}
      {fill.expectedResidualMl !== null && (
        <div className="muted">
          expected {formatMl(fill.expectedResidualMl, 2)}
          {diff !== null && ` (${diff >= 0 ? '+' : '−'}${Math.abs(diff).toFixed(2)} mL)`}
        </div>
      )}
    </>
  );
}

export function FillHistory({ fills, timeZone }: { fills: Fill[]; timeZone: string }) {
  const ordered = [...fills].sort((a, b) => Date.parse(b.filledAt) - Date.parse(a.filledAt));
  return (
    <div className="table-wrap" tabIndex={0}>
      <table className="history" data-testid="fill-history">
        <caption>Fill history</caption>
        <thead>
          <tr>
            <th scope="col">Filled at</th>
            <th scope="col" className="num">
              Concentration
            </th>
            <th scope="col" className="num">
              Volume after fill
            </th>
            <th scope="col" className="num">
              Aspirated residual
            </th>
            <th scope="col" className="num">
              Stability
            </th>
            <th scope="col">Bridge bolus</th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((f) => (
            <Fragment key={f.id}>
              <tr data-testid="fill-row" data-fill-id={f.id}>
                <td>{formatInstant(f.filledAt, timeZone)}</td>
                <td className="num">{formatNumber(f.concentrationMcgPerMl, 'mcg/mL')}</td>
                <td className="num">{formatMl(f.volumeMl, 2)}</td>
                <td className="num">
                  <ResidualCell fill={f} />
                </td>
                <td className="num">{f.stabilityDays} d</td>
                <td>{f.bridgeBolus ? `${formatMl(f.bridgeBolus.volumeMl, 2)} over ${f.bridgeBolus.durationMinutes} min` : '—'}</td>
              </tr>
              <LimitOverrideRow overrides={f.limitOverrides} reason={f.limitOverrideReason} columns={6} />
            </Fragment>
          ))}
          {ordered.length === 0 && (
            <tr>
              <td colSpan={6} className="empty">
                No fill recorded yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
