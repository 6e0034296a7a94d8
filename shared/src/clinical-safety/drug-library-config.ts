// The default drug library (dose error reduction, as smart infusion pumps have): soft and hard limits per drug, each with its source.
// Imported by ../contracts for the request maxima, so it imports nothing but types.
import type { PumpModelId } from '../clinical-config';
import type { SpasticityOrigin } from './request-fields';

/** Above `soft` the write needs a reason; above `hard` it is refused whatever the reason. */
export interface SoftHardLimit {
  soft: number;
  hard: number;
}

/**
 * Concentrations a pump model may be filled with. Outside [min, max]: hard. Inside but not one of `labelledMcgPerMl` (a screening
 * strength or a compounded dilution): soft, a reason makes it deliberate; a tenfold slip (200 for 2000) lands here.
 */
export interface ConcentrationRule {
  labelledMcgPerMl: number[];
  minMcgPerMl: number;
  maxMcgPerMl: number;
}

export interface DrugLibrary {
  drug: 'baclofen';
  concentrations: Record<PumpModelId, ConcentrationRule>;
  /** The programmed daily dose (and each day-part step's rate), by spasticity origin; an unrecorded origin takes cerebral. */
  dailyDoseMcgPerDay: Record<SpasticityOrigin, SoftHardLimit>;
  /** One periodic (flex) bolus. */
  periodicBolusMcg: SoftHardLimit;
  /** One patient-activated bolus (myPTM / PTC). */
  patientBolusDoseMcg: SoftHardLimit;
  /** Patient boluses allowed per day. */
  patientBolusesPerDay: SoftHardLimit;
  /** Periodic boluses as a share of the programmed daily dose (0-1); soft only. */
  bolusShareOfDailyDose: { soft: number };
}

// Maintenance products on the labels: 500, 1000 and 2000 mcg/mL (Lioresal Intrathecal and Gablofen labeling, How Supplied).
const LABELLED_MAINTENANCE_MCG_PER_ML = [500, 1000, 2000];

/**
 * The library of the code. Its hard limits are also the bounds of every clinic's edits: an administrator may lower a hard limit
 * or move a soft one up to its hard limit, never raise a hard limit above these values.
 */
export const DEFAULT_DRUG_LIBRARY: DrugLibrary = {
  drug: 'baclofen',
  concentrations: {
    // SynchroMed II: Lioresal Intrathecal / Gablofen are labelled for it at 50 (screening), 500, 1000, 2000 mcg/mL (Lioresal Intrathecal / Gablofen labeling, How Supplied).
    // 50 mcg/mL is SOFT, not hard: it is a labelled strength (for screening), and a very low-dose patient may be filled with it on
    // purpose; a hard refusal would push that record out of PumpWatch, while a reason still stops a tenfold slip (50 for 500).
    'synchromed-ii-20': { labelledMcgPerMl: LABELLED_MAINTENANCE_MCG_PER_ML, minMcgPerMl: 50, maxMcgPerMl: 2000 },
    'synchromed-ii-40': { labelledMcgPerMl: LABELLED_MAINTENANCE_MCG_PER_ML, minMcgPerMl: 50, maxMcgPerMl: 2000 },
    // Prometra II: labelled for baclofen 500 to 2000 mcg/mL (Prometra II / Gablofen labeling, per issue 13; unverified against the
    // device manual), so 50 mcg/mL is a concentration the model is not labelled for: hard.
    'prometra-ii-20': { labelledMcgPerMl: LABELLED_MAINTENANCE_MCG_PER_ML, minMcgPerMl: 500, maxMcgPerMl: 2000 },
    'prometra-ii-40': { labelledMcgPerMl: LABELLED_MAINTENANCE_MCG_PER_ML, minMcgPerMl: 500, maxMcgPerMl: 2000 },
    // Constant-flow pumps: no baclofen labeling found for these devices (unverified), so the drug label's 50-2000 mcg/mL range.
    'constant-flow': { labelledMcgPerMl: LABELLED_MAINTENANCE_MCG_PER_ML, minMcgPerMl: 50, maxMcgPerMl: 2000 },
  },
  dailyDoseMcgPerDay: {
    // Spinal: most maintained on 300-800, limited experience above 1000 (soft); highest reported maintenance about 2000 (hard)
    // (Lioresal Intrathecal label, "Maintenance therapy"; the 1000 wording unverified against the current label).
    spinal: { soft: 1000, hard: 2000 },
    // Cerebral: most maintained on 90-703 (soft above 703); highest reported maintenance about 1000 (hard) (Lioresal Intrathecal
    // label and Gablofen monograph; the 1000 unverified: the label's range for cerebral origin may reach higher).
    cerebral: { soft: 703, hard: 1000 },
  },
  // Twice the label's largest screening bolus (100 mcg) needs a reason; half the spinal daily maximum at once is refused
  // (PumpWatch defaults, unverified: no label or guideline gives a flex-bolus limit).
  periodicBolusMcg: { soft: 200, hard: 1000 },
  // The label's largest screening bolus (100 mcg) needs a reason; twice it is refused (PumpWatch defaults, unverified).
  patientBolusDoseMcg: { soft: 100, hard: 200 },
  // Mean 3.6 activations a day in one ITB series (CMSC 2015): more than 6 allowed needs a reason; more than one an hour is
  // refused (PumpWatch defaults, unverified).
  patientBolusesPerDay: { soft: 6, hard: 24 },
  // More than half the programmed daily dose as periodic boluses needs a reason: replacing continuous flow by one bolus keeps the
  // daily total but changes the peak (issue 13; PumpWatch default, unverified).
  bolusShareOfDailyDose: { soft: 0.5 },
};

/** The code's hard bounds: no clinic's library may allow more. */
export const DRUG_LIBRARY_BOUNDS = {
  doseMcgPerDay: Math.max(...Object.values(DEFAULT_DRUG_LIBRARY.dailyDoseMcgPerDay).map((l) => l.hard)),
  periodicBolusMcg: DEFAULT_DRUG_LIBRARY.periodicBolusMcg.hard,
  patientBolusDoseMcg: DEFAULT_DRUG_LIBRARY.patientBolusDoseMcg.hard,
  patientBolusesPerDay: DEFAULT_DRUG_LIBRARY.patientBolusesPerDay.hard,
  concentrationMcgPerMl: Math.max(...Object.values(DEFAULT_DRUG_LIBRARY.concentrations).map((c) => c.maxMcgPerMl)),
} as const;

/**
 * The request schemas' maxima (400 beyond): numbers that cannot be a dose at all, far beyond the code's hard bound.
 * Between the hard limit and these, the drug library refuses with 422 naming the field and the limit (issue 13: a tenfold typing error
 * such as 50,000 mcg/day is a hard-limit refusal the clinician reads as such, not a malformed request).
 */
export const DOSE_REQUEST_MAXIMA = {
  doseMcgPerDay: 50 * DRUG_LIBRARY_BOUNDS.doseMcgPerDay,
  periodicBolusMcg: 50 * DRUG_LIBRARY_BOUNDS.periodicBolusMcg,
  patientBolusDoseMcg: 50 * DRUG_LIBRARY_BOUNDS.patientBolusDoseMcg,
  patientBolusesPerDay: 4 * DRUG_LIBRARY_BOUNDS.patientBolusesPerDay,
  concentrationMcgPerMl: 25 * DRUG_LIBRARY_BOUNDS.concentrationMcgPerMl,
} as const;
