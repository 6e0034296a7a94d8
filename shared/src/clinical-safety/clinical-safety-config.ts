// Clinical numbers of the clinical-safety rules (kidneys, neurotoxicity, tolerance, dose changes, tapers, check-ups), each with its source.
import type { DoseChangeContext } from './dose-guard';
import type { SpasticityOrigin } from './labs-contracts';

/** Creatinine units, kidney-function thresholds and the labs interval. */
export const RENAL_CONFIG = {
  // 1 mg/dL of creatinine = 88.4 umol/L (creatinine molar mass 113.12 g/mol; KDIGO 2012 CKD guideline, units).
  creatinineUmolPerLPerMgPerDl: 88.4,
  // Cockcroft-Gault and CKD-EPI are adult equations (NIDDK: CKD-EPI for ages 18 and older); children get bedside Schwartz.
  adultAgeYears: 18,
  // Issue 7: CrCl below 50 mL/min raises "renal: dose review" (baclofen is ~70-85% excreted unchanged by the kidneys: Lioresal tablets label,
  // clinical pharmacology; Vlavonou, J Clin Pharmacol 2014).
  doseReviewWarningBelowMlPerMin: 50,
  // Issue 7: urgent below 30 mL/min, where the oral dose is cut by 2/3 (Vlavonou, J Clin Pharmacol 2014).
  doseReviewUrgentBelowMlPerMin: 30,
  // Issue 7: a fall of more than 25% from the previous result (PumpWatch threshold; clinically unverified).
  functionFallFraction: 0.25,
  // Issue 7 clinic setting default: a creatinine result at least every 12 months.
  defaultLabsIntervalMonths: 12,
  // Typing-error bounds for a serum creatinine (8.8-2652 umol/L); a unit mix-up (80 mg/dL, 0.9 umol/L) falls outside (PumpWatch default).
  plausibleCreatinineMgPerDl: { min: 0.1, max: 30 },
  // AGS Beers Criteria 2023, Table 6 (J Am Geriatr Soc 2023;71:2052): "Avoid baclofen in older adults with impaired kidney function
  // (eGFR <60 mL/min). When baclofen cannot be avoided, use the lowest effective dose and monitor for signs of CNS toxicity"; the
  // criteria apply to adults 65 and older. The criterion is written on the eGFR, so this flag uses the eGFR, never the clearance.
  beersOlderAdultEgfrBelowMlPerMin173m2: 60,
  beersOlderAdultFromAgeYears: 65,
} as const;

/** Coefficients of the creatinine equations. */
export const CREATININE_EQUATIONS = {
  // Cockcroft-Gault: CrCl = (140 - age) x weight kg / (72 x SCr mg/dL), x 0.85 if female (Cockcroft & Gault, Nephron 1976;16:31).
  cockcroftGault: { ageFromYears: 140, divisor: 72, femaleFactor: 0.85 },
  // CKD-EPI 2021 race-free: 142 x min(SCr/k,1)^a x max(SCr/k,1)^-1.200 x 0.9938^age x 1.012 if female (Inker, NEJM 2021;385:1737).
  ckdEpi2021: {
    constant: 142,
    kappa: { female: 0.7, male: 0.9 },
    alpha: { female: -0.241, male: -0.302 },
    exponentAboveKappa: -1.2,
    agePerYearFactor: 0.9938,
    femaleFactor: 1.012,
  },
  // Bedside Schwartz for children: eGFR = 0.413 x height cm / SCr mg/dL (Schwartz, J Am Soc Nephrol 2009;20:629).
  bedsideSchwartz: { k: 0.413 },
} as const;

/** KDIGO GFR categories, highest first: the first whose lower bound the eGFR reaches (KDIGO 2012/2024 CKD guideline, GFR categories). */
export const KDIGO_GFR_STAGES = [
  { stage: 'G1', fromMlPerMin173m2: 90 },
  { stage: 'G2', fromMlPerMin173m2: 60 },
  { stage: 'G3a', fromMlPerMin173m2: 45 },
  { stage: 'G3b', fromMlPerMin173m2: 30 },
  { stage: 'G4', fromMlPerMin173m2: 15 },
  { stage: 'G5', fromMlPerMin173m2: 0 },
] as const;

export const NEUROTOXICITY_CONFIG = {
  // Issue 7: 65 or older shows the neurotoxicity-risk badge (older patients are more sensitive to baclofen's CNS effects).
  riskAgeYears: 65,
  // Issue 7: a mental-status change is urgent ("possible neurotoxicity") when the latest CrCl is below 50 mL/min (baclofen accumulates).
  riskBelowCrClMlPerMin: 50,
} as const;

export const TOLERANCE_CONFIG = {
  // Operational definition of tolerance: a rise of more than 100 mcg/day per year (Heetla, Spinal Cord 2009;47:751).
  increaseAboveMcgPerDay: 100,
  windowMonths: 12,
} as const;

export const DOSE_CHANGE_CONFIG = {
  // Largest increase within 24 h: titration after implant spinal +30% / cerebral +15%, adjustment at a refill +40% / +20%
  // (Lioresal Intrathecal and Gablofen labeling, Dosage and Administration: maintenance dose adjustments).
  escalationLimitFraction: {
    post_implant_titration: { spinal: 0.3, cerebral: 0.15 },
    refill_adjustment: { spinal: 0.4, cerebral: 0.2 },
  } satisfies Record<DoseChangeContext, Record<SpasticityOrigin, number>>,
  // Origin not recorded: the stricter (cerebral) limits apply, and the finding says so (issue 7).
  unknownOriginUses: 'cerebral' as SpasticityOrigin,
  // Issue 7 default step: a cut of more than 20% below the highest dose in force in the previous 24 h is abrupt (labels allow -10-20% for side effects).
  abruptReductionFraction: 0.2,
  // Issue 7: changes are compared with the doses in force during the previous 24 h (titration at most once per 24 h, labeling).
  previousWindowHours: 24,
  // A program matches its taper step within 2% or 1 mcg/day, whichever is larger: flex steps rarely land on the exact mcg (PumpWatch default).
  taperDoseToleranceFraction: 0.02,
  taperDoseToleranceMcgPerDay: 1,
  // Clinic setting default: taper steps at least 24 h apart, so that no 24 h window holds two cuts (the labels allow dose changes
  // "only once every 24 hours" during titration: Lioresal Intrathecal label, Dosage and Administration; applied to cuts by PumpWatch).
  taperStepMinSpacingHours: 24,
} as const;

/** Re-introduction after a drug holiday (tolerance lost during the holiday makes the old dose an overdose risk). */
export const REINTRODUCTION_CONFIG = {
  // Days after re-introduction the patient carries an "overdose watch" (PumpWatch default, unverified: the labels ask for close
  // monitoring after dose changes and name no number of days; the week covers the first titration steps of once per 24 h).
  overdoseWatchDays: 7,
  // Overdose signs to watch for (Lioresal Intrathecal label, Overdosage: drowsiness, lightheadedness, dizziness, somnolence,
  // respiratory depression, seizures, rostral progression of hypotonia, loss of consciousness progressing to coma).
  overdoseSigns: [
    'Respiratory depression',
    'Drowsiness or somnolence',
    'Hypotonia (rising floppiness)',
    'Dizziness or lightheadedness',
    'Seizures',
    'Loss of consciousness',
  ],
} as const;

export const ORAL_BRIDGE_CONFIG = {
  // Oral baclofen cut by kidney function (Vlavonou, J Clin Pharmacol 2014;54:584): none above 80 mL/min, 1/3 at 50-80,
  // 1/2 at 30 to under 50, 2/3 below 30 (a boundary value takes the milder band, as the 50 mL/min dose-review threshold does).
  noReductionAboveCrClMlPerMin: 80,
  renalReductionBands: [
    { fromCrClMlPerMin: 50, reductionFraction: 1 / 3 },
    { fromCrClMlPerMin: 30, reductionFraction: 1 / 2 },
    { fromCrClMlPerMin: 0, reductionFraction: 2 / 3 },
  ],
  // Typing-error bound: the tablet label's maximum is 80 mg/day and higher off-label doses are reported; above 150 is taken as an error (PumpWatch default, unverified).
  maxDoseMgPerDay: 150,
} as const;

/** Modified Ashworth Scale grades, lowest to highest tone (Bohannon & Smith, Phys Ther 1987). */
export const MODIFIED_ASHWORTH_SCORES = ['0', '1', '1+', '2', '3', '4'] as const;

export const CHECK_UP_CONFIG = {
  // Issue 7 clinic setting default: a clinical review at least every 6 months.
  defaultReviewIntervalMonths: 6,
  // "Review due" shows this long before the due date so the visit can be booked (PumpWatch default).
  reviewDueSoonDays: 30,
  // The patient's own rating of the effect: 0 (none) to 10 (best) (issue 7).
  patientRatingMax: 10,
} as const;

export const SIDE_EFFECT_CONFIG = {
  // Lowest severity at which a report counts as a mental-status change: confusion, memory problems and altered mental status always
  // (encephalopathy of baclofen accumulation), sedation always (lowered consciousness is an overdose sign, Lioresal Intrathecal label);
  // drowsiness only when severe (the commonest expected dose-related effect; PumpWatch decision).
  mentalStatusFromSeverity: {
    confusion: 'mild',
    memory_problems: 'mild',
    altered_mental_status: 'mild',
    sedation: 'mild',
    drowsiness: 'severe',
  },
  // A report of the same kind older than this no longer makes a new one "not new" (PumpWatch default, unverified).
  sameKindLookbackDays: 30,
} as const;
