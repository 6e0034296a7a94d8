// Guard on a daily-dose change: abrupt reduction or stop, escalation above range, suspected tolerance, and taper-plan steps.
import { DateTime } from 'luxon';
import type { AlertFacts } from '../alerts/alert-contracts';
import { DomainError } from '../domain-error';
import { DOSE_CHANGE_CONFIG, REINTRODUCTION_CONFIG, TOLERANCE_CONFIG } from './clinical-safety-config';
import { instantIn, instantMs } from './clinical-time';
import type { SpasticityOrigin } from './labs-contracts';
import { taperStepAt, TaperPlan } from './taper-plan';

export type DoseChangeContext = 'post_implant_titration' | 'refill_adjustment';

/** The daily dose in force from `at` until the next point (a program's `doseMcgPerDay` at its `effectiveFrom`; 0 when stopped). */
export interface DoseHistoryPoint {
  at: string;
  doseMcgPerDay: number;
}

export interface DoseChangeInput {
  /** Daily doses (mcg/day) of every program in force at some time during the 24 h before `at`; empty for a first program. */
  previousDosesInForce: number[];
  newDoseMcgPerDay: number;
  context: DoseChangeContext;
  /** null or absent: not recorded, the stricter cerebral limits apply. */
  spasticityOrigin?: SpasticityOrigin | null;
  /** The patient's active taper plan, if any; it counts from its first step. With `startsAt`, its first step follows only from the dose in force then. */
  activeTaperPlan?: (Pick<TaperPlan, 'steps' | 'reintroductionDoseMcgPerDay'> & { startsAt?: string }) | null;
  /** The patient's latest taper plan, active or ended, for re-introduction (reintroductionOf); absent: none. */
  latestTaperPlan?: ReintroductionPlan | null;
  /** When the new dose takes effect (the program's effectiveFrom, or the fill's filledAt). */
  at: string;
  /** The patient's daily dose history before `at` (any order), for the 12-month tolerance check; empty skips it. */
  doseHistory?: DoseHistoryPoint[];
  /** The clinic's IANA zone for calendar months (default UTC). */
  timeZone?: string;
  /** The clinic's abrupt-reduction step as a fraction, above 0 and below 1 (default DOSE_CHANGE_CONFIG.abruptReductionFraction). */
  abruptReductionFraction?: number;
}

export type DoseFindingKind = 'abrupt_dose_reduction' | 'escalation_above_range' | 'tolerance_suspected' | 'taper_step' | 'overdose_watch';
/** 'info' never raises an alert: it only says why a change passed (a taper step). */
export type DoseFindingSeverity = 'info' | 'warning' | 'urgent';

export interface DoseFinding {
  kind: DoseFindingKind;
  severity: DoseFindingSeverity;
  title: string;
  message: string;
  /** This finding alone makes `doseChangeReason` required. */
  requiresReason: boolean;
  facts: AlertFacts;
}

export interface DoseChangeAssessment {
  /** The change needs `doseChangeReason` (422 naming it otherwise). */
  requiresReason: boolean;
  findings: DoseFinding[];
}

/** Comparisons at a threshold ignore float noise below this. */
const EPSILON = 1e-9;
const round1 = (value: number): number => Math.round(value * 10) / 10;
const percent = (fraction: number): number => Math.round(fraction * 1000) / 10;
const WITHDRAWAL_WARNING =
  'Abrupt reduction or discontinuation of intrathecal baclofen can cause life-threatening withdrawal (FDA boxed warning): ' +
  'a reason is required, and watch for early signs (return of spasticity, itching, tachycardia, fever).';

function checkDose(field: string, dose: number): void {
  if (!Number.isFinite(dose) || dose < 0) throw DomainError.rule(field, 'must be a daily dose of 0 or more');
}

/** The dose in force at `at` in the history (the latest point at or before it), null before the first point. */
export function doseInForceAt(history: DoseHistoryPoint[], at: string): number | null {
  const atMs = instantMs('at', at);
  let found: { ms: number; dose: number } | null = null;
  for (let i = 0; i < history.length; i++) {
    const ms = instantMs(`doseHistory.${i}.at`, history[i].at);
    if (ms <= atMs && (found === null || ms >= found.ms)) found = { ms, dose: history[i].doseMcgPerDay };
  }
  return found === null ? null : found.dose;
}

/** The doses in force at some time during the `windowHours` before `at`: the one in force at the window start, then every change before `at`. */
export function previousDosesInForce(
  history: DoseHistoryPoint[],
  at: string,
  windowHours: number = DOSE_CHANGE_CONFIG.previousWindowHours,
): number[] {
  const atMs = instantMs('at', at);
  const fromMs = atMs - windowHours * 3600_000;
  const atStart = doseInForceAt(history, new Date(fromMs).toISOString());
  const within = history.filter((p, i) => {
    const ms = instantMs(`doseHistory.${i}.at`, p.at);
    return ms > fromMs && ms < atMs;
  });
  return [...(atStart === null ? [] : [atStart]), ...within.map((p) => p.doseMcgPerDay)];
}

/** The escalation limit for the context and origin; an unknown origin takes the stricter cerebral limit. */
export function escalationLimitFraction(
  context: DoseChangeContext,
  origin: SpasticityOrigin | null | undefined,
): { fraction: number; origin: SpasticityOrigin; originRecorded: boolean } {
  const used = origin ?? DOSE_CHANGE_CONFIG.unknownOriginUses;
  return {
    fraction: DOSE_CHANGE_CONFIG.escalationLimitFraction[context][used],
    origin: used,
    originRecorded: origin !== null && origin !== undefined,
  };
}

const CONTEXT_LABELS: Record<DoseChangeContext, string> = {
  post_implant_titration: 'a titration after implant',
  refill_adjustment: 'an adjustment at a refill',
};

/**
 * Checks a new daily dose against the doses in force during the previous 24 h. A cut of more than 20% below the highest one, or a
 * stop, is abrupt (urgent, reason required) unless it follows the active taper plan; a rise above the context's range over the lowest
 * one needs a reason; a rise of more than 100 mcg/day over 12 months suggests tolerance. Never changes a dose.
 */
export function assessDoseChange(input: DoseChangeInput): DoseChangeAssessment {
  checkDose('newDoseMcgPerDay', input.newDoseMcgPerDay);
  input.previousDosesInForce.forEach((dose, i) => checkDose(`previousDosesInForce.${i}`, dose));
  const atMs = instantMs('at', input.at);
  const findings: DoseFinding[] = [];
  const newDose = input.newDoseMcgPerDay;
  const plan = input.activeTaperPlan ?? null;
  const abruptFraction = input.abruptReductionFraction ?? DOSE_CHANGE_CONFIG.abruptReductionFraction;
  if (!Number.isFinite(abruptFraction) || abruptFraction <= 0 || abruptFraction >= 1)
    throw DomainError.rule('abruptReductionFraction', 'must be above 0 and below 1');

  const history = input.doseHistory ?? [];
  const reintroduction = input.latestTaperPlan
    ? reintroductionOf({ plan: input.latestTaperPlan, history, at: input.at, newDoseMcgPerDay: newDose, timeZone: input.timeZone })
    : null;
  if (input.previousDosesInForce.length > 0) {
    const highest = Math.max(...input.previousDosesInForce);
    const lowest = Math.min(...input.previousDosesInForce);
    const planStartDose =
      plan?.startsAt !== undefined
        ? doseInForceAt(
            history.filter((p) => Date.parse(p.at) < atMs),
            plan.startsAt,
          )
        : null;
    if (newDose < highest) findings.push(...reductionFindings(newDose, highest, plan, input.at, abruptFraction, planStartDose));
    else if (newDose > highest) findings.push(...increaseFindings(newDose, lowest, plan, input, reintroduction));
  }
  if (reintroduction !== null) findings.splice(0, findings.length, ...reintroductionFindings(newDose, reintroduction, findings));

  if (input.previousDosesInForce.length === 0 || newDose > Math.max(...input.previousDosesInForce)) {
    const tolerance = toleranceFinding(newDose, input.doseHistory ?? [], atMs, input.timeZone ?? 'UTC', input.at);
    if (tolerance !== null) findings.push(tolerance);
  }
  return { requiresReason: findings.some((f) => f.requiresReason), findings };
}

function abrupt(message: string, facts: AlertFacts, stopped: boolean): DoseFinding {
  return {
    kind: 'abrupt_dose_reduction',
    severity: 'urgent',
    title: stopped ? 'Intrathecal baclofen stopped' : 'Abrupt dose reduction',
    message: `${message} ${WITHDRAWAL_WARNING}`,
    requiresReason: true,
    facts,
  };
}

function reductionFindings(
  newDose: number,
  highest: number,
  plan: DoseChangeInput['activeTaperPlan'],
  at: string,
  abruptFraction: number,
  planStartDose: number | null,
): DoseFinding[] {
  const cut = (highest - newDose) / highest;
  const stopped = newDose === 0;
  const isAbrupt = stopped || cut > abruptFraction + EPSILON;
  const limitPercent = percent(abruptFraction);
  const facts: AlertFacts = {
    newDoseMcgPerDay: round1(newDose),
    comparedWithMcgPerDay: round1(highest),
    reductionPercent: percent(cut),
    limitPercent,
  };
  const change = stopped
    ? `The new program stops delivery (0 mcg/day, from ${round1(highest)} mcg/day in force during the previous 24 h).`
    : `The daily dose falls ${percent(cut)}% from ${round1(highest)} (the highest in force during the previous 24 h) to ${round1(newDose)} mcg/day, more than ${limitPercent}%.`;

  const inForce = plan ? taperStepAt(plan, at) : null;
  if (plan === null || plan === undefined || inForce === null)
    return isAbrupt ? [abrupt(`${change} No taper plan is in force.`, facts, stopped)] : [];

  const planned = inForce.step.targetDoseMcgPerDay;
  const tolerance = Math.max(DOSE_CHANGE_CONFIG.taperDoseToleranceMcgPerDay, DOSE_CHANGE_CONFIG.taperDoseToleranceFraction * planned);
  const stepDate = inForce.step.at;
  const taperFacts: AlertFacts = { ...facts, plannedDoseMcgPerDay: planned, taperStepIndex: inForce.index, taperStepAt: stepDate };
  if (newDose < planned - tolerance) {
    const below = `below the taper plan's ${planned} mcg/day for the step of ${stepDate}`;
    if (isAbrupt) return [abrupt(`${change} It goes ${below}.`, taperFacts, stopped)];
    return [
      {
        kind: 'taper_step',
        severity: 'warning',
        title: 'Below the taper plan',
        requiresReason: false,
        facts: taperFacts,
        message: `The new dose ${round1(newDose)} mcg/day is ${below}.`,
      },
    ];
  }
  // Matching the step is accepted only from the plan's previous step (the first step: from the dose in force at the plan's start): a
  // missed step, or a dose raised after the plan was made, makes the cut larger than the plan meant.
  const previousTarget = inForce.index > 0 ? plan.steps[inForce.index - 1].targetDoseMcgPerDay : planStartDose;
  if (isAbrupt && previousTarget !== null && highest > previousTarget + tolerance) {
    return [
      abrupt(
        `${change} It skips taper steps: the plan had ${previousTarget} mcg/day before the step of ${stepDate}, but ${round1(highest)} was in force.`,
        { ...taperFacts, previousStepDoseMcgPerDay: previousTarget },
        stopped,
      ),
    ];
  }
  return [
    {
      kind: 'taper_step',
      severity: 'info',
      title: 'Taper step',
      requiresReason: false,
      facts: taperFacts,
      message:
        newDose <= planned + tolerance
          ? `Follows the taper plan: ${planned} mcg/day from ${stepDate}.`
          : `A reduction during the taper plan that stays above its ${planned} mcg/day for the step of ${stepDate}.`,
    },
  ];
}

function increaseFindings(
  newDose: number,
  lowest: number,
  plan: DoseChangeInput['activeTaperPlan'],
  input: DoseChangeInput,
  reintroduction: Reintroduction | null,
): DoseFinding[] {
  const facts: AlertFacts = { newDoseMcgPerDay: round1(newDose), comparedWithMcgPerDay: round1(lowest), context: input.context };
  if (plan) {
    const last = plan.steps[plan.steps.length - 1];
    const inForce = taperStepAt(plan, input.at);
    const tolerance = Math.max(
      DOSE_CHANGE_CONFIG.taperDoseToleranceMcgPerDay,
      DOSE_CHANGE_CONFIG.taperDoseToleranceFraction * plan.reintroductionDoseMcgPerDay,
    );
    // Re-introduction: after the last step, from its level, up to the planned re-introduction dose.
    if (
      inForce !== null &&
      inForce.index === plan.steps.length - 1 &&
      lowest <= last.targetDoseMcgPerDay + tolerance &&
      newDose <= plan.reintroductionDoseMcgPerDay + tolerance
    ) {
      return [
        {
          kind: 'taper_step',
          severity: 'info',
          title: 'Re-introduction',
          requiresReason: false,
          facts: { ...facts, reintroductionDoseMcgPerDay: plan.reintroductionDoseMcgPerDay },
          message: `Re-introduces intrathecal baclofen at ${round1(newDose)} mcg/day as the taper plan sets (${plan.reintroductionDoseMcgPerDay} mcg/day).`,
        },
      ];
    }
  }
  // The plan's own re-introduction dose after it ended needs no reason either (the plan was approved with it).
  if (reintroduction !== null && newDose <= reintroduction.plannedDoseMcgPerDay + taperTolerance(reintroduction.plannedDoseMcgPerDay)) {
    return [
      {
        kind: 'taper_step',
        severity: 'info',
        title: 'Re-introduction',
        requiresReason: false,
        facts: { ...facts, reintroductionDoseMcgPerDay: reintroduction.plannedDoseMcgPerDay },
        message: `Re-introduces intrathecal baclofen at ${round1(newDose)} mcg/day as the taper plan sets (${reintroduction.plannedDoseMcgPerDay} mcg/day).`,
      },
    ];
  }
  if (lowest === 0) {
    return [
      {
        kind: 'escalation_above_range',
        severity: 'warning',
        title: 'Restart after a stop',
        requiresReason: true,
        facts,
        message:
          `Delivery restarts at ${round1(newDose)} mcg/day after a stop during the previous 24 h: no percentage limit applies, ` +
          "so confirm the restart dose (outside a taper plan's re-introduction).",
      },
    ];
  }
  const limit = escalationLimitFraction(input.context, input.spasticityOrigin);
  const rise = (newDose - lowest) / lowest;
  if (rise <= limit.fraction + EPSILON) return [];
  const origin = limit.originRecorded ? `${limit.origin} origin` : `spasticity origin not recorded, so the stricter cerebral limit applies`;
  return [
    {
      kind: 'escalation_above_range',
      severity: 'warning',
      title: 'Dose increase above range',
      requiresReason: true,
      facts: {
        ...facts,
        increasePercent: percent(rise),
        limitPercent: percent(limit.fraction),
        limitOrigin: limit.origin,
        originRecorded: limit.originRecorded,
      },
      message:
        `The daily dose rises ${percent(rise)}% from ${round1(lowest)} (the lowest in force during the previous 24 h) to ${round1(newDose)} mcg/day, ` +
        `above the ${percent(limit.fraction)}% limit for ${CONTEXT_LABELS[input.context]} (${origin}).`,
    },
  ];
}

const taperTolerance = (dose: number): number =>
  Math.max(DOSE_CHANGE_CONFIG.taperDoseToleranceMcgPerDay, DOSE_CHANGE_CONFIG.taperDoseToleranceFraction * dose);

/** What re-introduction needs of a taper plan (a TaperPlanRecord fits). */
export interface ReintroductionPlan extends Pick<TaperPlan, 'startsAt' | 'steps' | 'reintroductionDoseMcgPerDay'> {
  /** When a clinician ended it (completed or cancelled); null while active. */
  endedAt: string | null;
}

export interface Reintroduction {
  /** The dose in force at the plan's start; null when none is on record. */
  preHolidayDoseMcgPerDay: number | null;
  /** The target of the step the holiday reached. */
  holidayDoseMcgPerDay: number;
  plannedDoseMcgPerDay: number;
  /** The end of the overdose watch: REINTRODUCTION_CONFIG.overdoseWatchDays calendar days after the change, in the clinic's zone. */
  watchUntil: string;
}

/**
 * Re-introduction after a drug holiday: the first change that raises the daily dose above the level the patient's latest taper plan
 * brought it down to. The level is the target of an active plan's last step once in force, or of the step in force when an ended
 * (completed or cancelled) plan ended; it counts only when it is 0 or below the pre-holiday dose (the dose in force at the plan's
 * start), while that level is in force, and while no dose above it took effect since that step. Later rises are ordinary titration.
 * null: not a re-introduction.
 */
export function reintroductionOf(input: {
  plan: ReintroductionPlan;
  history: DoseHistoryPoint[];
  at: string;
  newDoseMcgPerDay: number;
  timeZone?: string;
}): Reintroduction | null {
  const { plan } = input;
  const atMs = instantMs('at', input.at);
  const endMs = plan.endedAt === null ? atMs : Math.min(atMs, instantMs('endedAt', plan.endedAt));
  const reached = taperStepAt(plan, new Date(endMs).toISOString());
  // An active plan re-introduces only from its last step (a rise mid-taper is a change of plan, judged as any rise).
  if (reached === null || (plan.endedAt === null && reached.index !== plan.steps.length - 1)) return null;
  const level = reached.step.targetDoseMcgPerDay;
  const before = input.history.filter((p, i) => instantMs(`doseHistory.${i}.at`, p.at) < atMs);
  const preHoliday = doseInForceAt(before, plan.startsAt);
  if (!(level === 0 || (preHoliday !== null && level < preHoliday - EPSILON))) return null;
  const tolerance = taperTolerance(level);
  const stepMs = instantMs('steps.at', reached.step.at);
  const inForce = doseInForceAt(before, input.at);
  if (inForce !== null && inForce > level + tolerance) return null;
  if (before.some((p) => Date.parse(p.at) >= stepMs && p.doseMcgPerDay > level + tolerance)) return null;
  if (input.newDoseMcgPerDay <= level + tolerance) return null;
  const watchUntil = instantIn('at', input.at, input.timeZone ?? 'UTC')
    .plus({ days: REINTRODUCTION_CONFIG.overdoseWatchDays })
    .toUTC()
    .toISO() as string;
  return {
    preHolidayDoseMcgPerDay: preHoliday,
    holidayDoseMcgPerDay: level,
    plannedDoseMcgPerDay: plan.reintroductionDoseMcgPerDay,
    watchUntil,
  };
}

/**
 * A re-introduction above the pre-holiday dose needs a reason (tolerance fell during the holiday: the old dose may now be an
 * overdose), replacing any other escalation finding; every re-introduction opens the overdose watch.
 */
function reintroductionFindings(newDose: number, re: Reintroduction, findings: DoseFinding[]): DoseFinding[] {
  const facts: AlertFacts = {
    newDoseMcgPerDay: round1(newDose),
    preHolidayDoseMcgPerDay: re.preHolidayDoseMcgPerDay,
    holidayDoseMcgPerDay: re.holidayDoseMcgPerDay,
    reintroductionDoseMcgPerDay: re.plannedDoseMcgPerDay,
    watchUntil: re.watchUntil,
  };
  const out = [...findings];
  if (re.preHolidayDoseMcgPerDay !== null && newDose > re.preHolidayDoseMcgPerDay + taperTolerance(re.preHolidayDoseMcgPerDay)) {
    const others = out.filter((f) => f.kind === 'escalation_above_range').map((f) => f.message);
    out.splice(0, out.length, ...out.filter((f) => f.kind !== 'escalation_above_range'));
    out.push({
      kind: 'escalation_above_range',
      severity: 'warning',
      title: 'Re-introduction above the pre-holiday dose',
      requiresReason: true,
      facts,
      message:
        `Re-introduction at ${round1(newDose)} mcg/day is above the ${round1(re.preHolidayDoseMcgPerDay)} mcg/day in force before the drug holiday: ` +
        `tolerance falls during a holiday, so the old dose may now be an overdose (the plan re-introduces at ${re.plannedDoseMcgPerDay} mcg/day).` +
        (others.length > 0 ? ` ${others.join(' ')}` : ''),
    });
  }
  out.push({
    kind: 'overdose_watch',
    severity: 'warning',
    title: 'Overdose watch after re-introduction',
    requiresReason: false,
    facts,
    message:
      `Intrathecal baclofen re-introduced at ${round1(newDose)} mcg/day after a drug holiday: watch for ${REINTRODUCTION_CONFIG.overdoseSigns.join(', ').toLowerCase()} ` +
      `until ${re.watchUntil.slice(0, 10)} (${REINTRODUCTION_CONFIG.overdoseWatchDays} days; Lioresal Intrathecal label, Overdosage). A clinician resolves this watch.`,
  });
  return out;
}

function toleranceFinding(newDose: number, history: DoseHistoryPoint[], atMs: number, timeZone: string, at: string): DoseFinding | null {
  if (history.length === 0) return null;
  history.forEach((p, i) => checkDose(`doseHistory.${i}.doseMcgPerDay`, p.doseMcgPerDay));
  const windowStart = instantIn('at', at, timeZone).minus({ months: TOLERANCE_CONFIG.windowMonths });
  const windowStartIso = windowStart.toUTC().toISO() as string;
  // Only a full year of history says anything: in the first 12-18 months after implant the dose rises by design (Heetla, Spinal Cord 2009);
  // a stop at the window start (drug holiday) gives no baseline either.
  const baseline = doseInForceAt(
    history.filter((p) => Date.parse(p.at) < atMs),
    windowStartIso,
  );
  if (baseline === null || baseline === 0) return null;
  const increase = newDose - baseline;
  if (increase <= TOLERANCE_CONFIG.increaseAboveMcgPerDay + EPSILON) return null;
  return {
    kind: 'tolerance_suspected',
    severity: 'warning',
    title: 'Possible tolerance',
    requiresReason: false,
    facts: {
      newDoseMcgPerDay: round1(newDose),
      baselineDoseMcgPerDay: round1(baseline),
      baselineAt: windowStartIso,
      increaseMcgPerDay: round1(increase),
      limitMcgPerDay: TOLERANCE_CONFIG.increaseAboveMcgPerDay,
    },
    message:
      `The daily dose would be ${round1(increase)} mcg/day above the ${round1(baseline)} mcg/day in force ${TOLERANCE_CONFIG.windowMonths} months earlier ` +
      `(${DateTime.fromISO(windowStartIso, { zone: timeZone }).toISODate()}), more than ${TOLERANCE_CONFIG.increaseAboveMcgPerDay} mcg/day a year. Before calling it tolerance, ` +
      'check the reconciliation history: pump or catheter failure (under-delivery) mimics tolerance (Heetla, Spinal Cord 2009).',
  };
}

/**
 * A fill with another concentration on a constant-flow pump (flow unchanged) scales the daily dose by newConc / oldConc: the
 * effective new dose, to pass to assessDoseChange as `newDoseMcgPerDay` (context 'refill_adjustment').
 */
export function fillConcentrationDoseChange(input: {
  previousConcentrationMcgPerMl: number;
  newConcentrationMcgPerMl: number;
  previousDoseMcgPerDay: number;
}): {
  previousDoseMcgPerDay: number;
  newDoseMcgPerDay: number;
  ratio: number;
  changed: boolean;
} {
  if (!(input.previousConcentrationMcgPerMl > 0)) throw DomainError.rule('previousConcentrationMcgPerMl', 'must be above 0');
  if (!(input.newConcentrationMcgPerMl > 0)) throw DomainError.rule('newConcentrationMcgPerMl', 'must be above 0');
  checkDose('previousDoseMcgPerDay', input.previousDoseMcgPerDay);
  const ratio = input.newConcentrationMcgPerMl / input.previousConcentrationMcgPerMl;
  return {
    previousDoseMcgPerDay: input.previousDoseMcgPerDay,
    newDoseMcgPerDay: input.previousDoseMcgPerDay * ratio,
    ratio,
    changed: input.newConcentrationMcgPerMl !== input.previousConcentrationMcgPerMl,
  };
}
