// Telemetry rows to the API's shapes.
import type { PumpEvent, ReservoirReconciliation, TelemetryReading } from '@pumpwatch/shared';
import { toIso, toIsoOrNull } from '../infra/iso';
import type { PumpEventEntity } from './pump-event.entity';
import type { ReservoirReconciliationEntity } from './reservoir-reconciliation.entity';
import type { TelemetryReadingEntity } from './telemetry-reading.entity';

export function toTelemetryReading(row: TelemetryReadingEntity): TelemetryReading {
  return {
    recordedAt: toIso(row.recordedAt),
    receivedAt: toIso(row.receivedAt),
    reservoirVolumeMl: row.reservoirVolumeMl,
    alarms: row.alarms,
    batteryStatus: row.batteryStatus,
    programDoseMcgPerDay: row.programDoseMcgPerDay,
    programConcentrationMcgPerMl: row.programConcentrationMcgPerMl,
    patientBolusCountTotal: row.patientBolusCountTotal === null ? null : Number(row.patientBolusCountTotal),
  };
}

export function toReservoirReconciliation(row: ReservoirReconciliationEntity): ReservoirReconciliation {
  return {
    fillId: row.fillId,
    pumpId: row.pumpId,
    filledAt: toIso(row.filledAt),
    previousFillId: row.previousFillId,
    previousFillVolumeMl: row.previousFillVolumeMl,
    nominalResidualMl: row.nominalResidualMl,
    worstCaseResidualMl: row.worstCaseResidualMl,
    patientBolusSource: row.patientBolusSource,
    patientBolusCount: row.patientBolusCount,
    patientBolusVolumeMl: row.patientBolusVolumeMl,
    expectedMinMl: row.expectedMinMl,
    expectedMaxMl: row.expectedMaxMl,
    expectedResidualMl: row.expectedResidualMl,
    expectedDeliveredMl: row.expectedDeliveredMl,
    aspiratedResidualMl: row.aspiratedResidualMl,
    differenceMl: row.differenceMl,
    maxDifferenceMl: row.maxDifferenceMl,
    flowAccuracyFraction: row.flowAccuracyFraction,
    flowAccuracyToleranceMl: row.flowAccuracyToleranceMl,
    flagged: row.flagged,
    reasons: row.reasons,
    direction: row.direction,
    createdAt: toIso(row.createdAt),
  };
}

export function toPumpEvent(row: PumpEventEntity): PumpEvent {
  return {
    id: row.id,
    pumpId: row.pumpId,
    kind: row.kind,
    at: toIso(row.at),
    note: row.note,
    recordedByLabel: row.recordedByLabel,
    createdAt: toIso(row.createdAt),
    clearedAt: toIsoOrNull(row.clearedAt),
    clearedByLabel: row.clearedByLabel,
    clearNote: row.clearNote,
  };
}
