// Property: the closed-form forecast agrees to the second with an independent event-step simulation (forecast-reference.ts) over
// random programs, zones, program changes on bolus minutes, bridges and low fills (issue 13: a bolus at a program change).
import { forecastDisagreement, randomForecastCase } from './forecast-differential-cases';
import { seededSequence } from '../simulation/seeded-hash';

const SEED = process.env.PUMPWATCH_PROPERTY_SEED ? Number(process.env.PUMPWATCH_PROPERTY_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = 3000;

describe(`forecastPump against the reference simulation (seed ${SEED}; replay with PUMPWATCH_PROPERTY_SEED=${SEED})`, () => {
  it(`agrees on nominal and worst-case alarm and empty instants and the volume at \`at\` for ${RUNS} random cases`, () => {
    process.stdout.write(`forecast-differential property seed: ${SEED}\n`);
    const next = seededSequence(SEED);
    let checked = 0;
    for (let run = 0; run < RUNS; run++) {
      const input = randomForecastCase(next);
      const differences = forecastDisagreement(input);
      if (differences !== null) expect({ seed: SEED, run, input, differences }).toEqual({ seed: SEED, run, input, differences: null });
      checked++;
    }
    expect(checked).toBe(RUNS);
  });
});
