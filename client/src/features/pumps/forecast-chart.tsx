// Forecast chart: nominal and worst-case reservoir volume over time, alarm line, fills, program changes and now.
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Fill, Program, PumpForecast } from '@pumpwatch/shared';
import { formatInstant, formatLocalDate } from '../../lib/format';

interface ForecastChartProps {
  forecast: PumpForecast;
  fills: Fill[];
  programs: Program[];
  capacityMl: number;
  timeZone: string;
}

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies; lines also differ by dash.
const NOMINAL = '#0072B2';
const WORST = '#D55E00';
const ALARM = '#CC79A7';
const FILL = '#009E73';
const PROGRAM = '#56B4E9';

export function ForecastChart({ forecast, fills, programs, capacityMl, timeZone }: ForecastChartProps) {
  const data = forecast.curve.map((p) => ({ t: Date.parse(p.at), volumeMl: p.volumeMl, worstCaseVolumeMl: p.worstCaseVolumeMl }));
  if (data.length === 0) return <p className="muted">No forecast curve to draw.</p>;
  const first = data[0].t;
  const last = data[data.length - 1].t;
  const inRange = (t: number) => t >= first && t <= last;
  const nowMs = Date.parse(forecast.at);
  const tick = (t: number) => formatLocalDate(new Date(t).toISOString(), timeZone).slice(5);

  return (
    <figure className="chart" data-testid="forecast-chart">
      <figcaption className="visually-hidden">
        Reservoir volume over time; the low-reservoir alarm is at {forecast.lowReservoirAlarmMl} mL.
      </figcaption>
      <ResponsiveContainer width="100%" height={340}>
        <LineChart data={data} margin={{ top: 24, right: 24, bottom: 8, left: 8 }}>
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
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
