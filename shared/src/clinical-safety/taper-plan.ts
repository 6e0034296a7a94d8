// Drug-holiday taper plans: the request schema, the planned dose at an instant, and the oral bridge reduction for kidney function.
import { z } from 'zod';
import { isoInstant } from '../contracts';
import { clinicText } from '../text-fields';
import { DomainError } from '../domain-error';
import { ORAL_BRIDGE_CONFIG } from './clinical-safety-config';
import { DOSE_REQUEST_MAXIMA } from './drug-library-config';
import { instantMs } from './clinical-time';

const taperStepSchema = z.object({
  at: isoInstant,
  targetDoseMcgPerDay: z
    .number({ message: 'must be a number' })
    .min(0, 'must be 0 or more')
    .max(
      DOSE_REQUEST_MAXIMA.doseMcgPerDay,
      `must be at most ${DOSE_REQUEST_MAXIMA.doseMcgPerDay} (not a dose; the drug library refuses from its hard limit)`,
    ),
});

/**
 * A supervised taper: steps in time order, each a target daily dose from its instant (0 is the holiday itself), the oral baclofen
 * bridge, and the planned re-introduction dose. A step never raises the dose: re-introduction is its own field.
 */
export const taperPlanSchema = z
  .object({
    startsAt: isoInstant,
    steps: z.array(taperStepSchema).min(1, 'needs at least one step').max(100, 'must have at most 100 steps'),
    bridge: z.object({
      drug: z.literal('oral_baclofen', { message: "must be 'oral_baclofen'" }),
      doseMgPerDay: z
        .number({ message: 'must be a number' })
        .positive('must be above 0')
        .max(ORAL_BRIDGE_CONFIG.maxDoseMgPerDay, `must be at most ${ORAL_BRIDGE_CONFIG.maxDoseMgPerDay}`),
    }),
    reintroductionDoseMcgPerDay: z
      .number({ message: 'must be a number' })
      .positive('must be above 0')
      .max(
        DOSE_REQUEST_MAXIMA.doseMcgPerDay,
        `must be at most ${DOSE_REQUEST_MAXIMA.doseMcgPerDay} (not a dose; the drug library refuses from its hard limit)`,
      ),
    note: clinicText(2000).optional(),
    // Why a step cuts more than the clinic's limit, stops delivery (0) or comes sooner than the minimum spacing (taper-step-limits.ts).
    stepLimitOverrideReason: clinicText(2000, { min: 1, minMessage: 'must not be empty' }).optional(),
  })
  .superRefine((plan, ctx) => {
    const startMs = Date.parse(plan.startsAt);
    plan.steps.forEach((step, i) => {
      const ms = Date.parse(step.at);
      if (Number.isNaN(ms)) return;
      if (i === 0 && !Number.isNaN(startMs) && ms < startMs) {
        ctx.addIssue({ code: 'custom', path: ['steps', 0, 'at'], message: 'must not be before startsAt' });
      }
      if (i === 0) return;
      const previous = plan.steps[i - 1];
      if (!Number.isNaN(Date.parse(previous.at)) && ms <= Date.parse(previous.at)) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'at'],
          message: 'must be after the previous step (steps in increasing time order)',
        });
      }
      if (step.targetDoseMcgPerDay > previous.targetDoseMcgPerDay) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'targetDoseMcgPerDay'],
          message: 'must not be above the previous step (a taper never raises the dose)',
        });
      }
    });
  });
export type CreateTaperPlanRequest = z.input<typeof taperPlanSchema>;
export type TaperPlan = z.output<typeof taperPlanSchema>;
export type TaperStep = TaperPlan['steps'][number];

/** The step in force at `at` (the latest one at or before it) with its index; null before the first step. */
export function taperStepAt(plan: Pick<TaperPlan, 'steps'>, at: string): { index: number; step: TaperStep } | null {
  const atMs = instantMs('at', at);
  let found: { index: number; step: TaperStep; ms: number } | null = null;
  for (let index = 0; index < plan.steps.length; index++) {
    const ms = instantMs(`steps.${index}.at`, plan.steps[index].at);
    if (ms <= atMs && (found === null || ms > found.ms)) found = { index, step: plan.steps[index], ms };
  }
  return found === null ? null : { index: found.index, step: found.step };
}

/** The plan's target daily dose at `at` (mcg/day), null before its first step; the last step's dose holds until the plan ends. */
export function plannedDoseAt(plan: Pick<TaperPlan, 'steps'>, at: string): number | null {
  return taperStepAt(plan, at)?.step.targetDoseMcgPerDay ?? null;
}

export interface BridgeDoseAdvice {
  /** null when the clearance is unknown. */
  recommendedMgPerDay: number | null;
  reductionFraction: number | null;
  reason: string;
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
const FRACTION_LABELS: Record<string, string> = { [String(1 / 3)]: '1/3', [String(1 / 2)]: '1/2', [String(2 / 3)]: '2/3' };

/**
 * The oral baclofen bridge dose kidney function calls for (Vlavonou 2014): shown beside the plan for the clinician, never applied
 * automatically. Boundary values take the milder band (exactly 50 mL/min: 1/3).
 */
export function bridgeDoseForRenalFunction(doseMgPerDay: number, crClMlPerMin: number | null): BridgeDoseAdvice {
  if (!Number.isFinite(doseMgPerDay) || doseMgPerDay <= 0) throw DomainError.rule('doseMgPerDay', 'must be above 0');
  if (crClMlPerMin === null) {
    return {
      recommendedMgPerDay: null,
      reductionFraction: null,
      reason: 'No creatinine clearance on record: check kidney function before the oral bridge (baclofen is cleared by the kidneys).',
    };
  }
  if (crClMlPerMin > ORAL_BRIDGE_CONFIG.noReductionAboveCrClMlPerMin) {
    return {
      recommendedMgPerDay: doseMgPerDay,
      reductionFraction: 0,
      reason: `Creatinine clearance ${crClMlPerMin} mL/min is above ${ORAL_BRIDGE_CONFIG.noReductionAboveCrClMlPerMin}: no reduction.`,
    };
  }
  const band =
    ORAL_BRIDGE_CONFIG.renalReductionBands.find((b) => crClMlPerMin >= b.fromCrClMlPerMin) ??
    ORAL_BRIDGE_CONFIG.renalReductionBands[ORAL_BRIDGE_CONFIG.renalReductionBands.length - 1];
  const label = FRACTION_LABELS[String(band.reductionFraction)] ?? `${round1(band.reductionFraction * 100)}%`;
  const recommended = round1(doseMgPerDay * (1 - band.reductionFraction));
  return {
    recommendedMgPerDay: recommended,
    reductionFraction: band.reductionFraction,
    reason: `Creatinine clearance ${crClMlPerMin} mL/min: reduce the oral baclofen dose by ${label}, from ${doseMgPerDay} to ${recommended} mg/day (Vlavonou 2014). For the clinician to decide; not applied automatically.`,
  };
}
