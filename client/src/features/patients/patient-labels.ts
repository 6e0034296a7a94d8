// Patient fields in the clinic's words, for the patients list, the patient page and the patient form.
import type { Patient, Sex, SpasticityOrigin } from '@pumpwatch/shared';

export const RISK_FACTORS = ['spinalCordInjuryT6OrAbove', 'communicationDifficulty', 'previousWithdrawal'] as const;
export type RiskFactor = (typeof RISK_FACTORS)[number];

/** Short forms for the list and badges; the form uses the full label of the shared config. */
export const RISK_FACTOR_SHORT: Record<RiskFactor, string> = {
  spinalCordInjuryT6OrAbove: 'SCI T6 or above',
  communicationDifficulty: 'Communication difficulty',
  previousWithdrawal: 'Previous withdrawal',
};

export const SEX_TEXT: Record<Sex, string> = { female: 'female', male: 'male', other: 'other', unknown: 'unknown' };
export const SPASTICITY_ORIGIN_TEXT: Record<SpasticityOrigin, string> = { spinal: 'spinal', cerebral: 'cerebral' };

/** The risk factors recorded as present. */
export function presentRiskFactors(patient: Patient): RiskFactor[] {
  return RISK_FACTORS.filter((f) => patient[f] === true);
}

/** The risk factors never recorded (neither yes nor no). */
export function unrecordedRiskFactors(patient: Patient): RiskFactor[] {
  return RISK_FACTORS.filter((f) => patient[f] === null);
}

/** Whole years from the birth date to `today` (both `YYYY-MM-DD` in the clinic's calendar). */
export function ageInYears(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}
