// Forecast chart: nominal and worst-case reservoir volume over time, the pump's reported volumes as points, alarm line, fills, programs, now.
import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { Fill, Program, PumpForecast, TelemetryReading } from '@pumpwatch/shared';
import { formatInstant, formatLocalDate } from '../../lib/format';
import { OKABE_ITO } from '../../lib/chart-colours';

interface ForecastChartProps {
  forecast: PumpForecast;
  fills: Fill[];
  programs: Program[];
  capacityMl: number;
  timeZone: string;
  /** Telemetry readings; those with a reported volume inside the curve's span are drawn as points. */
  readings?: readonly TelemetryReading[];
}

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies; lines also differ by dash.
const NOMINAL = OKABE_ITO.blue;
const WORST = OKABE_ITO.vermillion;
const ALARM = OKABE_ITO.reddishPurple;
const FILL = OKABE_ITO.bluishGreen;
const PROGRAM = OKABE_ITO.skyBlue;
const REPORTED = OKABE_ITO.black;

export function ForecastChart({ forecast, fills, programs, capacityMl, timeZone, readings = [] }: ForecastChartProps) {
  const data = forecast.curve.map((p) => ({ t: Date.parse(p.at), volumeMl: p.volumeMl, worstCaseVolumeMl: p.worstCaseVolumeMl }));
  if (data.length === 0) return <p className="muted">No forecast curve to draw.</p>;
  const first = data[0].t;
  const last = data[data.length - 1].t;
  const inRange = (t: number) => t >= first && t <= last;
  const nowMs = Date.parse(forecast.at);
  const tick = (t: number) => formatLocalDate(new Date(t).toISOString(), timeZone).slice(5);
  // The pump's own estimate (calculated from its programmed rate, not measured): points beside the forecast, never joined to it.
  const reported = readings
    .filter((r) => r.reservoirVolumeMl !== null && inRange(Date.parse(r.recordedAt)))
    .map((r) => ({ t: Date.parse(r.recordedAt), reportedVolumeMl: r.reservoirVolumeMl as number }));
  const latestReported = reported.length > 0 ? reported[reported.length - 1] : null;

  return (
    <figure className="chart" data-testid="forecast-chart">
      <figcaption className="visually-hidden">
        Reservoir volume over time; the low-reservoir alarm is at {forecast.lowReservoirAlarmMl} mL.
        {reported.length > 0 && latestReported
          ? ` ${reported.length} volumes reported by the pump are drawn as points; the latest, ${latestReported.reportedVolumeMl.toFixed(1)} mL at ${formatInstant(new Date(latestReported.t).toISOString(), timeZone)}.`
          : ' No volume reported by the pump in this span.'}
      </figcaption>
      <ResponsiveContainer width="100%" height={340}>
        <ComposedChart data={data} margin={{ top: 24, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#e3e6ea" />
          <XAxis dataKey="t" type="number" scale="time" domain={[first, last]} tickFormatter={tick} minTickGap={24} />
          <YAxis domain={[0, capacityMl]} unit=" mL" width={64} allowDecimals={false} />
          <Tooltip
            labelFormatter={(t) => formatInstant(new Date(Number(t)).toISOString(), timeZone)}
            formatter={(v, name) => [`${Number(v).toFixed(2)} mL`, name]}
          />
          <Legend />
          <ReferenceLine
            y={forecast.lowReservoirAlarmMl}
            stroke={ALARM}
            strokeWidth={2}
            strokeDasharray="6 3"
            label={{ value: `alarm ${forecast.lowReservoirAlarmMl} mL`, position: 'insideBottomRight', fill: '#6b2553' }}
          />
          {fills.filter((f) => inRange(Date.parse(f.filledAt))).map((f) => (
            <ReferenceLine key={`fill-${f.id}`} x={Date.parse(f.filledAt)} stroke={FILL} strokeWidth={2} label={{ value: 'fill', position: 'top', fill: '#00664a' }} />
          ))}
          {programs.filter((p) => inRange(Date.parse(p.effectiveFrom))).map((p) => (
            <ReferenceLine key={`program-${p.id}`} x={Date.parse(p.effectiveFrom)} stroke={PROGRAM} strokeDasharray="2 3" strokeWidth={2} label={{ value: 'program', position: 'insideTopLeft', fill: '#1f5f80' }} />
          ))}
          {inRange(nowMs) && <ReferenceLine x={nowMs} stroke="#222" strokeWidth={1.5} label={{ value: 'now', position: 'top', fill: '#222' }} />}
          <Line type="linear" dataKey="volumeMl" name="nominal" stroke={NOMINAL} strokeWidth={2.5} dot={false} isAnimationActive={false} />
          <Line type="linear" dataKey="worstCaseVolumeMl" name="worst case (all patient boluses)" stroke={WORST} strokeWidth={2} strokeDasharray="8 4" dot={false} isAnimationActive={false} />
          {reported.length > 0 && (
            // Diamonds, not dots: told apart from the lines by shape as well as colour.
            <Scatter data={reported} dataKey="reportedVolumeMl" name="reported by the pump" fill={REPORTED} shape="diamond" isAnimationActive={false} />
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
