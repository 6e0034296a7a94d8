// Property: fills, programs and `at` at any millisecond forecast exactly as the same instants rounded down to the second (issue 12:
// a fill at 10:00:00.288 made `at` fall before it, and GET /api/pumps answered 422 for the whole clinic).
import { forecastPump, ForecastInput, ForecastProgramInput } from './forecast';
import { DAY_MS, HOUR_MS } from '../time-units';
import { seededSequence } from '../simulation/seeded-hash';

const SEED = process.env.PUMPWATCH_PROPERTY_SEED ? Number(process.env.PUMPWATCH_PROPERTY_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = 3000;
const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Adelaide'];
// Any instant of a year that crosses both daylight-saving changes of the zones above.
const YEAR_START_MS = Date.parse('2026-01-01T00:00:00Z');

const iso = (ms: number) => new Date(ms).toISOString();
const floorIso = (text: string) => iso(Math.floor(Date.parse(text) / 1000) * 1000);

interface Case {
  input: ForecastInput;
  fillId: string;
}

function randomCase(next: () => number): Case {
  const int = (n: number) => Math.floor(next() * n);
  const fillMs = YEAR_START_MS + int(365 * DAY_MS);
  // The program starts before the fill, just after it (same second or a few), or later than `at` (then: no program yet).
  const programChoice = int(3);
  const programMs = programChoice === 0 ? fillMs - int(30 * DAY_MS) : programChoice === 1 ? fillMs + int(5000) : fillMs + int(200 * DAY_MS);
  // `at` at or after the fill: often within the same second, otherwise up to 150 days later.
  const atMs = next() < 0.4 ? fillMs + int(1000 - (fillMs % 1000)) : fillMs + int(150 * DAY_MS);
  const dose = 50 + int(900);
  const program: ForecastProgramInput = {
    effectiveFrom: iso(programMs),
    steps:
      next() < 0.5
        ? [{ startTime: '00:00', doseMcgPerDay: dose }]
        : [
            { startTime: '00:00', doseMcgPerDay: dose },
            { startTime: '07:30', doseMcgPerDay: dose * 1.5 },
          ],
    periodicBoluses: next() < 0.3 ? [{ time: '08:00', doseMcg: 25 }] : [],
    patientBolus: next() < 0.3 ? { doseMcg: 20, maxPerDay: 3 } : null,
  };
  const fillId = 'fill-random';
  return {
    fillId,
    input: {
      pump: { id: 'pump-1', modelId: 'synchromed-ii-20', lowReservoirAlarmMl: 2, reservoirCapacityMl: 20, flowRateMlPerDay: null },
      timeZone: ZONES[int(ZONES.length)],
      at: iso(atMs),
      fills: [
        // An earlier whole-second fill: the random one must be the fill in force from its own second on.
        {
          id: 'fill-before',
          filledAt: iso(Math.floor((fillMs - 90 * DAY_MS - int(HOUR_MS)) / 1000) * 1000),
          concentrationMcgPerMl: 500,
          volumeMl: 20,
          stabilityDays: 180,
          bridgeBolus: null,
        },
        {
          id: fillId,
          filledAt: iso(fillMs),
          concentrationMcgPerMl: [500, 1000, 2000][int(3)],
          volumeMl: 5 + int(15),
          stabilityDays: 180,
          bridgeBolus: null,
        },
      ],
      programs: [program],
      withCurve: next() < 0.5,
    },
  };
}

function floored(input: ForecastInput): ForecastInput {
  return {
    ...input,
    at: floorIso(input.at),
    fills: input.fills.map((f) => ({ ...f, filledAt: floorIso(f.filledAt) })),
    programs: input.programs.map((p) => ({ ...p, effectiveFrom: floorIso(p.effectiveFrom) })),
  };
}

describe(`forecastPump at millisecond instants (seed ${SEED}; replay with PUMPWATCH_PROPERTY_SEED=${SEED})`, () => {
  it(`forecasts ${RUNS} random fills, programs and instants as the same instants rounded down to the second`, () => {
    process.stdout.write(`forecast-subsecond property seed: ${SEED}\n`);
    const next = seededSequence(SEED);
    let checked = 0;
    for (let run = 0; run < RUNS; run++) {
      const { input, fillId } = randomCase(next);
      const context = `seed ${SEED}, run ${run}: ${JSON.stringify({ at: input.at, fills: input.fills.map((f) => f.filledAt), program: input.programs[0].effectiveFrom, zone: input.timeZone })}`;
      let forecast;
      try {
        forecast = forecastPump(input);
      } catch (error) {
        throw new Error(`${context} threw ${(error as Error).message}`, { cause: error });
      }
      if (forecast.fillId !== fillId) throw new Error(`${context}: fill in force ${forecast.fillId}, expected ${fillId}`);
      const expected = forecastPump(floored(input));
      // Compared as JSON first (fast); on a difference, expect() shows exactly where.
      if (JSON.stringify(forecast) !== JSON.stringify(expected)) expect({ context, forecast }).toEqual({ context, forecast: expected });
      checked++;
    }
    expect(checked).toBe(RUNS);
  });
});
