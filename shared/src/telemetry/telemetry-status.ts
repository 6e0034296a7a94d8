// Derives a pump's telemetry status (PumpTelemetryStatus) from the facts the server loads: pure, `now` passed in.
import { DateTime } from 'luxon';
import { PUMP_MODELS, PumpModelId } from '../clinical-config';
import type { BatteryStatus, PumpAlarmCode, PumpTelemetryStatus, ReconciliationDiscrepancy } from './pump-telemetry-status';
import { reconciliationTrend, ReconciliationTrendPoint } from './reservoir-reconciliation';
import { ClinicTelemetrySettings, PUMP_ALARM_CATALOG, TELEMETRY_CONFIG } from './telemetry-config';
import { DAY_MS, HOUR_MS } from '../time-units';

/** A reported value and the reading it came from. */
export interface Reported<T> {
  value: T;
  recordedAt: string;
}

export interface PumpTelemetryFacts {
  pumpId: string;
  modelId: PumpModelId;
  /** Calendar date in the clinic's zone. */
  implantDate: string;
  timeZone: string;
  settings: ClinicTelemetrySettings;
  lastContactAt: string | null;
  readingsLast7Days: number;
  /** Readings in the 7 days up to the last contact (the last one included). */
  readingsInWindowBeforeLastContact: number;
  latestBatteryStatus: Reported<BatteryStatus> | null;
  /** Latest reading that reported the alarms field (an empty list clears earlier alarms). */
  latestAlarms: Reported<PumpAlarmCode[]> | null;
  latestProgramDoseMcgPerDay: Reported<number> | null;
  latestProgramConcentrationMcgPerMl: Reported<number> | null;
  /** Latest reading that reported a volume; one recorded at or before the fill in force no longer counts (the pump was refilled since). */
  latestReservoirVolumeMl: Reported<number> | null;
  /** First reading reporting ERI (battery status or alarm), and first reporting end of service. */
  firstEriAt: string | null;
  firstEndOfServiceAt: string | null;
  /** The program on record in force now (programmable pumps), with its effectiveFrom. */
  programInForce: { doseMcgPerDay: number; effectiveFrom: string } | null;
  /** The fill in force now: its filledAt supersedes the reservoir alarms and volume of readings recorded at or before it. */
  fillInForce: { concentrationMcgPerMl: number; filledAt: string } | null;
  /** Reconciled refills, any order. */
  reconciliations: (ReconciliationTrendPoint &
    Omit<ReconciliationDiscrepancy, 'direction' | 'reasons'> &
    Pick<ReconciliationDiscrepancy, 'reasons'>)[];
  /** Uncleared MRI events, oldest first. */
  pendingMriEventIds: string[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Whether the reported dose differs from the record by more than the clinic's percentage or its mcg/day: either is enough. */
export function programDoseMismatch(
  reportedMcgPerDay: number,
  recordMcgPerDay: number,
  settings: Pick<ClinicTelemetrySettings, 'programMismatchTolerancePercent' | 'programMismatchToleranceMcgPerDay'>,
): boolean {
  const difference = Math.abs(reportedMcgPerDay - recordMcgPerDay);
  // 1e-9 absorbs floating-point noise (e.g. 100.00000000001 against 100).
  return (
    difference > settings.programMismatchToleranceMcgPerDay + 1e-9 ||
    difference > (recordMcgPerDay * settings.programMismatchTolerancePercent) / 100 + 1e-9
  );
}

export function deriveTelemetryStatus(facts: PumpTelemetryFacts, now: Date): PumpTelemetryStatus {
  const nowMs = now.getTime();
  const { settings } = facts;

  const lastContactMs = facts.lastContactAt === null ? null : Date.parse(facts.lastContactAt);
  const monitored = lastContactMs !== null && facts.readingsInWindowBeforeLastContact >= TELEMETRY_CONFIG.monitoredMinReadings;
  const stale = monitored && nowMs - (lastContactMs as number) > settings.staleAfterHours * HOUR_MS;

  // A fill recorded after a reading answers that reading's reservoir alarms and volume (issue 12): the reservoir was refilled since.
  // Other alarms (motor stall, ...) are about the pump itself and stay until a later reading clears them.
  const fillInForceMs = facts.fillInForce ? Date.parse(facts.fillInForce.filledAt) : null;
  const beforeFill = (recordedAt: string) => fillInForceMs !== null && Date.parse(recordedAt) <= fillInForceMs;
  const reportedAlarms = facts.latestAlarms ? [...new Set(facts.latestAlarms.value)] : [];
  const alarmsRefilled = facts.latestAlarms !== null && beforeFill(facts.latestAlarms.recordedAt);
  const activeAlarms = reportedAlarms.filter((code) => !(alarmsRefilled && PUMP_ALARM_CATALOG[code].clearedByRefill));
  const answeredCodes = reportedAlarms.filter((code) => !activeAlarms.includes(code));
  const alarmsAnsweredByRefill: PumpTelemetryStatus['alarmsAnsweredByRefill'] =
    answeredCodes.length > 0 && facts.latestAlarms && facts.fillInForce
      ? {
          codes: answeredCodes,
          recordedAt: iso(Date.parse(facts.latestAlarms.recordedAt)),
          filledAt: iso(Date.parse(facts.fillInForce.filledAt)),
        }
      : null;
  const reservoirVolume =
    facts.latestReservoirVolumeMl && !beforeFill(facts.latestReservoirVolumeMl.recordedAt) ? facts.latestReservoirVolumeMl : null;
  const deliveryInterrupted = activeAlarms.some((code) => PUMP_ALARM_CATALOG[code].interruptsDelivery);

  // A battery never recovers: the worst state any reading showed stands even if a later reading omits or contradicts it.
  let batteryStatus: BatteryStatus | null = facts.latestBatteryStatus?.value ?? null;
  if (facts.firstEndOfServiceAt) batteryStatus = 'end_of_service';
  else if (facts.firstEriAt && batteryStatus !== 'end_of_service') batteryStatus = 'eri';

  // Compared only when the reading was taken under the program / fill on record now: an older reading describes an older setting.
  let programMismatch: PumpTelemetryStatus['programMismatch'] = null;
  const dose = facts.latestProgramDoseMcgPerDay;
  if (
    dose &&
    facts.programInForce &&
    Date.parse(dose.recordedAt) >= Date.parse(facts.programInForce.effectiveFrom) &&
    programDoseMismatch(dose.value, facts.programInForce.doseMcgPerDay, settings)
  ) {
    programMismatch = {
      reportedDoseMcgPerDay: dose.value,
      programDoseMcgPerDay: facts.programInForce.doseMcgPerDay,
      recordedAt: dose.recordedAt,
    };
  }
  let concentrationMismatch: PumpTelemetryStatus['concentrationMismatch'] = null;
  const keyed = facts.latestProgramConcentrationMcgPerMl;
  if (
    keyed &&
    facts.fillInForce &&
    Date.parse(keyed.recordedAt) >= Date.parse(facts.fillInForce.filledAt) &&
    Math.abs(keyed.value - facts.fillInForce.concentrationMcgPerMl) > TELEMETRY_CONFIG.concentrationMismatchToleranceMcgPerMl
  ) {
    concentrationMismatch = {
      keyedConcentrationMcgPerMl: keyed.value,
      fillConcentrationMcgPerMl: facts.fillInForce.concentrationMcgPerMl,
      recordedAt: keyed.recordedAt,
    };
  }

  const sortedReconciliations = [...facts.reconciliations].sort((a, b) => Date.parse(a.filledAt) - Date.parse(b.filledAt));
  const latest = sortedReconciliations.length > 0 ? sortedReconciliations[sortedReconciliations.length - 1] : null;
  const reconciliationDiscrepancy: ReconciliationDiscrepancy | null =
    latest && latest.flagged && latest.direction
      ? {
          fillId: latest.fillId,
          filledAt: latest.filledAt,
          expectedResidualMl: latest.expectedResidualMl,
          aspiratedResidualMl: latest.aspiratedResidualMl,
          differenceMl: latest.differenceMl,
          direction: latest.direction,
          reasons: latest.reasons,
        }
      : null;
  const trend = reconciliationTrend(sortedReconciliations);

  const replacement = replacementPlan(facts);

  return {
    pumpId: facts.pumpId,
    lastContactAt: lastContactMs === null ? null : iso(lastContactMs),
    readingsLast7Days: facts.readingsLast7Days,
    monitored,
    stale,
    staleAfterHours: settings.staleAfterHours,
    batteryStatus,
    activeAlarms,
    deliveryInterrupted,
    programMismatch,
    concentrationMismatch,
    reconciliationDiscrepancy,
    replacementDueBy: replacement.dueByMs === null ? null : iso(replacement.dueByMs),
    replacementEstimated: replacement.estimated,
    eriAt: facts.firstEriAt === null ? null : iso(Date.parse(facts.firstEriAt)),
    expectedStopAt: replacement.stopMs === null ? null : iso(replacement.stopMs),
    replacementWarningAt: replacement.warningMs === null ? null : iso(replacement.warningMs),
    mriCheckPending: facts.pendingMriEventIds.length > 0,
    pendingMriEventIds: [...facts.pendingMriEventIds],
    reportedReservoirVolumeMl: reservoirVolume?.value ?? null,
    reportedReservoirVolumeAt: reservoirVolume ? iso(Date.parse(reservoirVolume.recordedAt)) : null,
    reconciliationDrift: trend.repeatedDrift,
    alarmsAnsweredByRefill,
    // A reading taken before the program or fill on record now describes an older setting (as for the mismatches above).
    reportedProgram: {
      doseMcgPerDay:
        dose && (!facts.programInForce || Date.parse(dose.recordedAt) >= Date.parse(facts.programInForce.effectiveFrom)) ? dose : null,
      concentrationMcgPerMl:
        keyed && (!facts.fillInForce || Date.parse(keyed.recordedAt) >= Date.parse(facts.fillInForce.filledAt)) ? keyed : null,
    },
  };
}

interface ReplacementPlan {
  stopMs: number | null;
  dueByMs: number | null;
  warningMs: number | null;
  estimated: boolean;
}

/**
 * From telemetry: the pump stops about 90 days after ERI (at once at end of service). Without it: the implant date plus the
 * model's typical battery life (low end, unverified), warned 3 months ahead. Either way the booking is due the clinic's margin before.
 */
export function replacementPlan(
  facts: Pick<PumpTelemetryFacts, 'firstEriAt' | 'firstEndOfServiceAt' | 'modelId' | 'implantDate' | 'timeZone' | 'settings'>,
): ReplacementPlan {
  const marginMs = facts.settings.replacementMarginDays * DAY_MS;
  const eriMs = facts.firstEriAt === null ? null : Date.parse(facts.firstEriAt);
  const endOfServiceMs = facts.firstEndOfServiceAt === null ? null : Date.parse(facts.firstEndOfServiceAt);
  if (eriMs !== null || endOfServiceMs !== null) {
    const afterEriMs = eriMs === null ? Number.POSITIVE_INFINITY : eriMs + TELEMETRY_CONFIG.eriToStopDays * DAY_MS;
    const stopMs = Math.min(afterEriMs, endOfServiceMs ?? Number.POSITIVE_INFINITY);
    return { stopMs, dueByMs: stopMs - marginMs, warningMs: Math.min(eriMs ?? stopMs, stopMs), estimated: false };
  }
  const lifeYears = PUMP_MODELS[facts.modelId].typicalBatteryLifeYears;
  if (lifeYears === null) return { stopMs: null, dueByMs: null, warningMs: null, estimated: false };
  const stopMs = estimatedBatteryEndMs(facts.implantDate, facts.timeZone, lifeYears);
  if (stopMs === null) return { stopMs: null, dueByMs: null, warningMs: null, estimated: false };
  return {
    stopMs,
    dueByMs: stopMs - marginMs,
    warningMs: stopMs - Math.max(TELEMETRY_CONFIG.estimatedReplacementWarningDays * DAY_MS, marginMs),
    estimated: true,
  };
}

const MAX_CACHED_BATTERY_ENDS = 50_000;
const batteryEndCache = new Map<string, number | null>();

/** Implant date (in the clinic's zone) plus the battery life; memoised because every evaluation of every pump asks it. */
function estimatedBatteryEndMs(implantDate: string, timeZone: string, lifeYears: number): number | null {
  const key = `${implantDate}|${timeZone}|${lifeYears}`;
  const cached = batteryEndCache.get(key);
  if (cached !== undefined) return cached;
  const implanted = DateTime.fromISO(implantDate, { zone: timeZone });
  const endMs = implanted.isValid ? implanted.plus({ years: lifeYears }).toMillis() : null;
  if (batteryEndCache.size >= MAX_CACHED_BATTERY_ENDS) batteryEndCache.clear();
  batteryEndCache.set(key, endMs);
  return endMs;
}
