// Program history: every infusion program from its effective instant, newest first; programs are never overwritten.
import type { Program } from '@pumpwatch/shared';
import { formatInstant, formatNumber } from '../../lib/format';
import { Fragment } from 'react';
import { LimitOverrideRow } from './limit-override-note';

export function ProgramHistory({ programs, timeZone }: { programs: Program[]; timeZone: string }) {
  const ordered = [...programs].sort((a, b) => Date.parse(b.effectiveFrom) - Date.parse(a.effectiveFrom));
  return (
    <div className="table-wrap" tabIndex={0}>
      <table className="history" data-testid="program-history">
        <caption>Program history</caption>
        <thead>
          <tr>
            <th scope="col">Effective from</th>
            <th scope="col">Day-part steps</th>
            <th scope="col">Periodic boluses</th>
            <th scope="col">Patient bolus</th>
            <th scope="col" className="num">
              Dose / day
            </th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((p) => (
            <Fragment key={p.id}>
              <tr data-testid="program-row" data-program-id={p.id}>
                <td>{formatInstant(p.effectiveFrom, timeZone)}</td>
                <td>
                  <ul className="plain">
                    {p.steps.map((s) => (
                      <li key={s.startTime}>
                        from {s.startTime}: {formatNumber(s.doseMcgPerDay, 'mcg/day', 1)}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  {p.periodicBoluses.length === 0 ? (
                    '—'
                  ) : (
                    <ul className="plain">
                      {p.periodicBoluses.map((b, i) => (
                        <li key={`${b.time}-${i}`}>
                          {b.time}: {formatNumber(b.doseMcg, 'mcg', 1)}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>
                  {p.patientBolus ? `${formatNumber(p.patientBolus.doseMcg, 'mcg', 1)} × up to ${p.patientBolus.maxPerDay}/day` : '—'}
                </td>
                <td className="num">{formatNumber(p.doseMcgPerDay, 'mcg/day', 1)}</td>
              </tr>
              <LimitOverrideRow overrides={p.limitOverrides} reason={p.doseChangeReason} columns={5} />
            </Fragment>
          ))}
          {ordered.length === 0 && (
            <tr>
              <td colSpan={5} className="empty">
                No program set yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
