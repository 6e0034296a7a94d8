// Rules on what telemetry says about a pump: interrupted delivery, concentration and program mismatches, stale contact,
// reconciliation discrepancy, battery replacement, pending MRI check, the pump's reservoir estimate against the forecast.
import type { PumpModelId } from '../clinical-config';
import { checkAgainstLibrary } from '../clinical-safety/drug-library';
import type { DrugLibrary } from '../clinical-safety/drug-library';
import type { SpasticityOrigin } from '../clinical-safety/request-fields';
import type { ReportedReservoirComparison } from '../contracts';
import type { PumpTelemetryStatus } from '../telemetry/pump-telemetry-status';
import { PUMP_ALARM_CATALOG } from '../telemetry/telemetry-config';
import type { AlertFinding } from './alert-contracts';
import { clinicTime, ml } from './alert-format';

export interface TelemetryRuleInput {
  now: string;
  timeZone: string;
  telemetry: PumpTelemetryStatus;
  /** The forecast's comparison with the pump's latest reservoir estimate (issue 12); absent or null: nothing to compare. */
  forecast?: { reportedReservoir?: ReportedReservoirComparison | null };
  /** The clinic's drug library with what it needs of the pump and patient (issue 13); absent or null: not judged. */
  drugLibrary?: { library: DrugLibrary; modelId: PumpModelId; spasticityOrigin: SpasticityOrigin | null } | null;
}

const CHECK_PATIENT = 'Contact the patient now and check for early withdrawal signs.';

/** Critical, withdrawal risk: an active alarm that stops delivery (empty reservoir, motor stall, low-battery reset, ...). */
export function deliveryInterruptedFinding({ telemetry }: TelemetryRuleInput): AlertFinding | null {
  if (!telemetry.deliveryInterrupted) return null;
  const interrupting = telemetry.activeAlarms.filter((code) => PUMP_ALARM_CATALOG[code].interruptsDelivery);
  return {
    kind: 'delivery_interrupted',
    severity: 'critical',
    title: 'Withdrawal risk: pump delivery interrupted',
    message: `The pump reports ${interrupting.map((code) => PUMP_ALARM_CATALOG[code].label.toLowerCase()).join(', ')}: baclofen delivery has stopped. ${CHECK_PATIENT}`,
    facts: { activeAlarms: [...telemetry.activeAlarms], lastContactAt: telemetry.lastContactAt },
  };
}

/**
 * Critical, withdrawal risk and overdose risk: the pump converts the programmed dose to volume with the keyed concentration, so
 * it delivers filled/keyed times the prescribed dose. Lower means withdrawal, higher means overdose; say both, the keyed value
 * itself may be the error.
 */
export function concentrationMismatchFinding({ telemetry }: TelemetryRuleInput): AlertFinding | null {
  const mismatch = telemetry.concentrationMismatch;
  if (!mismatch) return null;
  const percentOfPrescribed = Math.round((mismatch.fillConcentrationMcgPerMl / mismatch.keyedConcentrationMcgPerMl) * 100);
  const likely = percentOfPrescribed < 100 ? 'too little baclofen: withdrawal' : 'too much baclofen: overdose';
  return {
    kind: 'concentration_mismatch',
    severity: 'critical',
    title: 'Withdrawal or overdose risk: concentration mismatch',
    message:
      `The pump is programmed for ${mismatch.keyedConcentrationMcgPerMl} mcg/mL but the reservoir was filled with ` +
      `${mismatch.fillConcentrationMcgPerMl} mcg/mL: it delivers about ${percentOfPrescribed}% of the prescribed dose (${likely}). ` +
      'A concentration mismatch can cause withdrawal (underdose) or overdose: check the patient for both and correct the pump now.',
    facts: {
      keyedConcentrationMcgPerMl: mismatch.keyedConcentrationMcgPerMl,
      fillConcentrationMcgPerMl: mismatch.fillConcentrationMcgPerMl,
      percentOfPrescribedDose: percentOfPrescribed,
      recordedAt: mismatch.recordedAt,
    },
  };
}

/** Warning: a pump that reported regularly fell silent; usually the gateway, and the forecast rules still watch the refill. */
export function telemetryStaleFinding({ telemetry, timeZone }: TelemetryRuleInput): AlertFinding | null {
  if (!telemetry.stale) return null;
  const since = telemetry.lastContactAt ? ` since ${clinicTime(telemetry.lastContactAt, timeZone)}` : '';
  return {
    kind: 'telemetry_stale',
    severity: 'warning',
    title: 'No telemetry from the pump',
    message: `No reading${since} (more than ${telemetry.staleAfterHours} h). Check the patient's gateway; alarms would not reach PumpWatch meanwhile.`,
    facts: { lastContactAt: telemetry.lastContactAt, staleAfterHours: telemetry.staleAfterHours },
  };
}

/** Urgent: the pump delivers another daily dose than the program on record (a programming error under- or overdoses). */
export function programMismatchFinding({ telemetry }: TelemetryRuleInput): AlertFinding | null {
  const mismatch = telemetry.programMismatch;
  if (!mismatch) return null;
  return {
    kind: 'program_mismatch',
    severity: 'urgent',
    title: 'Pump program differs from the record',
    message:
      `The pump reports ${mismatch.reportedDoseMcgPerDay} mcg/day; the program on record is ${mismatch.programDoseMcgPerDay} mcg/day. ` +
      'Check the pump programming against the prescription.',
    facts: {
      reportedDoseMcgPerDay: mismatch.reportedDoseMcgPerDay,
      programDoseMcgPerDay: mismatch.programDoseMcgPerDay,
      recordedAt: mismatch.recordedAt,
    },
  };
}

/**
 * Urgent: aspirated residual far from the expected one at the latest refill (ASRA 2017: investigate beyond 2 mL or the device
 * accuracy). Less than expected suggests over-infusion, which can empty the pump before its calculated alarm (FA596).
 */
export function reconciliationDiscrepancyFinding({ telemetry }: TelemetryRuleInput): AlertFinding | null {
  const discrepancy = telemetry.reconciliationDiscrepancy;
  if (!discrepancy) return null;
  const suggests =
    discrepancy.differenceMl < 0
      ? 'less than expected: over-infusion, the pump may run dry before its calculated alarm'
      : 'more than expected: under-delivery, a stalled pump or a catheter problem';
  const drift = telemetry.reconciliationDrift ? ' The same direction was found at the previous refill.' : '';
  return {
    kind: 'reconciliation_discrepancy',
    severity: 'urgent',
    title: 'Reservoir reconciliation discrepancy',
    message:
      `At the refill of the ${discrepancy.filledAt.slice(0, 10)} ${ml(discrepancy.aspiratedResidualMl)} was aspirated against ` +
      `${ml(discrepancy.expectedResidualMl)} expected (${suggests}). Investigate the pump and catheter.${drift}`,
    facts: {
      fillId: discrepancy.fillId,
      filledAt: discrepancy.filledAt,
      expectedResidualMl: discrepancy.expectedResidualMl,
      aspiratedResidualMl: discrepancy.aspiratedResidualMl,
      differenceMl: discrepancy.differenceMl,
      reconciliationDrift: telemetry.reconciliationDrift,
    },
  };
}

/**
 * Urgent once the pump reported its elective replacement indicator (it stops about 90 days later) or the booking date passed;
 * warning from telemetry's replacement warning date (at ERI, or 3 months before an estimated battery end).
 */
export function replacementDueFinding({ telemetry, now, timeZone }: TelemetryRuleInput): AlertFinding | null {
  const nowMs = Date.parse(now);
  const reported = telemetry.batteryStatus === 'eri' || telemetry.batteryStatus === 'end_of_service';
  const bookingPassed = telemetry.replacementDueBy !== null && Date.parse(telemetry.replacementDueBy) <= nowMs;
  const warningDue = telemetry.replacementWarningAt !== null && Date.parse(telemetry.replacementWarningAt) <= nowMs;
  if (!reported && !bookingPassed && !warningDue) return null;
  const stop = telemetry.expectedStopAt ? ` It is expected to stop by ${clinicTime(telemetry.expectedStopAt, timeZone)}.` : '';
  const bookBy = telemetry.replacementDueBy ? ` Book the replacement by ${clinicTime(telemetry.replacementDueBy, timeZone)}.` : '';
  const basis = reported
    ? `The pump reported ${telemetry.batteryStatus === 'eri' ? 'its elective replacement indicator' : 'end of service'}.`
    : telemetry.replacementEstimated
      ? "The battery end is estimated from the implant date and the model's typical battery life (unverified)."
      : 'The pump battery nears its end.';
  return {
    kind: 'replacement_due',
    severity: reported || bookingPassed ? 'urgent' : 'warning',
    title: 'Pump replacement due',
    message: `${basis}${stop}${bookBy}`,
    facts: {
      batteryStatus: telemetry.batteryStatus,
      eriAt: telemetry.eriAt,
      expectedStopAt: telemetry.expectedStopAt,
      replacementDueBy: telemetry.replacementDueBy,
      replacementEstimated: telemetry.replacementEstimated,
    },
  };
}

/** Urgent: after an MRI the pump must be checked (a Prometra valve stops flow in strong magnetic fields until reset). */
export function mriCheckFinding({ telemetry }: TelemetryRuleInput): AlertFinding | null {
  if (!telemetry.mriCheckPending) return null;
  return {
    kind: 'mri_check_pending',
    severity: 'urgent',
    title: 'Pump check after MRI pending',
    message: 'An MRI was recorded and the post-MRI pump check has not been cleared: confirm the pump delivers again.',
    facts: { pendingMriEventIds: [...telemetry.pendingMriEventIds] },
  };
}

/**
 * Urgent: the pump's own reservoir estimate (calculated from what it was programmed and filled with) differs from the forecast at the
 * same instant by more than the clinic's tolerance (default the larger of 2 mL and 10%): the record of programs, boluses or fills
 * differs from what the pump does. While the pump reports less, the refill deadline counts from its volume (see forecastPump).
 */
export function reservoirDiscrepancyFinding({ forecast, timeZone }: TelemetryRuleInput): AlertFinding | null {
  const compared = forecast?.reportedReservoir ?? null;
  if (!compared || !compared.discrepancy) return null;
  const lower = compared.differenceMl < 0;
  const suggests = lower
    ? 'Less than forecast suggests more delivered than on record (a higher programmed dose, boluses not on record) or less drug put in ' +
      'than the fill records: the pump may run dry before the forecast says. Until this is resolved the refill deadline counts from the lower volume.'
    : 'More than forecast suggests less delivered than on record (a lower programmed dose, a pause or stall) or more drug put in than the ' +
      'fill records: check the patient for under-dosing.';
  return {
    kind: 'reservoir_discrepancy',
    severity: 'urgent',
    title: 'Pump reservoir differs from the forecast',
    message:
      `At ${clinicTime(compared.recordedAt, timeZone)} the pump reported ${ml(compared.reportedVolumeMl)} in its reservoir; ` +
      `PumpWatch forecast ${ml(compared.forecastVolumeMl)} for that moment (${ml(Math.abs(compared.differenceMl))} ${lower ? 'less' : 'more'}, ` +
      `beyond the ${ml(compared.allowedDifferenceMl)} allowed). The record of programs, boluses or fills differs from what the pump does. ` +
      `${suggests} Check the pump's program and reservoir volume against the record.`,
    facts: {
      recordedAt: compared.recordedAt,
      reportedVolumeMl: compared.reportedVolumeMl,
      forecastVolumeMl: compared.forecastVolumeMl,
      differenceMl: compared.differenceMl,
      allowedDifferenceMl: compared.allowedDifferenceMl,
    },
  };
}

/**
 * Critical: the pump reports a daily dose or a keyed concentration beyond a hard limit of the clinic's drug library (issue 13): a
 * tenfold programming error overdoses, a concentration the model is not labelled for under- or overdoses. Soft limits never alert
 * here: they were confirmed with a reason when the program or fill was recorded.
 */
export function outsideDrugLibraryFinding({ telemetry, drugLibrary }: TelemetryRuleInput): AlertFinding | null {
  const reported = telemetry.reportedProgram;
  if (!drugLibrary || !reported || (!reported.doseMcgPerDay && !reported.concentrationMcgPerMl)) return null;
  const check = checkAgainstLibrary(drugLibrary.library, {
    modelId: drugLibrary.modelId,
    spasticityOrigin: drugLibrary.spasticityOrigin,
    concentrationMcgPerMl: reported.concentrationMcgPerMl?.value ?? null,
    concentrationField: 'programConcentrationMcgPerMl',
    dailyDoses: reported.doseMcgPerDay ? [{ field: 'programDoseMcgPerDay', doseMcgPerDay: reported.doseMcgPerDay.value }] : [],
  });
  if (check.hard.length === 0) return null;
  return {
    kind: 'outside_drug_library',
    severity: 'critical',
    title: 'Pump outside the drug library',
    message:
      `The pump reports a setting beyond the drug library's hard limits. ${check.hard.map((v) => v.message).join('; ')}. ` +
      'A programming or concentration error can overdose or underdose: check the patient and the pump programming now.',
    facts: {
      fields: check.hard.map((v) => v.field),
      reportedDoseMcgPerDay: reported.doseMcgPerDay?.value ?? null,
      reportedConcentrationMcgPerMl: reported.concentrationMcgPerMl?.value ?? null,
      limits: check.hard.map((v) => `${v.field} > ${v.limit} ${v.unit}`),
      recordedAt:
        [reported.doseMcgPerDay?.recordedAt, reported.concentrationMcgPerMl?.recordedAt]
          .filter((at): at is string => !!at)
          .sort()
          .slice(-1)[0] ?? null,
    },
  };
}

export const TELEMETRY_RULES = [
  deliveryInterruptedFinding,
  concentrationMismatchFinding,
  telemetryStaleFinding,
  programMismatchFinding,
  reconciliationDiscrepancyFinding,
  replacementDueFinding,
  mriCheckFinding,
  reservoirDiscrepancyFinding,
  outsideDrugLibraryFinding,
] as const;
