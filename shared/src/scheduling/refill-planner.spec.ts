// Fleet planner: a hand-checked small clinic, waste and ties, urgency under short capacity, optimality, and a 2,000-pump fleet.
import { seededUnit } from '../simulation/seeded-hash';
import type { Interval } from './availability';
import { PlannedRefill, PlannerClinician, PlannerPump, planRefills, PlanRefillsInput, RefillPlan } from './refill-planner';
import { plannerScenario } from './planner-scenario';
import { freeSlots } from './refill-slots';
import { DAY_MS, MINUTE_MS } from '../time-units';

const ms = (iso: string): number => Date.parse(iso);
/** A one-slot window (30 min) at 08:00Z on each date given. */
const dailyWindows = (...dates: string[]): Interval[] => dates.map((d) => ({ startMs: ms(`${d}T08:00:00Z`), endMs: ms(`${d}T08:30:00Z`) }));
const clinician = (clinicianId: string, windows: Interval[], busy: Interval[] = []): PlannerClinician => ({ clinicianId, windows, busy });
const pump = (pumpId: string, deadline: string, clinicianIds?: string[]): PlannerPump => ({
  pumpId,
  refillDeadlineMs: ms(deadline),
  ...(clinicianIds ? { clinicianIds } : {}),
});
const input = (pumps: PlannerPump[], clinicians: PlannerClinician[], over: Partial<PlanRefillsInput> = {}): PlanRefillsInput => ({
  pumps,
  clinicians,
  durationMinutes: 30,
  bufferMinutes: 10,
  marginDays: 7,
  fromMs: ms('2026-03-01T00:00:00Z'),
  toMs: ms('2026-04-30T00:00:00Z'),
  nowMs: ms('2026-03-01T00:00:00Z'),
  ...over,
});
const booked = (plan: RefillPlan): Record<string, string> =>
  Object.fromEntries(
    plan.proposals.map((p) => [
      p.pumpId,
      `${p.clinicianId} ${new Date(p.startsAtMs).toISOString().slice(0, 16)} ${p.timing} ${p.drugDaysWasted}`,
    ]),
  );

describe('planRefills on a hand-checkable clinic', () => {
  it('fits the three pumps that can each be refilled exactly on target and explains the fourth', () => {
    // One clinician, one slot on Mon 03-02, Wed 03-04, Fri 03-06 (08:00Z). Targets = deadline - 7 d:
    // P4 03-02, P2 03-04, P3 03-05, P1 03-06. Step 1 (earliest target first): P4 -> 03-02, P2 -> 03-04, P3: no slot left at or
    // before 03-05, P1 -> 03-06. Step 2 places P1, P2, P4 exactly on their targets (0 days wasted). Step 3: no slot left for P3.
    const plan = planRefills(
      input(
        [
          pump('P1', '2026-03-13T08:00:00Z'),
          pump('P2', '2026-03-11T08:00:00Z'),
          pump('P3', '2026-03-12T08:00:00Z'),
          pump('P4', '2026-03-09T08:00:00Z'),
        ],
        [clinician('anne', dailyWindows('2026-03-02', '2026-03-04', '2026-03-06'))],
      ),
    );
    expect(booked(plan)).toEqual({
      P4: 'anne 2026-03-02T08:00 on_time 0',
      P2: 'anne 2026-03-04T08:00 on_time 0',
      P1: 'anne 2026-03-06T08:00 on_time 0',
    });
    expect(plan.proposals.map((p) => p.pumpId)).toEqual(['P4', 'P2', 'P1']); // by start
    expect(plan.unplaced).toEqual([{ pumpId: 'P3', reason: 'capacity_full' }]);
    expect(plan.summary).toEqual({ placed: 3, unplaced: 1, onTime: 3, afterMargin: 0, afterDeadline: 0, totalDrugDaysWasted: 0 });
    // Each slot lasts the visit: 08:00-08:30.
    expect(plan.proposals[0].endsAtMs - plan.proposals[0].startsAtMs).toBe(30 * MINUTE_MS);
  });

  it('books a pump that cannot be on time in the earliest slot left, the most urgent first', () => {
    // Slots 03-02, 03-04, 03-06, 03-09. A (deadline 03-05, target 02-26) and B (deadline 03-08, target 03-01) cannot be on time.
    // C (deadline 03-16, target 03-09) is on time at 03-09 (0 wasted). Step 3, earliest deadline first: A -> 03-02
    // (before its deadline: after_margin), B -> 03-04 (after_margin). 03-06 stays free.
    const plan = planRefills(
      input(
        [pump('B', '2026-03-08T12:00:00Z'), pump('C', '2026-03-16T08:00:00Z'), pump('A', '2026-03-05T12:00:00Z')],
        [clinician('anne', dailyWindows('2026-03-02', '2026-03-04', '2026-03-06', '2026-03-09'))],
      ),
    );
    expect(booked(plan)).toEqual({
      A: 'anne 2026-03-02T08:00 after_margin 0',
      B: 'anne 2026-03-04T08:00 after_margin 0',
      C: 'anne 2026-03-09T08:00 on_time 0',
    });
  });

  it('books an overdue pump in the first slot, flagged after_deadline', () => {
    // Deadline 02-27 is before now (03-01): the first slot 03-02 08:00 is after the deadline.
    const plan = planRefills(input([pump('late', '2026-02-27T08:00:00Z')], [clinician('anne', dailyWindows('2026-03-02', '2026-03-04'))]));
    expect(booked(plan)).toEqual({ late: 'anne 2026-03-02T08:00 after_deadline 0' });
    expect(plan.summary).toMatchObject({ placed: 1, afterDeadline: 1 });
  });
});

describe('planRefills waste and ties', () => {
  it('places a pump in the latest slot at or before its target and counts the days in between as wasted', () => {
    // Target = 03-15 08:00 - 7 d = 03-08 08:00; slots 03-02, 03-05: latest is 03-05 08:00 -> 3 days early, 3 days wasted.
    const plan = planRefills(input([pump('P', '2026-03-15T08:00:00Z')], [clinician('anne', dailyWindows('2026-03-02', '2026-03-05'))]));
    expect(booked(plan)).toEqual({ P: 'anne 2026-03-05T08:00 on_time 3' });
    expect(plan.summary.totalDrugDaysWasted).toBe(3);
  });

  it('gives two pumps with the same target the slot on target and the one a day before (1 day wasted in all)', () => {
    // Both targets 03-06 08:00; slots 03-05 and 03-06: one pump wastes 0, the other 1 (ties broken by pump id: later id placed first).
    const plan = planRefills(
      input(
        [pump('X', '2026-03-13T08:00:00Z'), pump('Y', '2026-03-13T08:00:00Z')],
        [clinician('anne', dailyWindows('2026-03-05', '2026-03-06'))],
      ),
    );
    expect(booked(plan)).toEqual({ X: 'anne 2026-03-06T08:00 on_time 0', Y: 'anne 2026-03-05T08:00 on_time 1' });
    expect(plan.summary.totalDrugDaysWasted).toBe(1);
  });

  it('uses two clinicians free at the same time for two pumps with the same target (nothing wasted)', () => {
    const windows = dailyWindows('2026-03-05', '2026-03-06');
    const plan = planRefills(
      input(
        [pump('X', '2026-03-13T08:00:00Z'), pump('Y', '2026-03-13T08:00:00Z')],
        [clinician('anne', windows), clinician('ben', windows)],
      ),
    );
    expect(booked(plan)).toEqual({ X: 'anne 2026-03-06T08:00 on_time 0', Y: 'ben 2026-03-06T08:00 on_time 0' });
  });

  it('beats naive earliest-deadline-first-in-the-earliest-slot on waste', () => {
    // Slots 03-02, 03-04, 03-06. Targets X 03-04, Y 03-06. Naive EDF-earliest: X -> 03-02 (2 d), Y -> 03-04 (2 d) = 4 days.
    // Planner: Y -> 03-06 (0), X -> 03-04 (0) = 0 days, same number on time.
    const case_ = input(
      [pump('X', '2026-03-11T08:00:00Z'), pump('Y', '2026-03-13T08:00:00Z')],
      [clinician('anne', dailyWindows('2026-03-02', '2026-03-04', '2026-03-06'))],
    );
    expect(naiveEdfEarliest(case_)).toEqual({ onTime: 2, wastedDays: 4 });
    expect(planRefills(case_).summary).toMatchObject({ onTime: 2, totalDrugDaysWasted: 0 });
  });

  it('gives short capacity to the urgent pump, not to one due weeks later (where backward greedy alone fails)', () => {
    // One slot, 03-02. A: target 03-20 (deadline 03-27); B: target 03-03 (deadline 03-10). Both fit the slot: one on time either
    // way. Backward greedy alone (latest target first) would give A the slot (18 days wasted) and leave B unplaced.
    // Step 1 selects earliest target first: B on time (1 day wasted); A is unplaced and can be booked in a later plan.
    const plan = planRefills(
      input([pump('A', '2026-03-27T08:00:00Z'), pump('B', '2026-03-10T08:00:00Z')], [clinician('anne', dailyWindows('2026-03-02'))]),
    );
    expect(booked(plan)).toEqual({ B: 'anne 2026-03-02T08:00 on_time 1' });
    expect(plan.unplaced).toEqual([{ pumpId: 'A', reason: 'capacity_full' }]);
  });
});

describe('planRefills limits', () => {
  it('never proposes a slot before now or from, nor one ending after to', () => {
    // Slots 03-02, 03-04, 03-06, 03-09 at 08:00. now 03-02 09:00 removes 03-02; from 03-03 changes nothing more;
    // to 03-06 08:20 removes 03-06 (ends 08:30) and 03-09. Only 03-04 is left for the two pumps (targets 03-10, 03-11).
    const plan = planRefills(
      input(
        [pump('P', '2026-03-17T08:00:00Z'), pump('Q', '2026-03-18T08:00:00Z')],
        [clinician('anne', dailyWindows('2026-03-02', '2026-03-04', '2026-03-06', '2026-03-09'))],
        { nowMs: ms('2026-03-02T09:00:00Z'), fromMs: ms('2026-03-03T00:00:00Z'), toMs: ms('2026-03-06T08:20:00Z') },
      ),
    );
    // Earliest target first: P takes 03-04 (6 days before its target 03-10); Q has nothing left.
    expect(booked(plan)).toEqual({ P: 'anne 2026-03-04T08:00 on_time 6' });
    expect(plan.unplaced).toEqual([{ pumpId: 'Q', reason: 'capacity_full' }]);
  });

  it('keeps clear of existing visits and their buffer', () => {
    // Window 08:00-10:00, grid 08:00, 08:40, 09:20. Existing visit 08:40-09:10 + 10 min buffer: busy [08:40, 09:20).
    // 08:00 + 30 + 10 = 08:40 touches only: free. 08:40 busy. 09:20 free. Two pumps, same target 03-02 12:00: both placed.
    const windows = [{ startMs: ms('2026-03-02T08:00:00Z'), endMs: ms('2026-03-02T10:00:00Z') }];
    const busy = [{ startMs: ms('2026-03-02T08:40:00Z'), endMs: ms('2026-03-02T09:20:00Z') }];
    const plan = planRefills(
      input([pump('P', '2026-03-09T12:00:00Z'), pump('Q', '2026-03-09T12:00:00Z')], [clinician('anne', windows, busy)]),
    );
    expect(plan.proposals.map((p) => new Date(p.startsAtMs).toISOString().slice(11, 16))).toEqual(['08:00', '09:20']);
  });

  it('honours per-pump clinicians and names why a pump could not be placed', () => {
    // anne: 03-02 and 03-04; ben: none; R may see only ben -> no_availability; S names an unknown clinician -> no_allowed_clinician;
    // T may see only anne: target 03-06 -> latest anne slot 03-04 (2 days wasted).
    const plan = planRefills(
      input(
        [
          pump('R', '2026-03-13T08:00:00Z', ['ben']),
          pump('S', '2026-03-13T08:00:00Z', ['zoe']),
          pump('T', '2026-03-13T08:00:00Z', ['anne']),
        ],
        [clinician('anne', dailyWindows('2026-03-02', '2026-03-04')), clinician('ben', [])],
      ),
    );
    expect(booked(plan)).toEqual({ T: 'anne 2026-03-04T08:00 on_time 2' });
    expect(plan.unplaced).toEqual([
      { pumpId: 'S', reason: 'no_allowed_clinician' },
      { pumpId: 'R', reason: 'no_availability' },
    ]);
  });

  it('refuses a pump or a clinician listed twice', () => {
    expect(() =>
      planRefills(input([pump('P', '2026-03-13T08:00:00Z'), pump('P', '2026-03-14T08:00:00Z')], [clinician('anne', [])])),
    ).toThrow('pump P is listed twice');
    expect(() => planRefills(input([], [clinician('anne', []), clinician('anne', [])]))).toThrow('clinician anne is listed twice');
  });
});

/** Naive baseline: earliest deadline first, each in the earliest free slot (any clinician). */
function naiveEdfEarliest(plan: PlanRefillsInput): { onTime: number; wastedDays: number } {
  const slots = plan.clinicians
    .flatMap((c) =>
      freeSlots({ ...plan, windows: c.windows, busy: c.busy, notBeforeMs: Math.max(plan.fromMs, plan.nowMs), notAfterMs: plan.toMs }),
    )
    .map((s) => s.startMs)
    .sort((a, b) => a - b);
  let onTime = 0;
  let wastedDays = 0;
  [...plan.pumps]
    .sort((a, b) => a.refillDeadlineMs - b.refillDeadlineMs)
    .forEach((p, i) => {
      if (i >= slots.length) return;
      const target = p.refillDeadlineMs - plan.marginDays * DAY_MS;
      if (slots[i] <= target) {
        onTime++;
        wastedDays += (target - slots[i]) / DAY_MS;
      }
    });
  return { onTime, wastedDays };
}

/** Exhaustive search: the most pumps on time, then the fewest days wasted (whole-hour slots, so sums are exact enough). */
function bruteForce(targets: number[], slots: number[]): { onTime: number; wastedDays: number } {
  let best = { onTime: -1, wastedDays: Infinity };
  const used = new Array<boolean>(slots.length).fill(false);
  const visit = (i: number, onTime: number, wasted: number): void => {
    if (i === targets.length) {
      if (onTime > best.onTime || (onTime === best.onTime && wasted < best.wastedDays - 1e-9)) best = { onTime, wastedDays: wasted };
      return;
    }
    visit(i + 1, onTime, wasted); // this pump late (or unplaced)
    slots.forEach((s, j) => {
      if (used[j] || s > targets[i]) return;
      used[j] = true;
      visit(i + 1, onTime + 1, wasted + (targets[i] - s) / DAY_MS);
      used[j] = false;
    });
  };
  visit(0, 0, 0);
  return best;
}

describe('planRefills is optimal when every pump may see every clinician', () => {
  // 300 seeded small clinics: 1-2 clinicians with one-hour windows on random days, 1-6 pumps with random targets;
  // compared with an exhaustive search of every assignment.
  const exactWaste = (plan: RefillPlan, pumps: PlannerPump[], marginDays: number): number =>
    plan.proposals
      .filter((p) => p.timing === 'on_time')
      .reduce(
        (sum, p: PlannedRefill) =>
          sum + (pumps.find((q) => q.pumpId === p.pumpId)!.refillDeadlineMs - marginDays * DAY_MS - p.startsAtMs) / DAY_MS,
        0,
      );

  it.each(Array.from({ length: 300 }, (_v, k) => k))('matches the exhaustive search, clinic %i', (k) => {
    const base = ms('2026-03-02T00:00:00Z');
    const clinicians = Array.from({ length: 1 + Math.floor(seededUnit(k, 'clinicians') * 2) }, (_c, c) =>
      clinician(
        `c${c}`,
        Array.from({ length: 1 + Math.floor(seededUnit(k, 'windows', c) * 3) }, (_w, w) => {
          const startMs = base + Math.floor(seededUnit(k, 'day', c, w) * 10) * DAY_MS + (8 + c) * 3_600_000;
          return { startMs, endMs: startMs + 30 * MINUTE_MS };
        }),
      ),
    );
    const pumps = Array.from({ length: 1 + Math.floor(seededUnit(k, 'pumps') * 6) }, (_p, p) =>
      pump(`p${p}`, new Date(base + 7 * DAY_MS + Math.floor(seededUnit(k, 'target', p) * 12 * 24) * 3_600_000).toISOString()),
    );
    const plannerInput = input(pumps, clinicians, { fromMs: base, nowMs: base, toMs: base + 20 * DAY_MS });
    const plan = planRefills(plannerInput);
    const slots = clinicians.flatMap((c) =>
      freeSlots({ windows: c.windows, busy: [], durationMinutes: 30, bufferMinutes: 10, notBeforeMs: base }).map((s) => s.startMs),
    );
    const best = bruteForce(
      pumps.map((p) => p.refillDeadlineMs - 7 * DAY_MS),
      slots,
    );
    expect(plan.summary.onTime).toBe(best.onTime);
    expect(exactWaste(plan, pumps, 7)).toBeCloseTo(best.wastedDays, 9);
    // Every pump that is not on time still gets a slot while slots remain.
    expect(plan.summary.placed).toBe(Math.min(pumps.length, slots.length));
    const naive = naiveEdfEarliest(plannerInput);
    expect(plan.summary.onTime).toBeGreaterThanOrEqual(naive.onTime);
  });
});

describe('planRefills on 2,000 pumps, 10 clinicians, 8 weeks (seeded Paris clinic across the DST change)', () => {
  const scenario = plannerScenario({ pumps: 2000, clinicians: 10, weeks: 8, seed: 42 });
  const { input: fleet } = scenario;
  const plan = planRefills(fleet);
  const bufferMs = fleet.bufferMinutes * MINUTE_MS;
  const byClinician = new Map(fleet.clinicians.map((c) => [c.clinicianId, c]));

  it('puts every proposal inside one availability window of its clinician, on the grid, between max(from, now) and to', () => {
    const stepMs = (fleet.durationMinutes + fleet.bufferMinutes) * MINUTE_MS;
    for (const p of plan.proposals) {
      const window = byClinician.get(p.clinicianId)!.windows.find((w) => w.startMs <= p.startsAtMs && p.endsAtMs <= w.endMs);
      expect(window).toBeDefined();
      expect((p.startsAtMs - window!.startMs) % stepMs).toBe(0);
      expect(p.endsAtMs - p.startsAtMs).toBe(fleet.durationMinutes * MINUTE_MS);
      expect(p.startsAtMs).toBeGreaterThanOrEqual(Math.max(fleet.fromMs, fleet.nowMs));
      expect(p.endsAtMs).toBeLessThanOrEqual(fleet.toMs);
    }
  });

  it('never overlaps two visits of one clinician, buffer included, nor an existing visit', () => {
    for (const c of fleet.clinicians) {
      const mine = plan.proposals.filter((p) => p.clinicianId === c.clinicianId).sort((a, b) => a.startsAtMs - b.startsAtMs);
      for (let i = 1; i < mine.length; i++) expect(mine[i].startsAtMs).toBeGreaterThanOrEqual(mine[i - 1].endsAtMs + bufferMs);
      // busy already holds each existing visit's buffer after it; the proposal's own buffer must end before busy starts.
      for (const p of mine) expect(c.busy.some((b) => p.startsAtMs < b.endMs && b.startMs < p.endsAtMs + bufferMs)).toBe(false);
    }
  });

  it('plans every pump once: placed + unplaced = 2,000, and the timings add up', () => {
    const ids = [...plan.proposals.map((p) => p.pumpId), ...plan.unplaced.map((u) => u.pumpId)];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(2000);
    const s = plan.summary;
    expect(s.placed).toBe(plan.proposals.length);
    expect(s.unplaced).toBe(plan.unplaced.length);
    expect(s.onTime + s.afterMargin + s.afterDeadline).toBe(s.placed);
    expect(plan.proposals.filter((p) => p.timing === 'on_time')).toHaveLength(s.onTime);
    expect(s.totalDrugDaysWasted).toBeCloseTo(
      plan.proposals.reduce((sum, p) => sum + p.drugDaysWasted, 0),
      0,
    );
  });

  it('respects per-pump clinicians and the timing rule', () => {
    const pumps = new Map(fleet.pumps.map((p) => [p.pumpId, p]));
    for (const p of plan.proposals) {
      const allowed = pumps.get(p.pumpId)!.clinicianIds;
      if (allowed) expect(allowed).toContain(p.clinicianId);
      const target = pumps.get(p.pumpId)!.refillDeadlineMs - fleet.marginDays * DAY_MS;
      expect(p.timing === 'on_time').toBe(p.startsAtMs <= target);
    }
  });

  it('puts more pumps on time than naive earliest-deadline-first, wasting less drug', () => {
    const naive = naiveEdfEarliest({ ...fleet, pumps: fleet.pumps.map(({ pumpId, refillDeadlineMs }) => ({ pumpId, refillDeadlineMs })) });
    expect(plan.summary.onTime).toBeGreaterThanOrEqual(naive.onTime);
    expect(plan.summary.totalDrugDaysWasted).toBeLessThan(naive.wastedDays);
  });
});
