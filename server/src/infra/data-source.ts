// TypeORM options shared by the app and the migration tests: explicit entities and migrations, never synchronize.
import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations';
import { ClinicEntity } from '../clinics/clinic.entity';
import { FillEntity } from '../fills/fill.entity';
import { PatientEntity } from '../patients/patient.entity';
import { ProgramEntity } from '../programs/program.entity';
import { PumpEntity } from '../pumps/pump.entity';

export const ENTITIES = [ClinicEntity, PatientEntity, PumpEntity, FillEntity, ProgramEntity];

export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations,
    migrationsRun: true,
    synchronize: false,
    logging: false,
    extra: { max: 10 },
  };
}
