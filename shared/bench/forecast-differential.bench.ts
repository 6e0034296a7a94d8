// Differential run: the closed-form forecast against the exact event-step reference over 100,000 random cases (issue 13).
// PUMPWATCH_PROPERTY_SEED replays a run; PUMPWATCH_DIFFERENTIAL_CASES changes its size. Exits 1 on any disagreement.
import { forecastPump } from '../src/forecast/forecast';
import { forecastDisagreement, randomForecastCase } from '../src/forecast/forecast-differential-cases';
import { referenceLevels } from '../src/forecast/forecast-reference';
import { seededSequence } from '../src/simulation/seeded-hash';

const SEED = process.env.PUMPWATCH_PROPERTY_SEED ? Number(process.env.PUMPWATCH_PROPERTY_SEED) : Math.floor(Math.random() * 2 ** 31);
const CASES = process.env.PUMPWATCH_DIFFERENTIAL_CASES ? Number(process.env.PUMPWATCH_DIFFERENTIAL_CASES) : 100_000;

const next = seededSequence(SEED);
const inputs = Array.from({ length: CASES }, () => randomForecastCase(next));
const started = process.hrtime.bigint();
const disagreements: { run: number; differences: Record<string, unknown> }[] = [];
inputs.forEach((input, run) => {
  const differences = forecastDisagreement(input);
  if (differences !== null) disagreements.push({ run, differences });
});
const comparedSeconds = Number(process.hrtime.bigint() - started) / 1e9;

/** Cases per second of one side alone, over the first 10,000 cases. */
function perSecond(side: (input: (typeof inputs)[number]) => unknown): number {
  const sample = inputs.slice(0, 10_000);
  const t0 = process.hrtime.bigint();
  for (const input of sample) side(input);
  return sample.length / (Number(process.hrtime.bigint() - t0) / 1e9);
}
const forecastRate = perSecond((input) => forecastPump(input));
const referenceRate = perSecond((input) => referenceLevels(input));

const changes = inputs.reduce((sum, input) => sum + input.programs.length - 1, 0);
const bridges = inputs.filter((input) => input.fills[0].bridgeBolus !== null).length;
const lowFills = inputs.filter((input) => input.fills[0].volumeMl <= input.pump.lowReservoirAlarmMl).length;
console.log(`Forecast against the reference simulation, seed ${SEED} (replay with PUMPWATCH_PROPERTY_SEED=${SEED})`);
console.log(
  `${CASES.toLocaleString('en')} cases: ${changes.toLocaleString('en')} program changes, ${bridges.toLocaleString('en')} bridge boluses, ${lowFills.toLocaleString('en')} fills at or below the alarm volume`,
);
console.log(`compared 4 instants and 2 volumes per case in ${comparedSeconds.toFixed(1)} s; disagreements: ${disagreements.length}`);
console.log(
  `forecast ${Math.round(forecastRate).toLocaleString('en')} cases/s, reference ${Math.round(referenceRate).toLocaleString('en')} cases/s`,
);
for (const d of disagreements.slice(0, 5)) console.log(JSON.stringify({ run: d.run, input: inputs[d.run], differences: d.differences }));
console.log(
  JSON.stringify({ name: 'forecast_differential_disagreements', value: disagreements.length, unit: 'cases', cases: CASES, seed: SEED }),
);
console.log(
  JSON.stringify({
    name: 'forecast_differential_reference_rate',
    value: Math.round(referenceRate),
    unit: 'cases/s',
    baseline: Math.round(forecastRate),
    ratio: Number((referenceRate / forecastRate).toFixed(4)),
  }),
);
if (disagreements.length > 0) process.exitCode = 1;
