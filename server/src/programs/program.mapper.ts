// Program row to the API's Program shape and to the forecast's program input.
import type { ForecastProgramInput, Program } from '@pumpwatch/shared';
import { toIso } from '../infra/iso';
import type { ProgramEntity } from './program.entity';

export function toProgram(entity: ProgramEntity): Program {
  return {
    id: entity.id,
    pumpId: entity.pumpId,
    effectiveFrom: toIso(entity.effectiveFrom),
    steps: entity.steps,
    periodicBoluses: entity.periodicBoluses,
    patientBolus: entity.patientBolus,
    doseMcgPerDay: entity.doseMcgPerDay,
    doseChangeReason: entity.doseChangeReason ?? null,
    doseChangeContext: entity.doseChangeContext ?? null,
    limitOverrides: entity.limitOverrides ?? [],
    createdAt: toIso(entity.createdAt),
  };
}

export function toForecastProgram(entity: ProgramEntity): ForecastProgramInput {
  return {
    effectiveFrom: toIso(entity.effectiveFrom),
    steps: entity.steps,
    periodicBoluses: entity.periodicBoluses,
    patientBolus: entity.patientBolus,
  };
}
