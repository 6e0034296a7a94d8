// Seeds the demo clinic on an empty database when demo mode is on, in one transaction.
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ClinicEntity } from '../clinics/clinic.entity';
import { EventLogService } from '../events/event-log.service';
import { FillEntity } from '../fills/fill.entity';
import { APP_OPTIONS } from '../infra/app-options';
import type { AppOptions } from '../infra/app-options';
import { Clock } from '../infra/clock';
import { PatientEntity } from '../patients/patient.entity';
import { ProgramEntity } from '../programs/program.entity';
import { PumpEntity } from '../pumps/pump.entity';
import { buildDemoFleet } from './demo-fleet';

/** Any constant shared by all instances: two servers starting together seed once. */
const DEMO_SEED_LOCK = 7_316_001;

@Injectable()
export class DemoSeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoSeed');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_OPTIONS) private readonly options: AppOptions,
    @Inject(Clock) private readonly clock: Clock,
    private readonly events: EventLogService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.demo) return;
    const seeded = await this.seedIfEmpty();
    if (seeded > 0) this.logger.log(`seeded the demo clinic with ${seeded} pumps`);
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
      await this.events.record(manager, { type: 'demo.seeded', clinicId: fleet.clinic.id, pumpId: null, payload: { pumps: fleet.pumps.length } });
      return fleet.pumps.length;
    });
  }
}
