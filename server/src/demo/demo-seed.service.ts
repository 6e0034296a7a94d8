// Seeds the demo clinic and one demo account per role on an empty database when demo mode is on, in one transaction.
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DAY_MS, type ClinicRole } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../auth/actor';
import { hashPassword } from '../auth/passwords';
import { ClinicEntity } from '../clinics/clinic.entity';
import { EventLogService } from '../events/event-log.service';
import { FillEntity } from '../fills/fill.entity';
import { APP_OPTIONS } from '../infra/app-options';
import type { AppOptions } from '../infra/app-options';
import { Clock } from '../infra/clock';
import { PatientEntity } from '../patients/patient.entity';
import { ProgramEntity } from '../programs/program.entity';
import { PumpEntity } from '../pumps/pump.entity';
import { ReservoirReconciliationService } from '../telemetry/reservoir-reconciliation.service';
import { ClinicMembershipEntity } from '../users/clinic-membership.entity';
import { UserEntity } from '../users/user.entity';
import { buildDemoFleet, DemoFleet } from './demo-fleet';
import { seedDemoClinicalData } from '../clinical-safety/demo-clinical-data';

/** Any constant shared by all instances: two servers starting together seed once. */
const DEMO_SEED_LOCK = 7_316_001;

/** Published in the README: members of the demo clinic only, never of a real one. */
export const DEMO_ACCOUNTS: readonly { role: ClinicRole; email: string; password: string; displayName: string }[] = [
  { role: 'admin', email: 'demo-admin@pumpwatch.example', password: 'demo-admin-password', displayName: 'Dana Admin (demo)' },
  {
    role: 'clinician',
    email: 'demo-clinician@pumpwatch.example',
    password: 'demo-clinician-password',
    displayName: 'Dr Chris Clinician (demo)',
  },
  {
    role: 'scheduler',
    email: 'demo-scheduler@pumpwatch.example',
    password: 'demo-scheduler-password',
    displayName: 'Sam Scheduler (demo)',
  },
  { role: 'staff', email: 'demo-staff@pumpwatch.example', password: 'demo-staff-password', displayName: 'Stacy Staff (demo)' },
];

@Injectable()
export class DemoSeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoSeed');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_OPTIONS) private readonly options: AppOptions,
    @Inject(Clock) private readonly clock: Clock,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
    private readonly reconciliations: ReservoirReconciliationService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.demo) return;
    const seeded = await this.seedIfEmpty();
    if (seeded > 0) {
      this.logger.log(`seeded the demo clinic with ${seeded} pumps`);
      this.logger.warn(`${DEMO_ACCOUNTS.length} demo accounts with published passwords exist: never use this database for real patients`);
    }
  }

  /** Returns the number of pumps seeded (0 when the database already has a clinic). */
  async seedIfEmpty(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [DEMO_SEED_LOCK]);
      if ((await manager.count(ClinicEntity)) > 0) return 0;
      const fleet = buildDemoFleet(this.clock.now());
      await manager.insert(ClinicEntity, fleet.clinic);
      await manager.insert(PatientEntity, fleet.patients);
      // Replaced pumps first: a successor references its predecessor.
      const ordered = [...fleet.pumps].sort((a, b) => Number(a.replacesPumpId !== null) - Number(b.replacesPumpId !== null));
      await manager.insert(PumpEntity, ordered);
      await manager.insert(FillEntity, fleet.fills);
      await manager.insert(ProgramEntity, fleet.programs);
      await this.reconcileRefills(manager, fleet);
      await seedDemoClinicalData(manager, fleet.clinic, fleet.patients, this.clock.now());
      const hashes = await Promise.all(DEMO_ACCOUNTS.map((account) => hashPassword(account.password)));
      for (const [i, account] of DEMO_ACCOUNTS.entries()) {
        const user = await manager.save(
          manager.create(UserEntity, {
            email: account.email,
            displayName: account.displayName,
            passwordHash: hashes[i],
            administersAllClinics: false,
            mustChangePassword: false,
            passwordChangedAt: this.clock.now(),
            isDemo: true,
          }),
        );
        await manager.insert(ClinicMembershipEntity, { userId: user.id, clinicId: fleet.clinic.id, role: account.role });
        if (account.role === 'clinician') await seedDemoRefillTeam(manager, fleet.clinic.id, user.id, this.clock.now());
      }
      await this.events.record(manager, {
        type: 'demo.seeded',
        clinicId: fleet.clinic.id,
        pumpId: null,
        payload: { pumps: fleet.pumps.length },
      });
      await this.audit.record(manager, SYSTEM_ACTOR, {
        action: 'demo.seeded',
        entityType: 'clinic',
        entityId: fleet.clinic.id,
        clinicId: fleet.clinic.id,
        changes: {
          pumps: { before: null, after: fleet.pumps.length },
          demoAccounts: { before: null, after: DEMO_ACCOUNTS.map((a) => a.email) },
        },
      });
      return fleet.pumps.length;
    });
  }

  /** Each refill with an aspirated residual is reconciled as the fills use case does when a nurse records one (issue 12). */
  private async reconcileRefills(manager: EntityManager, fleet: DemoFleet): Promise<void> {
    for (const pump of fleet.pumps) {
      const fills = fleet.fills.filter((f) => f.pumpId === pump.id).sort((a, b) => a.filledAt.getTime() - b.filledAt.getTime());
      const programs = fleet.programs.filter((p) => p.pumpId === pump.id);
      for (const [i, fill] of fills.entries()) {
        if (fill.aspiratedResidualMl === null) continue;
        await this.reconciliations.reconcileAtFill(manager, { pump, clinic: fleet.clinic, fills: fills.slice(0, i), programs }, fill);
      }
    }
  }
}

/** Weeks of on-call roster a demo starts with: a normal day has someone on call (and a fresh demo has no red "no one on call"). */
const DEMO_ON_CALL_WEEKS = 4;

/**
 * A refill team for the scheduler page: a nurse on weekday sessions, the demo clinician two mornings a week, one treatment room;
 * the demo clinician on call (primary, week-long shifts, the longest the roster allows) from yesterday for a few weeks.
 */
async function seedDemoRefillTeam(manager: EntityManager, clinicId: string, clinicianUserId: string, now: Date): Promise<void> {
  const team: {
    name: string;
    profession: 'nurse' | 'physician';
    userId: string | null;
    weekly: { weekday: number; start: string; end: string }[];
  }[] = [
    {
      name: 'Nurse Nina (demo)',
      profession: 'nurse',
      userId: null,
      weekly: [1, 2, 3, 4, 5].flatMap((weekday) => [
        { weekday, start: '08:00', end: '12:00' },
        { weekday, start: '13:20', end: '16:00' },
      ]),
    },
    {
      name: 'Dr Chris Clinician (demo)',
      profession: 'physician',
      userId: clinicianUserId,
      weekly: [2, 4].map((weekday) => ({ weekday, start: '09:00', end: '12:20' })),
    },
  ];
  for (const member of team) {
    const [row]: { id: string }[] = await manager.query(
      'INSERT INTO clinicians (clinic_id, display_name, profession, user_id) VALUES ($1, $2, $3, $4) RETURNING id',
      [clinicId, member.name, member.profession, member.userId],
    );
    await manager.query(
      `INSERT INTO clinician_availability (clinician_id, weekly, overrides, updated_at) VALUES ($1, $2::jsonb, '[]'::jsonb, now())`,
      [row.id, JSON.stringify(member.weekly)],
    );
    if (member.userId !== null) {
      const firstStartMs = now.getTime() - DAY_MS;
      for (let week = 0; week < DEMO_ON_CALL_WEEKS; week++) {
        await manager.query(
          `INSERT INTO on_call_shifts (clinic_id, clinician_id, tier, starts_at, ends_at) VALUES ($1, $2, 'primary', $3, $4)`,
          [clinicId, row.id, new Date(firstStartMs + week * 7 * DAY_MS), new Date(firstStartMs + (week + 1) * 7 * DAY_MS)],
        );
      }
    }
  }
  await manager.query(`INSERT INTO rooms (clinic_id, name) VALUES ($1, 'Treatment room 1')`, [clinicId]);
}
