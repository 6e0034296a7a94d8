// Clinic row to the API's Clinic shape.
import { defaultLocaleOf, type Clinic } from '@pumpwatch/shared';
import { toIso } from '../infra/iso';
import type { ClinicEntity } from './clinic.entity';

export function toClinic(entity: ClinicEntity): Clinic {
  return {
    id: entity.id,
    name: entity.name,
    timeZone: entity.timeZone,
    locale: entity.locale ?? defaultLocaleOf(entity.timeZone),
    createdAt: toIso(entity.createdAt),
  };
}
