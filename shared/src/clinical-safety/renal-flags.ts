// Kidney flags from a patient's creatinine results (dose review, fall from the previous result, labs due) and the neurotoxicity-risk badge.
import type { AlertFacts } from '../alerts/alert-contracts';
import { DomainError } from '../domain-error';
import { NEUROTOXICITY_CONFIG, RENAL_CONFIG } from './clinical-safety-config';
import { instantIn, instantMs } from './clinical-time';

/** What renalFlags needs of a stored lab result (`LabResult` fits). */
export interface RenalResult {
  takenAt: string;
  creatinineClearanceMlPerMin: number | null;
  egfrMlPerMin173m2: number | null;
}

export type RenalFlagKind = 'renal_dose_review' | 'renal_function_fall' | 'labs_due';

/** Which kidney value a flag was judged on: the clearance (Cockcroft-Gault) or the eGFR. */
export interface RenalFlagBasis {
  measure: 'CrCl' | 'eGFR';
  label: string;
  /** The latest value the flag used (a fall: the latest of the two). */
  value: number;
  unit: string;
  takenAt: string;
}

export interface RenalFlag {
  kind: RenalFlagKind;
  severity: 'warning' | 'urgent';
  title: string;
  message: string;
  facts: AlertFacts;
  /** null for labs due (no value judged). */
  basis: RenalFlagBasis | null;
}

export interface RenalFlagsInput {
  /** The patient's creatinine results, any order; results taken after `now` are ignored. */
  results: RenalResult[];
  now: string;
  /** The clinic's interval (default RENAL_CONFIG.defaultLabsIntervalMonths). */
  labsIntervalMonths?: number;
  /** The clinic's IANA zone for calendar months (default UTC). */
  timeZone?: string;
  /** The patient's age in whole years now; null or absent skips the older-adult (Beers) rule. */
  ageYears?: number | null;
}

/** Comparisons at a threshold ignore float noise below this (values are reported to 0.1). */
const EPSILON = 1e-9;

interface Measure {
  name: 'CrCl' | 'eGFR';
  label: string;
  unit: string;
  value: (r: RenalResult) => number | null;
}
const CRCL: Measure = {
  name: 'CrCl',
  label: 'Creatinine clearance (Cockcroft-Gault)',
  unit: 'mL/min',
  value: (r) => r.creatinineClearanceMlPerMin,
};
const EGFR: Measure = { name: 'eGFR', label: 'eGFR', unit: 'mL/min/1.73 m2', value: (r) => r.egfrMlPerMin173m2 };

function checkInterval(intervalMonths: number): void {
  if (!Number.isInteger(intervalMonths) || intervalMonths < 1)
    throw DomainError.rule('labsIntervalMonths', 'must be a whole number of months, at least 1');
}

/** The instant a result taken at `takenAt` stops counting as recent: `intervalMonths` calendar months later in `timeZone`. */
export function labsDueAt(takenAt: string, intervalMonths: number, timeZone = 'UTC'): string {
  checkInterval(intervalMonths);
  return instantIn('takenAt', takenAt, timeZone).plus({ months: intervalMonths }).toUTC().toISO() as string;
}

/**
 * Flags from the latest result (and the one before it): dose review below 50 mL/min (urgent below 30), a fall of more than 25%,
 * labs due when no result was taken within the interval. The clearance is used; the eGFR only when the clearance is not known.
 * For patients of 65 or older, an eGFR below 60 also raises the dose review (AGS Beers Criteria 2023, written on the eGFR) when the
 * 50/30 mL/min rule did not. Each flag says in `basis` which value it used.
 */
export function renalFlags(input: RenalFlagsInput): RenalFlag[] {
  const timeZone = input.timeZone ?? 'UTC';
  const intervalMonths = input.labsIntervalMonths ?? RENAL_CONFIG.defaultLabsIntervalMonths;
  checkInterval(intervalMonths);
  const nowMs = instantMs('now', input.now);
  const results = input.results
    .map((r, i) => ({ r, ms: instantMs(`results.${i}.takenAt`, r.takenAt) }))
    .filter((x) => x.ms <= nowMs)
    .sort((a, b) => b.ms - a.ms)
    .map((x) => x.r);
  const flags: RenalFlag[] = [];
  const latest = results[0];
  const previous = results[1];

  if (latest === undefined) {
    flags.push({
      kind: 'labs_due',
      severity: 'warning',
      title: 'Labs due',
      message: 'No serum creatinine is on record: order one (baclofen is cleared by the kidneys).',
      facts: { lastTakenAt: null, labsIntervalMonths: intervalMonths, dueAt: null },
      basis: null,
    });
    return flags;
  }

  const measure = CRCL.value(latest) !== null ? CRCL : EGFR.value(latest) !== null ? EGFR : null;
  const value = measure?.value(latest) ?? null;
  if (measure !== null && value !== null && value < RENAL_CONFIG.doseReviewWarningBelowMlPerMin) {
    const urgent = value < RENAL_CONFIG.doseReviewUrgentBelowMlPerMin;
    const threshold = urgent ? RENAL_CONFIG.doseReviewUrgentBelowMlPerMin : RENAL_CONFIG.doseReviewWarningBelowMlPerMin;
    const fallback = measure.name === 'eGFR' ? ' (creatinine clearance not computable, eGFR used)' : '';
    flags.push({
      kind: 'renal_dose_review',
      severity: urgent ? 'urgent' : 'warning',
      title: 'Renal: dose review',
      message:
        `${measure.label} ${value} ${measure.unit} on ${latest.takenAt.slice(0, 10)} is below ${threshold}${fallback}: baclofen accumulates when the kidneys fail; ` +
        'review the dose and any oral bridge, and watch for drowsiness or confusion.',
      facts: {
        measure: measure.name,
        valueMlPerMin: value,
        thresholdMlPerMin: threshold,
        takenAt: latest.takenAt,
        rule: urgent ? 'below_30' : 'below_50',
      },
      basis: basisOf(measure, value, latest.takenAt),
    });
  } else {
    const egfr = EGFR.value(latest);
    const age = input.ageYears ?? null;
    if (
      egfr !== null &&
      age !== null &&
      age >= RENAL_CONFIG.beersOlderAdultFromAgeYears &&
      egfr < RENAL_CONFIG.beersOlderAdultEgfrBelowMlPerMin173m2
    ) {
      const threshold = RENAL_CONFIG.beersOlderAdultEgfrBelowMlPerMin173m2;
      flags.push({
        kind: 'renal_dose_review',
        severity: 'warning',
        title: 'Renal: dose review (older adult)',
        message:
          `eGFR ${egfr} ${EGFR.unit} on ${latest.takenAt.slice(0, 10)} is below ${threshold} at age ${age}: the AGS Beers Criteria 2023 advise avoiding ` +
          'baclofen in older adults with eGFR below 60 (encephalopathy); when it cannot be avoided, use the lowest effective dose and watch for ' +
          'altered mental status. Review the dose and any oral bridge.',
        facts: {
          measure: EGFR.name,
          valueMlPerMin: egfr,
          thresholdMlPerMin: threshold,
          takenAt: latest.takenAt,
          rule: 'beers_older_adult',
          ageYears: age,
        },
        basis: basisOf(EGFR, egfr, latest.takenAt),
      });
    }
  }

  if (previous !== undefined) {
    const both = (m: Measure) => m.value(latest) !== null && m.value(previous) !== null;
    const fallMeasure = both(CRCL) ? CRCL : both(EGFR) ? EGFR : null;
    if (fallMeasure !== null) {
      const before = fallMeasure.value(previous) as number;
      const after = fallMeasure.value(latest) as number;
      const fall = before > 0 ? (before - after) / before : 0;
      if (fall > RENAL_CONFIG.functionFallFraction + EPSILON) {
        const percent = Math.round(fall * 1000) / 10;
        flags.push({
          kind: 'renal_function_fall',
          severity: 'warning',
          title: 'Renal: function falling',
          message:
            `${fallMeasure.label} fell ${percent}% from ${before} to ${after} ${fallMeasure.unit} (${previous.takenAt.slice(0, 10)} to ${latest.takenAt.slice(0, 10)}), ` +
            `more than ${RENAL_CONFIG.functionFallFraction * 100}%: look for the cause and review the dose.`,
          facts: {
            measure: fallMeasure.name,
            previousValue: before,
            latestValue: after,
            fallPercent: percent,
            previousTakenAt: previous.takenAt,
            latestTakenAt: latest.takenAt,
          },
          basis: basisOf(fallMeasure, after, latest.takenAt),
        });
      }
    }
  }

  const dueAt = labsDueAt(latest.takenAt, intervalMonths, timeZone);
  // The result stops counting once it is a full interval old (at dueAt itself).
  if (nowMs >= Date.parse(dueAt)) {
    flags.push({
      kind: 'labs_due',
      severity: 'warning',
      title: 'Labs due',
      message: `The last serum creatinine was taken on ${latest.takenAt.slice(0, 10)}, ${intervalMonths} months or more ago: order a new one.`,
      facts: { lastTakenAt: latest.takenAt, labsIntervalMonths: intervalMonths, dueAt },
      basis: null,
    });
  }
  return flags;
}

function basisOf(measure: Measure, value: number, takenAt: string): RenalFlagBasis {
  return { measure: measure.name, label: measure.label, value, unit: measure.unit, takenAt };
}

export type NeurotoxicityRiskReason = 'age' | 'kidney_function';

export interface NeurotoxicityRisk {
  /** Show the badge. */
  atRisk: boolean;
  reasons: NeurotoxicityRiskReason[];
  /** The badge's tooltip; null when not at risk. */
  message: string | null;
}

/** The patient page badge: 65 or older, or latest creatinine clearance below 50 mL/min (unknown clearance is not a reason). */
export function neurotoxicityRisk(input: { ageYears: number; latestCrClMlPerMin: number | null }): NeurotoxicityRisk {
  const reasons: NeurotoxicityRiskReason[] = [];
  const parts: string[] = [];
  if (input.ageYears >= NEUROTOXICITY_CONFIG.riskAgeYears) {
    reasons.push('age');
    parts.push(`aged ${input.ageYears} (${NEUROTOXICITY_CONFIG.riskAgeYears} or older)`);
  }
  if (input.latestCrClMlPerMin !== null && input.latestCrClMlPerMin < NEUROTOXICITY_CONFIG.riskBelowCrClMlPerMin) {
    reasons.push('kidney_function');
    parts.push(`creatinine clearance ${input.latestCrClMlPerMin} mL/min (below ${NEUROTOXICITY_CONFIG.riskBelowCrClMlPerMin})`);
  }
  return {
    atRisk: reasons.length > 0,
    reasons,
    message:
      reasons.length === 0
        ? null
        : `Neurotoxicity risk: ${parts.join(', ')}. Confusion, drowsiness or memory problems may be baclofen accumulating.`,
  };
}
