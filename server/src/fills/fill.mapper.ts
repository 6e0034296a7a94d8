// Fill row to the API's Fill shape and to the forecast's fill input.
import type { Fill, ForecastFillInput } from '@pumpwatch/shared';
import { toIso } from '../infra/iso';
import type { FillEntity } from './fill.entity';

export function toFill(entity: FillEntity): Fill {
  return {
    id: entity.id,
    pumpId: entity.pumpId,
    filledAt: toIso(entity.filledAt),
    drug: entity.drug,
    concentrationMcgPerMl: entity.concentrationMcgPerMl,
    volumeMl: entity.volumeMl,
    aspiratedResidualMl: entity.aspiratedResidualMl,
    stabilityDays: entity.stabilityDays,
    bridgeBolus: entity.bridgeBolus,
    expectedResidualMl: entity.expectedResidualMl,
    patientBolusCountSinceLastFill: entity.patientBolusCountSinceLastFill ?? null,
    doseChangeReason: entity.doseChangeReason ?? null,
    limitOverrideReason: entity.limitOverrideReason ?? null,
    limitOverrides: entity.limitOverrides ?? [],
    createdAt: toIso(entity.createdAt),
  };
}

export function toForecastFill(entity: FillEntity): ForecastFillInput {
  return {
    id: entity.id,
    filledAt: toIso(entity.filledAt),
    concentrationMcgPerMl: entity.concentrationMcgPerMl,
    volumeMl: entity.volumeMl,
    stabilityDays: entity.stabilityDays,
    bridgeBolus: entity.bridgeBolus,
  };
}
