// Pump row to the API's Pump shape and to the forecast's pump input.
import type { ForecastPumpInput, Pump } from '@pumpwatch/shared';
import { toIso, toIsoDate, toIsoOrNull } from '../infra/iso';
import type { PumpEntity } from './pump.entity';

export function toPump(entity: PumpEntity): Pump {
  return {
    id: entity.id,
    patientId: entity.patientId,
    clinicId: entity.clinicId,
    modelId: entity.modelId,
    serialNumber: entity.serialNumber,
    implantDate: toIsoDate(entity.implantDate),
    reservoirCapacityMl: entity.reservoirCapacityMl,
    lowReservoirAlarmMl: entity.lowReservoirAlarmMl,
    flowRateMlPerDay: entity.flowRateMlPerDay,
    explantedAt: toIsoOrNull(entity.explantedAt),
    explantReason: entity.explantReason,
    replacesPumpId: entity.replacesPumpId,
    createdAt: toIso(entity.createdAt),
  };
}

export function toForecastPump(entity: PumpEntity): ForecastPumpInput {
  return {
    id: entity.id,
    modelId: entity.modelId,
    lowReservoirAlarmMl: entity.lowReservoirAlarmMl,
    reservoirCapacityMl: entity.reservoirCapacityMl,
    flowRateMlPerDay: entity.flowRateMlPerDay,
  };
}
