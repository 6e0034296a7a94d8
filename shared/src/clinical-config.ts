// Clinical and device numbers PumpWatch relies on, each with its primary source (all listed in docs/clinical-sources.md).

/** Models PumpWatch knows; the alarm volume is a default, the clinician sets it per pump. */
export type PumpModelId = 'synchromed-ii-20' | 'synchromed-ii-40' | 'prometra-ii-20' | 'prometra-ii-40' | 'constant-flow';

export interface PumpModel {
  id: PumpModelId;
  name: string;
  manufacturer: string;
  /** null: from the device label, per pump (constant-flow pumps). */
  reservoirCapacityMl: number | null;
  defaultLowReservoirAlarmMl: number;
  programmable: boolean;
  source: string;
  /** Labeled flow accuracy as a fraction of the volume delivered (+/-); null when no source gives it (reservoir reconciliation then uses the 2 mL rule alone). */
  flowAccuracyFraction: number | null;
  /** Typical battery life, the low end (plan early); null without a battery or without a source. An estimate only: marked unverified wherever shown. */
  typicalBatteryLifeYears: number | null;
}

export const PUMP_MODELS: Record<PumpModelId, PumpModel> = {
  // Medtronic SynchroMed II 8637-20: 20 mL reservoir, recommended low-reservoir alarm 2 mL (Medtronic labeling).
  'synchromed-ii-20': {
    id: 'synchromed-ii-20',
    name: 'SynchroMed II 20 mL',
    manufacturer: 'Medtronic',
    reservoirCapacityMl: 20,
    defaultLowReservoirAlarmMl: 2,
    programmable: true,
    source: 'Medtronic SynchroMed II labeling (8637-20); alarm 2 mL recommended, 4 mL used by some clinics (Neurosurgery 2004)',
    // Flow accuracy about +/-14.5% (Medtronic spec; HK MDD and ECRI alerts 2014). Battery typically 5-7 years (Medtronic drug pump replacement page).
    flowAccuracyFraction: 0.145,
    typicalBatteryLifeYears: 5,
  },
  // Medtronic SynchroMed II 8637-40: 40 mL reservoir, recommended low-reservoir alarm 2 mL (Medtronic labeling).
  'synchromed-ii-40': {
    id: 'synchromed-ii-40',
    name: 'SynchroMed II 40 mL',
    manufacturer: 'Medtronic',
    reservoirCapacityMl: 40,
    defaultLowReservoirAlarmMl: 2,
    programmable: true,
    source: 'Medtronic SynchroMed II labeling (8637-40); alarm 2 mL recommended, 4 mL used by some clinics (Neurosurgery 2004)',
    // Flow accuracy about +/-14.5% (Medtronic spec; HK MDD and ECRI alerts 2014). Battery typically 5-7 years (Medtronic drug pump replacement page).
    flowAccuracyFraction: 0.145,
    typicalBatteryLifeYears: 5,
  },
  // Flowonix Prometra II 20 mL: "date of next refill" is when the volume reaches 3.0 mL (Prometra PTC guide).
  'prometra-ii-20': {
    id: 'prometra-ii-20',
    name: 'Prometra II 20 mL',
    manufacturer: 'Flowonix',
    reservoirCapacityMl: 20,
    defaultLowReservoirAlarmMl: 3,
    programmable: true,
    source: 'Flowonix Prometra II PTC guide: next refill at 3.0 mL assuming every allotted bolus is delivered',
    // Flow accuracy and battery life: no source found (unverified), so no tolerance and no battery estimate.
    flowAccuracyFraction: null,
    typicalBatteryLifeYears: null,
  },
  // Flowonix Prometra II 40 mL: same 3.0 mL next-refill volume (Prometra PTC guide).
  'prometra-ii-40': {
    id: 'prometra-ii-40',
    name: 'Prometra II 40 mL',
    manufacturer: 'Flowonix',
    reservoirCapacityMl: 40,
    defaultLowReservoirAlarmMl: 3,
    programmable: true,
    source: 'Flowonix Prometra II PTC guide: next refill at 3.0 mL assuming every allotted bolus is delivered',
    // Flow accuracy and battery life: no source found (unverified), so no tolerance and no battery estimate.
    flowAccuracyFraction: null,
    typicalBatteryLifeYears: null,
  },
  // Codman 3000 / Archimedes: fixed flow from the device label, no programs; 2 mL alarm is PumpWatch's default (unverified for these devices).
  'constant-flow': {
    id: 'constant-flow',
    name: 'Constant-flow pump',
    manufacturer: 'Codman / Archimedes',
    reservoirCapacityMl: null,
    defaultLowReservoirAlarmMl: 2,
    programmable: false,
    source: 'Constant-flow pumps: capacity and flow from the device label; alarm default unverified',
    // No battery; flow varies with body temperature and ambient pressure, coefficients unverified (no accuracy figure).
    flowAccuracyFraction: null,
    typicalBatteryLifeYears: null,
  },
};

export const PUMP_MODEL_IDS = Object.keys(PUMP_MODELS) as PumpModelId[];

/** Per-pump flow factor learnt from reconciled refills (issue 13; shared/src/forecast/flow-calibration.ts). */
export const FLOW_CALIBRATION_CONFIG = {
  // Prior weight, in refill intervals, of "delivers as programmed" (factor 1): normal-normal shrinkage with k = (per-interval
  // measurement SD / device SD)^2 = (0.05 / 0.0725)^2 ~ 0.5, taking the label's +/-14.5% as 2 SD (Medtronic spec) and one
  // aspiration as about 1 mL of 20 mL delivered (half the 2 mL reconciliation tolerance, ASRA 2017). PumpWatch estimate, unverified.
  priorWeightIntervals: 0.5,
  // Bound for models whose label gives no flow accuracy: SynchroMed II's +/-14.5% (Medtronic spec); unverified for other models.
  defaultBoundFraction: 0.145,
} as const;

export const DRUG_CONFIG = {
  // Maximum refill interval for intrathecal baclofen in the pump (Neuromodulation 2023 stability study; Medtronic 2004).
  defaultStabilityDays: 180,
  // Concentrations on the labels: 50 (screening), 500, 1000, 2000 mcg/mL (Lioresal Intrathecal, Gablofen labeling).
  labeledConcentrationsMcgPerMl: [50, 500, 1000, 2000],
} as const;

/** Fleet urgency bands, days before the refill deadline (same bands the alert rules use). */
export const URGENCY_CONFIG = {
  // Clinic horizon for a first warning; PumpWatch default, each clinic may change it (issue "Alerts that reach a person").
  warningDays: 21,
  // One week left: urgent (PumpWatch default).
  urgentDays: 7,
  // Two days left: critical, a withdrawal can follow within hours to days of an empty pump (FDA boxed warning).
  criticalDays: 2,
  // A pump without a forecast this long after implant or registration ranks with the critical ones and raises `no_forecast`: nobody
  // knows when it runs dry (issue 12; PumpWatch default, one day for the fill or program to be entered).
  noForecastCriticalAfterHours: 24,
} as const;

/**
 * Alert rule thresholds (issue 5); the refill bands (urgent 7 days, critical 2 days) are URGENCY_CONFIG's. The booking margin the
 * appointment rule applies is the clinic's own setting, defaulting to SCHEDULING_CONFIG.defaultBookingMarginDays (one source).
 */
export const ALERT_CONFIG = {
  // Clinic setting default for the first refill warning: the fleet's warning band; each clinic may change it (issue 5).
  defaultWarningHorizonDays: URGENCY_CONFIG.warningDays,
  // Worst-case empty this close is a withdrawal risk: once delivery stops, severe withdrawal progresses over 24-72 h (FDA boxed warning).
  withdrawalRiskEmptyWithinHours: 72,
  // Critical alerts cannot be hidden for longer than this (issue 5: "critical alerts cannot be snoozed past 1 h").
  criticalSnoozeMaxMinutes: 60,
  // Clinic setting default: the critical-alert sound repeats until acknowledged (IEC 60601-1-8: high-priority alarm signals repeat until acknowledged); the 60 s is PumpWatch's default.
  defaultAlertSoundRepeatSeconds: 60,
} as const;

/**
 * Signs of intrathecal baclofen withdrawal, earliest first: a withdrawal-risk alert carries them as a checklist
 * (FDA boxed warning and warnings of Lioresal Intrathecal / Gablofen: early signs include return of baseline spasticity,
 * pruritus, hypotension and paresthesias; then high fever, altered mental status, exaggerated rebound spasticity and muscle
 * rigidity, in rare cases advancing to rhabdomyolysis, multiple organ-system failure and death; the picture can resemble
 * autonomic dysreflexia).
 */
export const WITHDRAWAL_SIGNS = [
  'Return of spasticity',
  'Itching without rash',
  'Paresthesias',
  'Hypotension',
  'Goose bumps',
  'Labile blood pressure',
  'Tachycardia',
  'Autonomic dysreflexia (pounding headache, flushing, very high blood pressure)',
  'Fever',
  'Confusion or altered consciousness',
  'Hallucinations',
  'Seizures',
  'Muscle rigidity',
  'Rhabdomyolysis (dark urine, raised CK)',
] as const;

/** Patients at higher risk of severe withdrawal (FDA label): optional patient fields, shown on withdrawal-risk alerts. */
export const WITHDRAWAL_RISK_FACTOR_LABELS = {
  spinalCordInjuryT6OrAbove: 'Spinal cord injury at T6 or above',
  communicationDifficulty: 'Communication difficulty (may not report early signs)',
  previousWithdrawal: 'Previous baclofen withdrawal',
} as const;
