// Response shapes and the remaining request schemas of the clinical-safety routes: check-ups, taper plans, clinic settings and the
// patient's clinical summary (kidney trend, neurotoxicity badge, dose history with the planned taper line, check-ups, reviews).
import { z } from 'zod';
import type { Patient } from '../contracts';
import { clinicText } from '../text-fields';
import { CHECK_UP_CONFIG, DOSE_CHANGE_CONFIG, RENAL_CONFIG } from './clinical-safety-config';
import type { ModifiedAshworthScore, ReviewDue } from './check-ups';
import type { LabResult } from './labs-contracts';
import type { NeurotoxicityRisk, RenalFlag } from './renal-flags';
import type { SideEffectReport } from './side-effects';
import type { BridgeDoseAdvice, TaperPlan } from './taper-plan';
import type { TaperStepLimitFinding } from './taper-step-limits';
import type { WithdrawalChecklist } from '../alerts/alert-contracts';

export interface CheckUp {
  id: string;
  patientId: string;
  at: string;
  modifiedAshworth: ModifiedAshworthScore;
  /** 0 (no effect) to 10 (best), the patient's own rating. */
  patientRating: number;
  note: string | null;
  createdAt: string;
}

/** A plan is active until a clinician ends it: completed (re-introduced as planned) or cancelled. Never deleted. */
export const TAPER_PLAN_STATUSES = ['active', 'completed', 'cancelled'] as const;
export type TaperPlanStatus = (typeof TAPER_PLAN_STATUSES)[number];

export interface TaperPlanRecord {
  id: string;
  patientId: string;
  status: TaperPlanStatus;
  startsAt: string;
  steps: TaperPlan['steps'];
  bridge: TaperPlan['bridge'];
  reintroductionDoseMcgPerDay: number;
  note: string | null;
  /** The oral bridge dose the latest creatinine clearance calls for, beside the plan's own (never applied automatically). */
  bridgeAdvice: BridgeDoseAdvice;
  /** Steps beyond the clinic's limits when the plan was created (larger cut, step to 0, too close); empty: within the limits. */
  stepLimitFindings: TaperStepLimitFinding[];
  /** Why the plan goes beyond the limits (required at creation when `stepLimitFindings` is not empty). */
  stepLimitOverrideReason: string | null;
  /** The withdrawal checklist to confirm when the plan goes beyond the limits; null otherwise. */
  withdrawalChecklist: WithdrawalChecklist | null;
  endedAt: string | null;
  endNote: string | null;
  createdAt: string;
}

/** POST /api/patients/:id/taper-plans/:planId/end */
export const endTaperPlanSchema = z.strictObject({
  outcome: z.enum(['completed', 'cancelled'], { message: "must be 'completed' or 'cancelled'" }),
  note: clinicText(2000, { min: 1, minMessage: 'is required: say how the holiday ended' }),
});
export type EndTaperPlanRequest = z.infer<typeof endTaperPlanSchema>;

/** Per clinic; the defaults come from the clinical-safety configuration. */
export interface ClinicalSafetySettings {
  clinicId: string;
  labsIntervalMonths: number;
  reviewIntervalMonths: number;
  /** A cut of more than this below the highest daily dose in force in the previous 24 h is abrupt. */
  abruptReductionPercent: number;
  /** Taper steps closer than this (hours) need `stepLimitOverrideReason`. */
  taperStepMinSpacingHours: number;
}

export const CLINICAL_SAFETY_SETTING_DEFAULTS = {
  labsIntervalMonths: RENAL_CONFIG.defaultLabsIntervalMonths,
  reviewIntervalMonths: CHECK_UP_CONFIG.defaultReviewIntervalMonths,
  abruptReductionPercent: DOSE_CHANGE_CONFIG.abruptReductionFraction * 100,
  taperStepMinSpacingHours: DOSE_CHANGE_CONFIG.taperStepMinSpacingHours,
} as const;

const months = z
  .number({ message: 'must be a number' })
  .int('must be whole months')
  .min(1, 'must be at least 1')
  .max(60, 'must be at most 60');

/** PUT /api/clinics/:id/clinical-safety-settings: any of the three; at least one. */
export const updateClinicalSafetySettingsSchema = z
  .strictObject({
    labsIntervalMonths: months.optional(),
    reviewIntervalMonths: months.optional(),
    abruptReductionPercent: z.number({ message: 'must be a number' }).min(5, 'must be at least 5').max(50, 'must be at most 50').optional(),
    // From 1 h (a clinic that steps twice a day on purpose) to a week; below 1 h spacing means nothing for a 24 h reduction limit.
    taperStepMinSpacingHours: z
      .number({ message: 'must be a number' })
      .min(1, 'must be at least 1')
      .max(168, 'must be at most 168')
      .optional(),
  })
  .refine((s) => Object.values(s).some((v) => v !== undefined), {
    message: 'needs at least one of labsIntervalMonths, reviewIntervalMonths, abruptReductionPercent, taperStepMinSpacingHours',
  });
export type UpdateClinicalSafetySettingsRequest = z.infer<typeof updateClinicalSafetySettingsSchema>;

/** One change of the patient's daily dose: a program (programmable pumps) or a fill's concentration (constant-flow pumps). */
export interface DoseHistoryEntry {
  at: string;
  doseMcgPerDay: number;
  source: 'program' | 'fill';
  sourceId: string;
  pumpId: string;
  pumpSerialNumber: string;
  doseChangeReason: string | null;
}

/** Each taper step is a task on the dashboard: done once a program at (about) its dose took effect from the plan's start on. */
export interface TaperTask {
  planId: string;
  stepIndex: number;
  at: string;
  targetDoseMcgPerDay: number;
  status: 'done' | 'due' | 'upcoming';
}

export interface ClinicalSummary {
  patient: Patient;
  clinic: { id: string; name: string; timeZone: string };
  now: string;
  /** Whole years now, in the clinic's zone. */
  ageYears: number;
  settings: ClinicalSafetySettings;
  renal: {
    /** Oldest first, for the trend chart. */
    results: LabResult[];
    latest: LabResult | null;
    /** What the rules find now (dose review, fall, labs due). */
    flags: RenalFlag[];
    labsDueAt: string | null;
    /** The Beers threshold applies to patients of `beersOlderAdultFromAgeYears` or older, on the eGFR. */
    thresholds: {
      doseReviewWarningBelowMlPerMin: number;
      doseReviewUrgentBelowMlPerMin: number;
      beersOlderAdultEgfrBelowMlPerMin173m2: number;
      beersOlderAdultFromAgeYears: number;
    };
    reliabilityNote: string;
  };
  neurotoxicity: NeurotoxicityRisk;
  /** Oldest first. */
  doseHistory: DoseHistoryEntry[];
  currentDoseMcgPerDay: number | null;
  /** The active plan, else the latest one (its line stays on the chart); null without any. */
  taperPlan: TaperPlanRecord | null;
  /** The plan's target daily dose from its start (the dose in force then) through each step: a step line on the dose chart. */
  plannedDoseLine: { at: string; doseMcgPerDay: number }[];
  /** Steps of the active plan. */
  taperTasks: TaperTask[];
  /** Oldest first; `modifiedAshworthValue` puts 1+ at 1.5 on the chart. */
  checkUps: (CheckUp & { modifiedAshworthValue: number })[];
  review: ReviewDue & { lastReviewAt: string | null; basis: 'check_up' | 'implant' | 'none'; intervalMonths: number };
  /** Newest first, the last 50. */
  sideEffects: SideEffectReport[];
}
