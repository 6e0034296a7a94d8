// Fleet refill planner: one proposed slot per pump, fewest bookings after their margin first, then the least drug wasted.
import type { Interval } from './availability';
import { bookingDeadlineMs, bookingTiming, freeSlots } from './refill-slots';
import type { BookingTiming, RefillPlanSummary, UnplacedReason } from './scheduling-contracts';
import { DAY_MS } from '../time-units';

export interface PlannerPump {
  pumpId: string;
  refillDeadlineMs: number;
  /** Clinicians allowed to refill this pump; absent: all. */
  clinicianIds?: readonly string[];
}

export interface PlannerClinician {
  clinicianId: string;
  /** availabilityWindows output. */
  windows: readonly Interval[];
  /** busyFromAppointments(existing active appointments, bufferMinutes). */
  busy: readonly Interval[];
}

export interface PlanRefillsInput {
  pumps: readonly PlannerPump[];
  clinicians: readonly PlannerClinician[];
  durationMinutes: number;
  bufferMinutes: number;
  marginDays: number;
  fromMs: number;
  toMs: number;
  nowMs: number;
  /** The clinic's closed days (closedIntervals): no proposal falls on them. */
  closed?: readonly Interval[];
}

export interface PlannedRefill {
  pumpId: string;
  clinicianId: string;
  startsAtMs: number;
  endsAtMs: number;
  timing: BookingTiming;
  /** (deadline - margin - start) in days of 24 h, 2 decimals, for on-time proposals; 0 otherwise. */
  drugDaysWasted: number;
}

export interface RefillPlan {
  proposals: PlannedRefill[];
  unplaced: { pumpId: string; reason: UnplacedReason }[];
  summary: RefillPlanSummary;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Number of sorted starts at or before t (binary search). */
function countAtOrBefore(starts: Float64Array, t: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Union-find over slot positions 1..n (slot i at position i + 1; 0 is "none"). `step` -1: find(p) is the latest free
 * position <= p; `step` +1 (positions 0..n-1, n is "none"): find(p) is the earliest free position >= p. Near-constant time.
 */
class FreeSlotIndex {
  private readonly parent: Int32Array;
  constructor(
    size: number,
    private readonly step: 1 | -1,
  ) {
    this.parent = new Int32Array(size + 1);
    for (let i = 0; i <= size; i++) this.parent[i] = i;
  }
  find(position: number): number {
    let root = position;
    while (this.parent[root] !== root) root = this.parent[root];
    for (let p = position; this.parent[p] !== root;) {
      const next = this.parent[p];
      this.parent[p] = root;
      p = next;
    }
    return root;
  }
  take(position: number): void {
    this.parent[position] = position + this.step;
  }
}

interface PumpState {
  pump: PlannerPump;
  targetMs: number;
  allowed: number[];
  clinician: number;
  slot: number;
}

/**
 * Proposes at most one slot per pump (every pump given is planned: pass only those due before `to` and not booked).
 *
 * Slots: each clinician's free whole slots (freeSlots) starting at or after max(from, now) and ending by `to`; distinct slots
 * of one clinician never overlap, buffer included, so any assignment of distinct slots is feasible.
 * 1. Select, earliest target first (target = deadline - margin): a pump is on time if a free slot at or before its target is
 *    left. With every pump allowed on every clinician this picks the most on-time pumps and, among those, the smallest sum
 *    of targets (matroid greedy), so short capacity goes to the most urgent pumps, never to one due months later.
 * 2. Place the selected pumps, latest target first, each in the latest free slot at or before its target: the latest set of
 *    slots these pumps can hold, hence the least drug wasted (waste = sum of targets - sum of starts).
 * 3. The rest, earliest deadline first, take the earliest free slot of an allowed clinician (late: as soon as possible).
 * Exact when all pumps share the same clinicians; with per-pump clinicianIds steps 1-2 are a greedy heuristic (all rules hold).
 */
export function planRefills(input: PlanRefillsInput): RefillPlan {
  const notBeforeMs = Math.max(input.fromMs, input.nowMs);
  const clinicianIndex = new Map<string, number>();
  const slotStarts: Float64Array[] = [];
  const slotEnds: Float64Array[] = [];
  input.clinicians.forEach((c, i) => {
    if (clinicianIndex.has(c.clinicianId)) throw new RangeError(`clinician ${c.clinicianId} is listed twice`);
    clinicianIndex.set(c.clinicianId, i);
    const slots = freeSlots({
      windows: c.windows,
      busy: c.busy,
      durationMinutes: input.durationMinutes,
      bufferMinutes: input.bufferMinutes,
      notBeforeMs,
      notAfterMs: input.toMs,
      closed: input.closed,
    });
    slotStarts.push(Float64Array.from(slots, (s) => s.startMs));
    slotEnds.push(Float64Array.from(slots, (s) => s.endMs));
  });
  const allClinicians = input.clinicians.map((_c, i) => i);

  const unplaced: RefillPlan['unplaced'] = [];
  const states: PumpState[] = [];
  const seen = new Set<string>();
  for (const pump of input.pumps) {
    if (seen.has(pump.pumpId)) throw new RangeError(`pump ${pump.pumpId} is listed twice`);
    seen.add(pump.pumpId);
    const allowed =
      pump.clinicianIds === undefined
        ? allClinicians
        : [...new Set(pump.clinicianIds)].map((id) => clinicianIndex.get(id)).filter((i): i is number => i !== undefined);
    if (allowed.length === 0) unplaced.push({ pumpId: pump.pumpId, reason: 'no_allowed_clinician' });
    else states.push({ pump, targetMs: bookingDeadlineMs(pump.refillDeadlineMs, input.marginDays), allowed, clinician: -1, slot: -1 });
  }

  /** Latest free slot at or before t among the pump's clinicians (latest start wins; ties: first allowed clinician). */
  const latestFree = (indexes: FreeSlotIndex[], state: PumpState): [number, number] | null => {
    let best: [number, number] | null = null;
    for (const c of state.allowed) {
      const position = indexes[c].find(countAtOrBefore(slotStarts[c], state.targetMs));
      if (position > 0 && (best === null || slotStarts[c][position - 1] > slotStarts[best[0]][best[1]])) best = [c, position - 1];
    }
    return best;
  };
  const byId = (a: PumpState, b: PumpState): number => (a.pump.pumpId < b.pump.pumpId ? -1 : a.pump.pumpId > b.pump.pumpId ? 1 : 0);

  // 1. Which pumps can be on time: earliest target first.
  const selectIndexes = slotStarts.map((s) => new FreeSlotIndex(s.length, -1));
  const selected: PumpState[] = [];
  const rest: PumpState[] = [];
  for (const state of [...states].sort(
    (a, b) => a.targetMs - b.targetMs || a.pump.refillDeadlineMs - b.pump.refillDeadlineMs || byId(a, b),
  )) {
    const found = latestFree(selectIndexes, state);
    if (found === null) {
      rest.push(state);
      continue;
    }
    selectIndexes[found[0]].take(found[1] + 1);
    selected.push(state);
  }

  // 2. Where: latest target first, each as late as it can be while on time.
  const placeIndexes = slotStarts.map((s) => new FreeSlotIndex(s.length, -1));
  const used = slotStarts.map((s) => new Uint8Array(s.length));
  for (const state of selected.sort((a, b) => b.targetMs - a.targetMs || byId(a, b))) {
    const found = latestFree(placeIndexes, state);
    if (found === null) {
      rest.push(state);
      continue;
    }
    placeIndexes[found[0]].take(found[1] + 1);
    used[found[0]][found[1]] = 1;
    [state.clinician, state.slot] = found;
  }

  // 3. The others as early as possible, most urgent first.
  const nextIndexes = used.map((u) => {
    const index = new FreeSlotIndex(u.length, 1);
    u.forEach((taken, i) => {
      if (taken) index.take(i);
    });
    return index;
  });
  for (const state of rest.sort((a, b) => a.pump.refillDeadlineMs - b.pump.refillDeadlineMs || byId(a, b))) {
    let best: [number, number] | null = null;
    for (const c of state.allowed) {
      const i = nextIndexes[c].find(0);
      if (i < slotStarts[c].length && (best === null || slotStarts[c][i] < slotStarts[best[0]][best[1]])) best = [c, i];
    }
    if (best === null) {
      const anySlot = state.allowed.some((c) => slotStarts[c].length > 0);
      unplaced.push({ pumpId: state.pump.pumpId, reason: anySlot ? 'capacity_full' : 'no_availability' });
      continue;
    }
    nextIndexes[best[0]].take(best[1]);
    [state.clinician, state.slot] = best;
  }

  const proposals: PlannedRefill[] = [];
  const summary: RefillPlanSummary = {
    placed: 0,
    unplaced: unplaced.length,
    onTime: 0,
    afterMargin: 0,
    afterDeadline: 0,
    totalDrugDaysWasted: 0,
  };
  let wastedDays = 0;
  for (const state of states) {
    if (state.clinician < 0) continue;
    const startsAtMs = slotStarts[state.clinician][state.slot];
    const timing = bookingTiming(startsAtMs, state.pump.refillDeadlineMs, input.marginDays);
    const wasted = timing === 'on_time' ? (state.targetMs - startsAtMs) / DAY_MS : 0;
    wastedDays += wasted;
    proposals.push({
      pumpId: state.pump.pumpId,
      clinicianId: input.clinicians[state.clinician].clinicianId,
      startsAtMs,
      endsAtMs: slotEnds[state.clinician][state.slot],
      timing,
      drugDaysWasted: round2(wasted),
    });
    summary.placed++;
    if (timing === 'on_time') summary.onTime++;
    else if (timing === 'after_margin') summary.afterMargin++;
    else summary.afterDeadline++;
  }
  summary.totalDrugDaysWasted = round2(wastedDays);
  proposals.sort((a, b) => a.startsAtMs - b.startsAtMs || (a.clinicianId < b.clinicianId ? -1 : a.clinicianId > b.clinicianId ? 1 : 0));
  return { proposals, unplaced, summary };
}
