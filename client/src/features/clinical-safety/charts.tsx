// Clinical-safety charts: kidney function over time with the 50 and 30 mL/min lines, the daily dose with the taper plan's planned line,
// and the check-ups (Modified Ashworth, the patient's rating) next to the dose.
import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { ClinicalSummary } from '@pumpwatch/shared';
import { DAY_MS } from '@pumpwatch/shared';
import { formatInstant, formatLocalDate } from '../../lib/format';
import { OKABE_ITO } from '../../lib/chart-colours';

// Okabe-Ito colours, and lines that also differ by dash and marker, so colour never carries the meaning alone.
const CRCL = OKABE_ITO.blue;
const EGFR = OKABE_ITO.bluishGreen;
const REVIEW = OKABE_ITO.orange;
const URGENT = OKABE_ITO.vermillion;
const DOSE = OKABE_ITO.blue;
const PLANNED = OKABE_ITO.reddishPurple;
const ASHWORTH = OKABE_ITO.vermillion;
const RATING = OKABE_ITO.bluishGreen;

/** A time axis around the points, at least two weeks wide, so a single point is not drawn on the edge. */
function timeDomain(times: number[], nowMs: number): [number, number] {
  const all = [...times, nowMs];
  const min = Math.min(...all);
  const max = Math.max(...all);
  const pad = Math.max(7 * DAY_MS, (max - min) * 0.04);
  return [min - pad, max + pad];
}

export function RenalTrendChart({ summary }: { summary: ClinicalSummary }) {
  const tz = summary.clinic.timeZone;
  const { results, thresholds } = summary.renal;
  if (results.length === 0)
    return (
      <p className="muted" data-testid="renal-trend-empty">
        No serum creatinine recorded yet.
      </p>
    );
  const data = results.map((r) => ({ t: Date.parse(r.takenAt), crcl: r.creatinineClearanceMlPerMin, egfr: r.egfrMlPerMin173m2 }));
  const values = data.flatMap((d) => [d.crcl, d.egfr]).filter((v): v is number => v !== null);
  const top = Math.max(100, Math.ceil((Math.max(0, ...values) * 1.1) / 10) * 10);
  const domain = timeDomain(
    data.map((d) => d.t),
    Date.parse(summary.now),
  );
  const latest = results[results.length - 1];
  return (
    <figure className="chart" data-testid="renal-trend-chart">
      <figcaption className="visually-hidden">
        Creatinine clearance (Cockcroft-Gault) and eGFR over time, with the dose-review line at {thresholds.doseReviewWarningBelowMlPerMin}{' '}
        mL/min and the urgent line at {thresholds.doseReviewUrgentBelowMlPerMin} mL/min. Latest on {formatLocalDate(latest.takenAt, tz)}:
        clearance {latest.creatinineClearanceMlPerMin ?? 'not computed'}, eGFR {latest.egfrMlPerMin173m2 ?? 'not computed'}.
      </figcaption>
      <ResponsiveContainer width="100%" height={280}>
        <ComposedChart data={data} margin={{ top: 16, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#e3e6ea" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={domain}
            tickFormatter={(t) => formatLocalDate(new Date(t).toISOString(), tz)}
            minTickGap={32}
          />
          <YAxis domain={[0, top]} width={48} label={{ value: 'mL/min', angle: -90, position: 'insideLeft' }} />
          <Tooltip
            labelFormatter={(t) => formatInstant(new Date(Number(t)).toISOString(), tz)}
            formatter={(v, name) => [v === null ? '—' : `${Number(v).toFixed(1)}`, name]}
          />
          <Legend />
          <ReferenceLine
            y={thresholds.doseReviewWarningBelowMlPerMin}
            stroke={REVIEW}
            strokeWidth={2}
            strokeDasharray="6 3"
            label={{ value: `dose review < ${thresholds.doseReviewWarningBelowMlPerMin}`, position: 'insideTopRight', fill: '#7a5200' }}
            className="renal-threshold renal-threshold--review"
          />
          <ReferenceLine
            y={thresholds.doseReviewUrgentBelowMlPerMin}
            stroke={URGENT}
            strokeWidth={2}
            strokeDasharray="2 3"
            label={{ value: `urgent < ${thresholds.doseReviewUrgentBelowMlPerMin}`, position: 'insideBottomRight', fill: '#8a2c00' }}
            className="renal-threshold renal-threshold--urgent"
          />
          <Line
            type="linear"
            dataKey="crcl"
            name="CrCl (Cockcroft-Gault), mL/min"
            stroke={CRCL}
            strokeWidth={2.5}
            dot={{ r: 4 }}
            connectNulls
            isAnimationActive={false}
          />
          <Line
            type="linear"
            dataKey="egfr"
            name="eGFR, mL/min/1.73 m²"
            stroke={EGFR}
            strokeWidth={2}
            strokeDasharray="8 4"
            dot={{ r: 4, strokeWidth: 2, fill: '#fff' }}
            connectNulls
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** Step lines: a dose holds from its instant until the next one; the last one holds until the end of the axis. */
function stepPoints(points: { at: string; doseMcgPerDay: number }[], endMs: number): { t: number; dose: number }[] {
  const out = points.map((p) => ({ t: Date.parse(p.at), dose: p.doseMcgPerDay }));
  if (out.length > 0 && out[out.length - 1].t < endMs) out.push({ t: endMs, dose: out[out.length - 1].dose });
  return out;
}

export function DoseChart({ summary }: { summary: ClinicalSummary }) {
  const tz = summary.clinic.timeZone;
  const nowMs = Date.parse(summary.now);
  const planned = summary.plannedDoseLine;
  if (summary.doseHistory.length === 0 && planned.length === 0)
    return (
      <p className="muted" data-testid="dose-chart-empty">
        No program or fill sets a dose yet.
      </p>
    );
  const times = [...summary.doseHistory.map((h) => Date.parse(h.at)), ...planned.map((p) => Date.parse(p.at))];
  const domain = timeDomain(times, nowMs);
  const actual = stepPoints(
    summary.doseHistory.map((h) => ({ at: h.at, doseMcgPerDay: h.doseMcgPerDay })),
    Math.min(nowMs, domain[1]),
  );
  const plan = stepPoints(planned, domain[1]);
  const top = Math.max(50, ...actual.map((p) => p.dose), ...plan.map((p) => p.dose)) * 1.15;
  const reintroduction = summary.taperPlan?.reintroductionDoseMcgPerDay ?? null;
  return (
    <figure className="chart" data-testid="dose-chart" data-planned-points={plan.length}>
      <figcaption className="visually-hidden">
        Daily dose over time from the programs{summary.taperPlan ? ", with the taper plan's planned dose as a dashed step line" : ''}.
        {summary.currentDoseMcgPerDay !== null ? ` Now ${summary.currentDoseMcgPerDay} mcg/day.` : ''}
      </figcaption>
      <ResponsiveContainer width="100%" height={280}>
        <ComposedChart margin={{ top: 16, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#e3e6ea" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={domain}
            allowDuplicatedCategory={false}
            tickFormatter={(t) => formatLocalDate(new Date(t).toISOString(), tz)}
            minTickGap={32}
          />
          <YAxis domain={[0, Math.ceil(top / 10) * 10]} width={56} label={{ value: 'mcg/day', angle: -90, position: 'insideLeft' }} />
          <Tooltip
            labelFormatter={(t) => formatInstant(new Date(Number(t)).toISOString(), tz)}
            formatter={(v, name) => [`${Number(v).toFixed(1)} mcg/day`, name]}
          />
          <Legend />
          {domain[0] <= nowMs && nowMs <= domain[1] && (
            <ReferenceLine x={nowMs} stroke="#222" strokeWidth={1.5} label={{ value: 'now', position: 'top', fill: '#222' }} />
          )}
          {reintroduction !== null && summary.taperPlan?.status === 'active' && (
            <ReferenceLine
              y={reintroduction}
              stroke={PLANNED}
              strokeDasharray="1 4"
              label={{ value: `re-introduction ${reintroduction}`, position: 'insideTopLeft', fill: '#6b2553' }}
            />
          )}
          <Line
            data={actual}
            type="stepAfter"
            dataKey="dose"
            name="daily dose (programs)"
            stroke={DOSE}
            strokeWidth={2.5}
            dot={false}
            isAnimationActive={false}
            className="dose-chart__actual"
          />
          {plan.length > 0 && (
            <Line
              data={plan}
              type="stepAfter"
              dataKey="dose"
              name="planned (taper plan)"
              stroke={PLANNED}
              strokeWidth={2.5}
              strokeDasharray="8 4"
              dot={{ r: 3 }}
              isAnimationActive={false}
              className="dose-chart__planned"
            />
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function CheckUpChart({ summary }: { summary: ClinicalSummary }) {
  const tz = summary.clinic.timeZone;
  if (summary.checkUps.length === 0)
    return (
      <p className="muted" data-testid="check-up-chart-empty">
        No check-up recorded yet.
      </p>
    );
  const nowMs = Date.parse(summary.now);
  const scores = summary.checkUps.map((c) => ({ t: Date.parse(c.at), ashworth: c.modifiedAshworthValue, rating: c.patientRating }));
  const domain = timeDomain([...scores.map((s) => s.t), ...summary.doseHistory.map((h) => Date.parse(h.at))], nowMs);
  const dose = stepPoints(
    summary.doseHistory.map((h) => ({ at: h.at, doseMcgPerDay: h.doseMcgPerDay })),
    Math.min(nowMs, domain[1]),
  );
  return (
    <figure className="chart" data-testid="check-up-chart">
      <figcaption className="visually-hidden">
        Modified Ashworth grade (0 to 4, 1+ drawn at 1.5) and the patient's rating (0 to 10) at each check-up, beside the daily dose: a
        waning effect with a rising dose shows as scores getting worse while the dose climbs.
      </figcaption>
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart margin={{ top: 16, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#e3e6ea" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={domain}
            allowDuplicatedCategory={false}
            tickFormatter={(t) => formatLocalDate(new Date(t).toISOString(), tz)}
            minTickGap={32}
          />
          <YAxis yAxisId="score" domain={[0, 10]} width={40} label={{ value: 'score', angle: -90, position: 'insideLeft' }} />
          <YAxis yAxisId="dose" orientation="right" width={56} label={{ value: 'mcg/day', angle: 90, position: 'insideRight' }} />
          <Tooltip labelFormatter={(t) => formatInstant(new Date(Number(t)).toISOString(), tz)} />
          <Legend />
          <Line
            yAxisId="dose"
            data={dose}
            type="stepAfter"
            dataKey="dose"
            name="daily dose"
            stroke={DOSE}
            strokeWidth={1.5}
            strokeOpacity={0.6}
            dot={false}
            isAnimationActive={false}
          />
          <Scatter
            yAxisId="score"
            data={scores}
            dataKey="ashworth"
            name="Modified Ashworth (0-4)"
            fill={ASHWORTH}
            shape="diamond"
            isAnimationActive={false}
          />
          <Line
            yAxisId="score"
            data={scores}
            type="linear"
            dataKey="rating"
            name="patient's rating (0-10)"
            stroke={RATING}
            strokeWidth={2}
            dot={{ r: 4 }}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
