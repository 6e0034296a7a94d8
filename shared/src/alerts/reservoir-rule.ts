// Rule: the reservoir is nearly empty (worst case empty within 72 h, or at or below the alarm volume): withdrawal risk.
import { ALERT_CONFIG } from '../clinical-config';
import type { ForecastStatus, ReportedReservoirComparison } from '../contracts';
import type { PumpTelemetryStatus } from '../telemetry/pump-telemetry-status';
import type { AlertFinding } from './alert-contracts';
import { clinicTime, ml } from './alert-format';
import { HOUR_MS } from '../time-units';

export interface ReservoirRuleInput {
  now: string;
  timeZone: string;
  forecast: {
    status: ForecastStatus;
    /** Nominal volume now. */
    volumeMl: number | null;
    worstCase: { emptyAt: string | null };
    lowReservoirAlarmMl: number;
    /** The pump's reported volume against the forecast (issue 12): with less reported, its worst-case empty instant counts too. */
    reportedReservoir?: Pick<ReportedReservoirComparison, 'lowerVolumeLevels'> | null;
  };
  /** The pump's own reservoir estimate and alarms, when telemetry is known. */
  telemetry: Pick<PumpTelemetryStatus, 'activeAlarms' | 'reportedReservoirVolumeMl'> | null;
}

export type ReservoirReason =
  | 'worst_case_empty_within_72h'
  | 'below_alarm_volume'
  | 'pump_reports_below_alarm_volume'
  | 'pump_low_reservoir_alarm'
  | 'reported_volume_empty_within_72h';

/**
 * "At or below" the alarm volume: the pump alarms when it reaches it. The pump's own alarm and estimate count as well, but
 * they are calculated from the programmed rate, so the forecast is checked whatever the pump says (Medtronic FSN FA596).
 */
export function reservoirFinding(input: ReservoirRuleInput): AlertFinding | null {
  const { forecast, telemetry, timeZone } = input;
  const reasons: ReservoirReason[] = [];
  const texts: string[] = [];
  const emptyAt = forecast.status === 'ok' ? forecast.worstCase.emptyAt : null;
  if (emptyAt !== null && Date.parse(emptyAt) - Date.parse(input.now) <= ALERT_CONFIG.withdrawalRiskEmptyWithinHours * HOUR_MS) {
    reasons.push('worst_case_empty_within_72h');
    texts.push(
      Date.parse(emptyAt) <= Date.parse(input.now)
        ? `the reservoir may be empty since ${clinicTime(emptyAt, timeZone)} (worst case, every allowed patient bolus taken)`
        : `the reservoir may run empty by ${clinicTime(emptyAt, timeZone)} (worst case, every allowed patient bolus taken)`,
    );
  }
  // While the pump reports less than the forecast beyond tolerance, the lower volume may empty first (issue 12).
  const lowerEmptyAt = forecast.status === 'ok' ? (forecast.reportedReservoir?.lowerVolumeLevels?.worstCase.emptyAt ?? null) : null;
  if (
    lowerEmptyAt !== null &&
    (emptyAt === null || Date.parse(lowerEmptyAt) < Date.parse(emptyAt)) &&
    Date.parse(lowerEmptyAt) - Date.parse(input.now) <= ALERT_CONFIG.withdrawalRiskEmptyWithinHours * HOUR_MS
  ) {
    reasons.push('reported_volume_empty_within_72h');
    texts.push(
      `${Date.parse(lowerEmptyAt) <= Date.parse(input.now) ? 'the reservoir may be empty since' : 'the reservoir may run empty by'} ` +
        `${clinicTime(lowerEmptyAt, timeZone)} (worst case, from the lower volume the pump reports)`,
    );
  }
  if (forecast.status === 'ok' && forecast.volumeMl !== null && forecast.volumeMl <= forecast.lowReservoirAlarmMl) {
    reasons.push('below_alarm_volume');
    texts.push(`about ${ml(forecast.volumeMl)} is left, at or below the ${ml(forecast.lowReservoirAlarmMl)} alarm volume`);
  }
  const reported = telemetry?.reportedReservoirVolumeMl ?? null;
  if (reported !== null && reported <= forecast.lowReservoirAlarmMl) {
    reasons.push('pump_reports_below_alarm_volume');
    texts.push(`the pump reports ${ml(reported)}, at or below the ${ml(forecast.lowReservoirAlarmMl)} alarm volume`);
  }
  if (telemetry?.activeAlarms.includes('low_reservoir')) {
    reasons.push('pump_low_reservoir_alarm');
    texts.push('the pump reports its low-reservoir alarm');
  }
  if (reasons.length === 0) return null;
  return {
    kind: 'reservoir_near_empty',
    severity: 'critical',
    title: 'Withdrawal risk: reservoir nearly empty',
    message: `${capitalise(texts.join('; '))}. Refill now and check the patient for early withdrawal signs.`,
    facts: {
      reasons,
      worstCaseEmptyAt: emptyAt,
      volumeMl: forecast.volumeMl,
      lowReservoirAlarmMl: forecast.lowReservoirAlarmMl,
      reportedReservoirVolumeMl: reported,
      reportedVolumeEmptyAt: lowerEmptyAt,
    },
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
