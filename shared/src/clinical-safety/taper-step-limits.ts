// The per-step limits of a taper plan: each step cuts at most the clinic's abrupt-reduction percent, steps are at least the clinic's
// minimum spacing apart, and a step to 0 stops delivery; any of these needs `stepLimitOverrideReason` and the withdrawal checklist.
import { DomainError } from '../domain-error';
import { DOSE_CHANGE_CONFIG } from './clinical-safety-config';
import { instantMs } from './clinical-time';
import type { TaperStep } from './taper-plan';

export type TaperStepLimitKind = 'reduction_above_limit' | 'step_to_zero' | 'steps_too_close';

export interface TaperStepLimitFinding {
  kind: TaperStepLimitKind;
  stepIndex: number;
  /** The dose the step cuts from: the previous step's target, or for the first step the dose in force at the plan's start (null: none). */
  fromDoseMcgPerDay: number | null;
  toDoseMcgPerDay: number;
  /** The cut in percent of `fromDoseMcgPerDay`; null without a dose to cut from. */
  reductionPercent: number | null;
  limitPercent: number;
  /** Hours since the previous step (null for the first step). */
  hoursSincePreviousStep: number | null;
  minSpacingHours: number;
  message: string;
}

export interface TaperStepLimitInput {
  steps: readonly TaperStep[];
  /** The daily dose in force when the plan starts (the first step cuts from it); null when none is on record. */
  doseAtStartMcgPerDay: number | null;
  /** The clinic's abrupt-reduction step as a fraction, above 0 and below 1 (default DOSE_CHANGE_CONFIG.abruptReductionFraction). */
  abruptReductionFraction?: number;
  /** The clinic's minimum spacing between steps in hours (default DOSE_CHANGE_CONFIG.taperStepMinSpacingHours). */
  minSpacingHours?: number;
}

/** Comparisons at a threshold ignore float noise below this. */
const EPSILON = 1e-9;
const round1 = (value: number): number => Math.round(value * 10) / 10;
const percent = (fraction: number): number => Math.round(fraction * 1000) / 10;

/**
 * Every step that goes beyond the limits: a cut of more than the limit (exactly the limit is allowed), a step to 0, and a cutting step
 * less than the minimum spacing after the previous one (exactly the spacing is allowed). Empty: the plan needs no reason.
 */
export function taperStepLimitFindings(input: TaperStepLimitInput): TaperStepLimitFinding[] {
  const fraction = input.abruptReductionFraction ?? DOSE_CHANGE_CONFIG.abruptReductionFraction;
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction >= 1)
    throw DomainError.rule('abruptReductionFraction', 'must be above 0 and below 1');
  const minSpacingHours = input.minSpacingHours ?? DOSE_CHANGE_CONFIG.taperStepMinSpacingHours;
  if (!Number.isFinite(minSpacingHours) || minSpacingHours < 0) throw DomainError.rule('minSpacingHours', 'must be 0 or more');
  const limitPercent = percent(fraction);
  const findings: TaperStepLimitFinding[] = [];
  input.steps.forEach((step, stepIndex) => {
    const from = stepIndex === 0 ? input.doseAtStartMcgPerDay : input.steps[stepIndex - 1].targetDoseMcgPerDay;
    const to = step.targetDoseMcgPerDay;
    const cut = from !== null && from > 0 ? (from - to) / from : null;
    const hoursSincePreviousStep =
      stepIndex === 0
        ? null
        : round1(
            (instantMs(`steps.${stepIndex}.at`, step.at) - instantMs(`steps.${stepIndex - 1}.at`, input.steps[stepIndex - 1].at)) /
              3600_000,
          );
    const base = {
      stepIndex,
      fromDoseMcgPerDay: from,
      toDoseMcgPerDay: to,
      reductionPercent: cut === null ? null : percent(cut),
      limitPercent,
      hoursSincePreviousStep,
      minSpacingHours,
    };
    const label = `Step ${stepIndex + 1} (${step.at})`;
    const fromText = from === null ? 'no dose on record' : `${round1(from)} mcg/day`;
    if (to === 0 && (from === null || from > 0)) {
      findings.push({ ...base, kind: 'step_to_zero', message: `${label} stops intrathecal baclofen (0 mcg/day, from ${fromText}).` });
    } else if (cut !== null && cut > fraction + EPSILON) {
      findings.push({
        ...base,
        kind: 'reduction_above_limit',
        message: `${label} cuts ${percent(cut)}% from ${fromText} to ${round1(to)} mcg/day, more than the clinic's ${limitPercent}% per step.`,
      });
    }
    if (hoursSincePreviousStep !== null && cut !== null && cut > EPSILON && hoursSincePreviousStep < minSpacingHours - EPSILON) {
      findings.push({
        ...base,
        kind: 'steps_too_close',
        message: `${label} comes ${hoursSincePreviousStep} h after the previous step, less than the clinic's ${minSpacingHours} h between steps.`,
      });
    }
  });
  return findings;
}
