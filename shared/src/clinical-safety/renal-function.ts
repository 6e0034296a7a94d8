// Kidney function from a serum creatinine: Cockcroft-Gault clearance, CKD-EPI 2021 or bedside Schwartz eGFR, KDIGO stage.
import { DateTime } from 'luxon';
import type { Sex } from '../contracts';
import { DomainError } from '../domain-error';
import { instantIn } from './clinical-time';
import { CREATININE_EQUATIONS, KDIGO_GFR_STAGES, RENAL_CONFIG } from './clinical-safety-config';
import type { CreatinineUnit } from './labs-contracts';

export type KdigoGfrStage = (typeof KDIGO_GFR_STAGES)[number]['stage'];
export type EgfrMethod = 'ckd_epi_2021' | 'bedside_schwartz';
/** The sexes the equations have coefficients for. */
export type EquationSex = 'female' | 'male';

export interface CreatininePatient {
  /** YYYY-MM-DD, as `Patient.birthDate`. */
  birthDate: string;
  sex: Sex;
  weightKg?: number | null;
  heightCm?: number | null;
}

export interface CreatinineInput {
  value: number;
  unit: CreatinineUnit;
  takenAt: string;
  patient: CreatininePatient;
  /** Weight and height at the lab; each wins over the patient's. */
  weightKg?: number | null;
  heightCm?: number | null;
  /** The clinic's IANA zone: the calendar day of `takenAt` for the age (default UTC). */
  timeZone?: string;
}

export interface CreatinineAssessment {
  serumCreatinineMgPerDl: number;
  /** Whole years at `takenAt`. */
  ageYears: number;
  creatinineClearanceMlPerMin: number | null;
  /** Why the clearance is null; null when computed. */
  creatinineClearanceReason: string | null;
  egfrMlPerMin173m2: number | null;
  egfrMethod: EgfrMethod | null;
  egfrReason: string | null;
  /** From the reported (1-decimal) eGFR, so the number and the stage shown agree. */
  kdigoStage: KdigoGfrStage | null;
  /** Always present: where creatinine-based estimates mislead. */
  reliabilityNote: string;
}

/** Where creatinine-based estimates mislead: shown beside every kidney-function number, also before any lab is recorded. */
export const LOW_MUSCLE_MASS_NOTE =
  'Creatinine-based estimates overestimate kidney function when muscle mass is low (spinal cord injury, paraplegia, amputation, ' +
  'long immobility): read normal-looking values with caution and consider cystatin C or a measured clearance before relying on them.';

export function creatinineMgPerDl(value: number, unit: CreatinineUnit): number {
  return unit === 'mg/dL' ? value : value / RENAL_CONFIG.creatinineUmolPerLPerMgPerDl;
}

/** Whole years from the birth date to the calendar day of `at` in `timeZone`; a 29 February birthday counts from 1 March in other years. */
export function ageInWholeYears(birthDate: string, at: string, timeZone = 'UTC'): number {
  const birth = DateTime.fromISO(birthDate, { zone: 'UTC' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birthDate) || !birth.isValid) throw DomainError.rule('birthDate', 'must be a date YYYY-MM-DD');
  const day = instantIn('takenAt', at, timeZone);
  const beforeBirthday = day.month < birth.month || (day.month === birth.month && day.day < birth.day);
  const age = day.year - birth.year - (beforeBirthday ? 1 : 0);
  if (age < 0) throw DomainError.rule('takenAt', `is before the patient's birth date (${birthDate})`);
  return age;
}

export function cockcroftGaultMlPerMin(input: {
  ageYears: number;
  weightKg: number;
  serumCreatinineMgPerDl: number;
  sex: EquationSex;
}): number {
  const cg = CREATININE_EQUATIONS.cockcroftGault;
  const clearance = ((cg.ageFromYears - input.ageYears) * input.weightKg) / (cg.divisor * input.serumCreatinineMgPerDl);
  return input.sex === 'female' ? clearance * cg.femaleFactor : clearance;
}

export function ckdEpi2021MlPerMin173m2(input: { ageYears: number; serumCreatinineMgPerDl: number; sex: EquationSex }): number {
  const eq = CREATININE_EQUATIONS.ckdEpi2021;
  const ratio = input.serumCreatinineMgPerDl / eq.kappa[input.sex];
  const egfr =
    eq.constant *
    Math.min(ratio, 1) ** eq.alpha[input.sex] *
    Math.max(ratio, 1) ** eq.exponentAboveKappa *
    eq.agePerYearFactor ** input.ageYears;
  return input.sex === 'female' ? egfr * eq.femaleFactor : egfr;
}

export function bedsideSchwartzMlPerMin173m2(input: { heightCm: number; serumCreatinineMgPerDl: number }): number {
  return (CREATININE_EQUATIONS.bedsideSchwartz.k * input.heightCm) / input.serumCreatinineMgPerDl;
}

export function kdigoStage(egfrMlPerMin173m2: number): KdigoGfrStage {
  for (const band of KDIGO_GFR_STAGES) if (egfrMlPerMin173m2 >= band.fromMlPerMin173m2) return band.stage;
  return 'G5';
}

/** Clearance and eGFR are reported to 0.1 mL/min; the creatinine in mg/dL to 0.01, as laboratories do. */
const round1 = (value: number): number => Math.round(value * 10) / 10;
const round2 = (value: number): number => Math.round(value * 100) / 100;

const positiveOrNull = (field: string, value: number | null | undefined): number | null => {
  if (value === null || value === undefined) return null;
  if (!Number.isFinite(value) || value <= 0) throw DomainError.rule(field, 'must be above 0');
  return value;
};

/** Everything computed from one serum creatinine: unrounded arithmetic, rounded outputs, a reason for each null. */
export function assessCreatinine(input: CreatinineInput): CreatinineAssessment {
  if (!Number.isFinite(input.value) || input.value <= 0) throw DomainError.rule('value', 'must be above 0');
  const scr = creatinineMgPerDl(input.value, input.unit);
  const ageYears = ageInWholeYears(input.patient.birthDate, input.takenAt, input.timeZone ?? 'UTC');
  const weightKg = positiveOrNull('weightKg', input.weightKg ?? input.patient.weightKg);
  const heightCm = positiveOrNull('heightCm', input.heightCm ?? input.patient.heightCm);
  const sex = input.patient.sex === 'female' || input.patient.sex === 'male' ? input.patient.sex : null;
  const adult = ageYears >= RENAL_CONFIG.adultAgeYears;
  const sexReason = `needs the patient's sex as female or male (recorded: ${input.patient.sex})`;

  let creatinineClearanceMlPerMin: number | null = null;
  let creatinineClearanceReason: string | null = null;
  if (!adult) {
    creatinineClearanceReason = `Cockcroft-Gault is an adult equation; the patient was ${ageYears} at the lab`;
  } else {
    const missing = [
      ...(sex === null ? [sexReason] : []),
      ...(weightKg === null ? ['needs a weight (none on the lab or the patient)'] : []),
    ];
    if (sex !== null && weightKg !== null) {
      creatinineClearanceMlPerMin = round1(cockcroftGaultMlPerMin({ ageYears, weightKg, serumCreatinineMgPerDl: scr, sex }));
    } else {
      creatinineClearanceReason = `Cockcroft-Gault ${missing.join('; ')}`;
    }
  }

  let egfrMlPerMin173m2: number | null = null;
  let egfrMethod: EgfrMethod | null = null;
  let egfrReason: string | null = null;
  if (adult) {
    if (sex !== null) {
      egfrMlPerMin173m2 = round1(ckdEpi2021MlPerMin173m2({ ageYears, serumCreatinineMgPerDl: scr, sex }));
      egfrMethod = 'ckd_epi_2021';
    } else {
      egfrReason = `CKD-EPI 2021 ${sexReason}`;
    }
  } else if (heightCm !== null) {
    egfrMlPerMin173m2 = round1(bedsideSchwartzMlPerMin173m2({ heightCm, serumCreatinineMgPerDl: scr }));
    egfrMethod = 'bedside_schwartz';
  } else {
    egfrReason = `the patient was ${ageYears} at the lab: CKD-EPI is an adult equation and bedside Schwartz needs a height`;
  }

  const childNote = adult ? '' : ' Under 18: no adult equation is used; bedside Schwartz assumes an enzymatic (IDMS-traceable) creatinine.';
  return {
    serumCreatinineMgPerDl: round2(scr),
    ageYears,
    creatinineClearanceMlPerMin,
    creatinineClearanceReason,
    egfrMlPerMin173m2,
    egfrMethod,
    egfrReason,
    kdigoStage: egfrMlPerMin173m2 === null ? null : kdigoStage(egfrMlPerMin173m2),
    reliabilityNote: LOW_MUSCLE_MASS_NOTE + childNote,
  };
}
