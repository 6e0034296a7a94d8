// TypeORM options shared by the app and the migration tests: explicit entities and migrations, never synchronize.
import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { SessionEntity } from '../auth/session.entity';
import { ClinicianEntity } from '../clinicians/clinician.entity';
import { ClinicEntity } from '../clinics/clinic.entity';
import { FillEntity } from '../fills/fill.entity';
import { ImportBatchEntity } from '../imports/import-batch.entity';
import { MachineTokenEntity } from '../machine-tokens/machine-token.entity';
import { EscalationPolicyEntity } from '../on-call/escalation-policy.entity';
import { OnCallShiftEntity } from '../on-call/on-call-shift.entity';
import { PatientEntity } from '../patients/patient.entity';
import { ProgramEntity } from '../programs/program.entity';
import { PumpEntity } from '../pumps/pump.entity';
import { TELEMETRY_ENTITIES } from '../telemetry/telemetry.entities';
import { ClinicMembershipEntity } from '../users/clinic-membership.entity';
import { UserEntity } from '../users/user.entity';

export const ENTITIES = [
  ClinicEntity,
  PatientEntity,
  PumpEntity,
  FillEntity,
  ProgramEntity,
  UserEntity,
  ClinicMembershipEntity,
  SessionEntity,
  MachineTokenEntity,
  AuditEntryEntity,
  ...TELEMETRY_ENTITIES,
  ClinicianEntity,
  OnCallShiftEntity,
  EscalationPolicyEntity,
  ImportBatchEntity,
];

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

/**
 * What the running app uses, connected as its login role: the owner has already migrated (the role may only read the
 * migrations table) and installs any extension, which the role may not create.
 */
export function appDataSourceOptions(appDatabaseUrl: string): DataSourceOptions {
  return { ...dataSourceOptions(appDatabaseUrl), migrationsRun: false, installExtensions: false } as DataSourceOptions;
}
