// Patient row to the API's Patient shape.
import type { Patient } from '@pumpwatch/shared';
import { toIso, toIsoDate } from '../infra/iso';
import type { PatientEntity } from './patient.entity';

export function toPatient(entity: PatientEntity): Patient {
  return {
    id: entity.id,
    clinicId: entity.clinicId,
    mrn: entity.mrn,
    displayName: entity.displayName,
    birthDate: toIsoDate(entity.birthDate),
    sex: entity.sex,
    weightKg: entity.weightKg,
    createdAt: toIso(entity.createdAt),
    spinalCordInjuryT6OrAbove: entity.spinalCordInjuryT6OrAbove,
    communicationDifficulty: entity.communicationDifficulty,
    previousWithdrawal: entity.previousWithdrawal,
    heightCm: entity.heightCm ?? null,
    spasticityOrigin: entity.spasticityOrigin ?? null,
  };
}
