// Forecast chart: nominal and worst-case reservoir volume over dated days up to the empty date, the pump's reported volumes as points,
// and the instants that matter (now, low-reservoir alarm, refill deadline, booked refill, empty, fills, programs) as labelled lines.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { Fill, Program, PumpForecast, TelemetryReading } from '@pumpwatch/shared';
import { DAY_MS } from '@pumpwatch/shared';
import { formatInstant, formatLocalDate, localInputToInstant } from '../../lib/format';
import { OKABE_ITO } from '../../lib/chart-colours';

interface ForecastChartProps {
  forecast: PumpForecast;
  fills: Fill[];
  programs: Program[];
  capacityMl: number;
  timeZone: string;
  /** Telemetry readings; those with a reported volume inside the curve's span are drawn as points. */
  readings?: readonly TelemetryReading[];
  /** Start of the booked refill appointment, when one is booked. */
  bookedRefillAt?: string | null;
}

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies; lines also differ by dash.
const NOMINAL = OKABE_ITO.blue;
const WORST = OKABE_ITO.vermillion;
const ALARM = OKABE_ITO.reddishPurple;
const FILL = OKABE_ITO.bluishGreen;
const PROGRAM = OKABE_ITO.skyBlue;
const REPORTED = OKABE_ITO.black;

const CHART_HEIGHT = 340;
const MARGIN = { left: 8, right: 24, bottom: 8 };
const Y_AXIS_WIDTH = 64;
/** Vertical space of one row of marker labels above the plot, and the estimated width of a label character (12 px bold). */
const LABEL_ROW_PX = 15;
const LABEL_CHAR_PX = 7.6;
const LABEL_GAP_PX = 10;
/** Room for one "12 Dec" tick label with its gap. */
const TICK_SPACING_PX = 58;
const TICK_STEP_DAYS = [1, 2, 3, 7, 14, 28, 56, 91];

type MarkerKind = 'now' | 'alarm' | 'deadline' | 'booked' | 'empty' | 'fill' | 'program';

interface Marker {
  kind: MarkerKind;
  key: string;
  t: number;
  /** On the line, above the plot. */
  short: string;
  /** In the list below the chart, with its date and time. */
  long: string;
  stroke: string;
  /** Darker twin of the stroke, for text on white. */
  ink: string;
  dash?: string;
  width: number;
}

interface PlacedMarker extends Marker {
  row: number;
  anchor: 'start' | 'middle' | 'end';
}

const DAY_MONTH = new Map<string, Intl.DateTimeFormat>();

/** "12 Dec" in the clinic's zone. */
function dayMonth(ms: number, timeZone: string): string {
  let f = DAY_MONTH.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short' });
    DAY_MONTH.set(timeZone, f);
  }
  return f.format(new Date(ms));
}

/** Local midnights of the clinic's zone inside [from, to], every `step` days, at most about `maxTicks` of them. */
export function dayTicks(from: number, to: number, timeZone: string, maxTicks: number): number[] {
  const spanDays = (to - from) / DAY_MS;
  const step = TICK_STEP_DAYS.find((s) => spanDays / s <= Math.max(2, maxTicks)) ?? Math.ceil(spanDays / Math.max(2, maxTicks));
  const [y, m, d] = formatLocalDate(new Date(from).toISOString(), timeZone).split('-').map(Number);
  const ticks: number[] = [];
  for (let i = 0; i <= spanDays + 2; i += 1) {
    const date = new Date(Date.UTC(y, m - 1, d + i)).toISOString().slice(0, 10);
    const ms = Date.parse(localInputToInstant(`${date}T00:00`, timeZone));
    if (ms < from || ms > to) continue;
    if (ticks.length === 0 || Math.round((ms - ticks[0]) / DAY_MS) % step === 0) ticks.push(ms);
  }
  return ticks;
}

/**
 * Rows for the marker labels so that no two overlap: each label goes to the lowest row where it clears every label already
 * there (instants that coincide, e.g. an alarm that is also the deadline, stack instead of printing over each other).
 */
export function placeMarkerLabels(
  markers: readonly Marker[],
  xOf: (t: number) => number,
  plotLeft: number,
  plotRight: number,
): PlacedMarker[] {
  const rows: Array<Array<[number, number]>> = [];
  return [...markers]
    .sort((a, b) => a.t - b.t)
    .map((m) => {
      const x = xOf(m.t);
      const w = m.short.length * LABEL_CHAR_PX;
      let anchor: PlacedMarker['anchor'] = 'middle';
      let left = x - w / 2;
      if (left < plotLeft) {
        anchor = 'start';
        left = x;
      } else if (x + w / 2 > plotRight) {
        anchor = 'end';
        left = x - w;
      }
      const right = left + w;
      let row = rows.findIndex((taken) => taken.every(([l, r]) => right + LABEL_GAP_PX <= l || left >= r + LABEL_GAP_PX));
      if (row === -1) {
        rows.push([]);
        row = rows.length - 1;
      }
      rows[row].push([left, right]);
      return { ...m, row, anchor };
    });
}

/** The figure's width, for the tick density and the label placement (ResponsiveContainer sizes the chart itself). */
function useWidth(): [RefObject<HTMLElement | null>, number] {
  const ref = useRef<HTMLElement | null>(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

function MarkerSwatch({ marker }: { marker: Marker }) {
  return (
    <svg width="22" height="12" aria-hidden="true" className="chart-markers__swatch">
      <line x1="2" x2="20" y1="6" y2="6" stroke={marker.stroke} strokeWidth={marker.width} strokeDasharray={marker.dash} />
    </svg>
  );
}

export function ForecastChart({
  forecast,
  fills,
  programs,
  capacityMl,
  timeZone,
  readings = [],
  bookedRefillAt = null,
}: ForecastChartProps) {
  const [figureRef, width] = useWidth();
  const data = forecast.curve.map((p) => ({ t: Date.parse(p.at), volumeMl: p.volumeMl, worstCaseVolumeMl: p.worstCaseVolumeMl }));
  if (data.length === 0) return <p className="muted">No forecast curve to draw.</p>;
  const first = data[0].t;
  const last = data[data.length - 1].t;
  const inCurve = (t: number) => t >= first && t <= last;
  const nowMs = Date.parse(forecast.at);
  const when = (ms: number) => formatInstant(new Date(ms).toISOString(), timeZone);
  const ms = (iso: string | null) => (iso ? Date.parse(iso) : null);

  const markers: Marker[] = [];
  const add = (m: Omit<Marker, 'long' | 't'> & { what: string }, t: number | null) => {
    if (t === null || Number.isNaN(t)) return;
    markers.push({
      kind: m.kind,
      key: m.key,
      t,
      short: m.short,
      long: `${m.what}: ${when(t)}`,
      stroke: m.stroke,
      ink: m.ink,
      dash: m.dash,
      width: m.width,
    });
  };
  for (const f of fills)
    if (inCurve(Date.parse(f.filledAt)))
      add(
        { kind: 'fill', key: `fill-${f.id}`, short: 'fill', what: 'Fill', stroke: FILL, ink: '#00664a', width: 2 },
        Date.parse(f.filledAt),
      );
  for (const p of programs)
    if (inCurve(Date.parse(p.effectiveFrom)))
      add(
        {
          kind: 'program',
          key: `program-${p.id}`,
          short: 'program',
          what: 'Program change',
          stroke: PROGRAM,
          ink: '#1f5f80',
          dash: '2 3',
          width: 2,
        },
        Date.parse(p.effectiveFrom),
      );
  add({ kind: 'now', key: 'now', short: 'now', what: 'Now', stroke: '#222222', ink: '#222222', width: 1.5 }, nowMs);
  add(
    {
      kind: 'alarm',
      key: 'alarm',
      short: 'alarm',
      what: `Low-reservoir alarm (${forecast.lowReservoirAlarmMl} mL)`,
      stroke: ALARM,
      ink: '#6b2553',
      dash: '6 3',
      width: 2,
    },
    ms(forecast.nominal.lowReservoirAlarmAt),
  );
  add(
    {
      kind: 'deadline',
      key: 'deadline',
      short: 'deadline',
      what: `Refill deadline${forecast.deadlineReason === 'drug_stability' ? ' (drug stability)' : ''}`,
      stroke: WORST,
      ink: '#8a3c00',
      width: 3,
    },
    ms(forecast.refillDeadline),
  );
  add(
    { kind: 'booked', key: 'booked', short: 'booked', what: 'Booked refill', stroke: FILL, ink: '#00664a', dash: '10 3 2 3', width: 2.5 },
    ms(bookedRefillAt),
  );
  add(
    { kind: 'empty', key: 'empty', short: 'empty', what: 'Empty (nominal)', stroke: '#000000', ink: '#000000', dash: '1 3', width: 2 },
    ms(forecast.nominal.emptyAt),
  );

  // The axis runs from the fill (or now) to the last instant that matters: the empty date, or a booking after it.
  const domainStart = Math.min(first, ...markers.map((m) => m.t));
  const domainEnd = Math.max(last, ...markers.map((m) => m.t));
  const plotLeft = MARGIN.left + Y_AXIS_WIDTH;
  const plotRight = Math.max(plotLeft + 100, width - MARGIN.right);
  const xOf = (t: number) => plotLeft + ((t - domainStart) / Math.max(1, domainEnd - domainStart)) * (plotRight - plotLeft);
  const placed = placeMarkerLabels(markers, xOf, plotLeft, plotRight);
  const labelRows = placed.reduce((n, m) => Math.max(n, m.row + 1), 0);
  const top = 10 + labelRows * LABEL_ROW_PX;
  const ticks = dayTicks(domainStart, domainEnd, timeZone, Math.floor((plotRight - plotLeft) / TICK_SPACING_PX));

  // The pump's own estimate (calculated from its programmed rate, not measured): points beside the forecast, never joined to it.
  const reported = readings
    .filter((r) => r.reservoirVolumeMl !== null && inCurve(Date.parse(r.recordedAt)))
    .map((r) => ({ t: Date.parse(r.recordedAt), reportedVolumeMl: r.reservoirVolumeMl as number }));
  const latestReported = reported.length > 0 ? reported[reported.length - 1] : null;

  return (
    <figure className="chart" data-testid="forecast-chart" ref={figureRef}>
      <figcaption className="visually-hidden">
        Reservoir volume over time; the low-reservoir alarm is at {forecast.lowReservoirAlarmMl} mL.
        {reported.length > 0 && latestReported
          ? ` ${reported.length} volumes reported by the pump are drawn as points; the latest, ${latestReported.reportedVolumeMl.toFixed(1)} mL at ${when(latestReported.t)}.`
          : ' No volume reported by the pump in this span.'}
      </figcaption>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <ComposedChart data={data} margin={{ top, ...MARGIN }}>
          <CartesianGrid stroke="#e3e6ea" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[domainStart, domainEnd]}
            ticks={ticks}
            tickFormatter={(t: number) => dayMonth(t, timeZone)}
            interval={0}
          />
          <YAxis domain={[0, capacityMl]} unit=" mL" width={Y_AXIS_WIDTH} allowDecimals={false} />
          <Tooltip labelFormatter={(t) => when(Number(t))} formatter={(v, name) => [`${Number(v).toFixed(2)} mL`, name]} />
          <Legend />
          <ReferenceLine
            y={forecast.lowReservoirAlarmMl}
            stroke={ALARM}
            strokeWidth={2}
            strokeDasharray="6 3"
            label={{ value: `alarm ${forecast.lowReservoirAlarmMl} mL`, position: 'insideBottomLeft', fill: '#6b2553' }}
          />
          {placed.map((m) => (
            <ReferenceLine
              key={m.key}
              x={m.t}
              stroke={m.stroke}
              strokeWidth={m.width}
              strokeDasharray={m.dash}
              label={(props: { viewBox?: { x?: number; y?: number } }) => (
                <text
                  x={props.viewBox?.x ?? xOf(m.t)}
                  y={(props.viewBox?.y ?? top) - 5 - m.row * LABEL_ROW_PX}
                  textAnchor={m.anchor}
                  fill={m.ink}
                  fontSize={12}
                  fontWeight={600}
                  className="chart-marker-label"
                  data-marker={m.kind}
                >
                  {m.short}
                </text>
              )}
            />
          ))}
          <Line type="linear" dataKey="volumeMl" name="nominal" stroke={NOMINAL} strokeWidth={2.5} dot={false} isAnimationActive={false} />
          <Line
            type="linear"
            dataKey="worstCaseVolumeMl"
            name="worst case (all patient boluses)"
            stroke={WORST}
            strokeWidth={2}
            strokeDasharray="8 4"
            dot={false}
            isAnimationActive={false}
          />
          {reported.length > 0 && (
            // Diamonds, not dots: told apart from the lines by shape as well as colour.
            <Scatter
              data={reported}
              dataKey="reportedVolumeMl"
              name="reported by the pump"
              fill={REPORTED}
              shape="diamond"
              isAnimationActive={false}
            />
          )}
        </ComposedChart>
      </ResponsiveContainer>
      <ul className="chart-markers" aria-label="Marked instants" data-testid="chart-markers">
        {placed
          .filter((m) => m.kind !== 'fill' && m.kind !== 'program')
          .map((m) => (
            <li key={m.key} data-testid="chart-marker" data-marker={m.kind}>
              <MarkerSwatch marker={m} /> {m.long}
            </li>
          ))}
      </ul>
    </figure>
  );
}
