// Benchmark: exact refill forecasts per second for 100,000 realistic pumps, against the naive single-rate formula.
import { compileFill, compileProgram, forecastPump, ForecastInput } from '../src/forecast/forecast';
import { computeRefillLevels, fillSegments } from '../src/forecast/refill-levels';
import { seededSequence } from '../src/simulation/seeded-hash';

const PUMPS = 100_000;
const ROUNDS = 5;
const ZONES = ['Europe/Paris', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'America/Los_Angeles', 'UTC'];
const NOW_MS = Date.parse('2026-11-25T12:00:00Z');
const DAY_MS = 86_400_000;

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function realisticFleet(): ForecastInput[] {
  const random = seededSequence(42);
  const fleet: ForecastInput[] = [];
  for (let i = 0; i < PUMPS; i++) {
    const capacity = random() < 0.6 ? 20 : 40;
    const concentration = [500, 1000, 2000][Math.floor(random() * 3)];
    const filledAtMs = NOW_MS - Math.floor(random() * 120 * DAY_MS);
    const baseDose = 100 + Math.floor(random() * 700);
    // Five day-part steps: a realistic flex program with a morning and an evening rise.
    const steps = [0, 360, 600, 1020, 1260].map((minute, k) => ({
      startTime: hhmm(minute),
      doseMcgPerDay: Math.round(baseDose * [0.8, 1.2, 1, 1.3, 0.9][k]),
    }));
    const programs = [
      {
        effectiveFrom: new Date(filledAtMs - Math.floor(random() * 30 * DAY_MS)).toISOString(),
        steps,
        periodicBoluses:
          random() < 0.3
            ? [
                { time: '07:30', doseMcg: 25 },
                { time: '19:30', doseMcg: 25 },
              ]
            : [],
        patientBolus: random() < 0.4 ? { doseMcg: 20 + Math.floor(random() * 30), maxPerDay: 2 + Math.floor(random() * 4) } : null,
      },
    ];
    if (random() < 0.3)
      programs.push({
        ...programs[0],
        effectiveFrom: new Date(filledAtMs + Math.floor(random() * 40 * DAY_MS)).toISOString(),
        steps: steps.map((s) => ({ ...s, doseMcgPerDay: Math.round(s.doseMcgPerDay * 1.1) })),
      });
    fleet.push({
      pump: {
        id: `pump-${i}`,
        modelId: capacity === 20 ? 'synchromed-ii-20' : 'synchromed-ii-40',
        lowReservoirAlarmMl: 2,
        reservoirCapacityMl: capacity,
        flowRateMlPerDay: null,
      },
      fills: [
        {
          id: `fill-${i}`,
          filledAt: new Date(filledAtMs).toISOString(),
          concentrationMcgPerMl: concentration,
          volumeMl: capacity - random() * 2,
          stabilityDays: 180,
          bridgeBolus: null,
        },
      ],
      programs,
      timeZone: ZONES[i % ZONES.length],
      at: new Date(NOW_MS).toISOString(),
      withCurve: false,
    });
  }
  return fleet;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs `pass` ROUNDS times over the fleet and returns the median pumps per second. */
function pumpsPerSecond(pass: () => number): { perSecond: number; checksum: number } {
  let checksum = 0;
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS + 1; round++) {
    const started = process.hrtime.bigint();
    checksum += pass();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (round > 0) rates.push(PUMPS / seconds); // the first round warms the JIT and the zone-offset cache
  }
  return { perSecond: median(rates), checksum };
}

const fleet = realisticFleet();
const compiled = fleet.map((input) => ({
  fill: compileFill(input.fills[0]),
  programs: input.programs.map((p) => compileProgram(p, input.timeZone)).sort((a, b) => a.effectiveFromMs - b.effectiveFromMs),
  alarmMl: input.pump.lowReservoirAlarmMl,
  dailyVolumeMl: 0,
}));
for (const pump of compiled) pump.dailyVolumeMl = pump.programs[0].doseMcgPerDay / pump.fill.concentrationMcgPerMl;

// Naive: one rate, (volume - alarm volume) / daily volume, no steps, boluses, program changes or zones.
const naive = pumpsPerSecond(() => {
  let sum = 0;
  for (const pump of compiled) sum += pump.fill.filledAtMs + ((pump.fill.volumeMl - pump.alarmMl) / pump.dailyVolumeMl) * DAY_MS;
  return sum;
});
// Exact: nominal + worst case alarm and empty instants and the deadline, whole pump days in one step, no curve.
const exact = pumpsPerSecond(() => {
  let sum = 0;
  for (const pump of compiled) sum += computeRefillLevels(pump.fill, pump.alarmMl, fillSegments(pump.fill, pump.programs)).refillDeadlineMs;
  return sum;
});
// The whole public call from ISO strings, programs parsed and zone offsets looked up each time (what the API does).
const endToEnd = pumpsPerSecond(() => {
  let sum = 0;
  for (const input of fleet) sum += forecastPump(input).volumeMl ?? 0;
  return sum;
});

const rows = [
  { name: 'forecast_naive_single_rate', value: naive.perSecond, baseline: naive.perSecond },
  { name: 'forecast_exact_nominal_worst_deadline', value: exact.perSecond, baseline: naive.perSecond },
  { name: 'forecast_exact_from_iso_inputs', value: endToEnd.perSecond, baseline: naive.perSecond },
];
console.log(
  `Refill forecast, ${PUMPS.toLocaleString('en')} pumps (5-step flex programs, boluses, patient allowance, ${ZONES.length} zones), median of ${ROUNDS} rounds`,
);
console.log('benchmark'.padEnd(42) + 'pumps/s'.padStart(16) + 'ratio to naive'.padStart(18));
for (const row of rows)
  console.log(
    row.name.padEnd(42) + Math.round(row.value).toLocaleString('en').padStart(16) + (row.value / row.baseline).toFixed(4).padStart(18),
  );
console.log(`(checksums ${naive.checksum.toExponential(3)} ${exact.checksum.toExponential(3)} ${endToEnd.checksum.toExponential(3)})`);
for (const row of rows) {
  console.log(
    JSON.stringify({
      name: row.name,
      value: Math.round(row.value),
      unit: 'pumps/s',
      baseline: Math.round(row.baseline),
      ratio: Number((row.value / row.baseline).toFixed(4)),
    }),
  );
}
