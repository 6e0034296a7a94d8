// Benchmark: fleet refill planner time for 2,000 pumps, 10 clinicians and 8 weeks (issue 6: "in seconds"), slot finding included.
import { planRefills } from '../src/scheduling/refill-planner';
import { plannerScenario } from '../src/scheduling/planner-scenario';

const PUMPS = 2_000;
const CLINICIANS = 10;
const WEEKS = 8;
const ROUNDS = 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const scenarioStarted = process.hrtime.bigint();
const scenario = plannerScenario({ pumps: PUMPS, clinicians: CLINICIANS, weeks: WEEKS, seed: 42 });
const scenarioMs = Number(process.hrtime.bigint() - scenarioStarted) / 1e6;

const times: number[] = [];
let plan = planRefills(scenario.input); // warms the JIT
for (let round = 0; round < ROUNDS; round++) {
  const started = process.hrtime.bigint();
  plan = planRefills(scenario.input);
  times.push(Number(process.hrtime.bigint() - started) / 1e6);
}
const s = plan.summary;
console.log(
  `Refill planner, ${PUMPS.toLocaleString('en')} pumps, ${CLINICIANS} clinicians, ${WEEKS} weeks (Europe/Paris, DST change inside), median of ${ROUNDS} rounds`,
);
console.log(`availability of ${CLINICIANS} clinicians over ${WEEKS} weeks (luxon, once): ${scenarioMs.toFixed(1)} ms`);
console.log(`planner (free slots + plan): median ${median(times).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms`);
console.log(
  `placed ${s.placed} (on time ${s.onTime}, after margin ${s.afterMargin}, after deadline ${s.afterDeadline}), unplaced ${s.unplaced}, drug days wasted ${s.totalDrugDaysWasted}`,
);
console.log(
  JSON.stringify({ name: 'refill_planner_2000_pumps_10_clinicians_8_weeks', value: Number(median(times).toFixed(2)), unit: 'ms' }),
);
