// GET /api/pumps from the fleet read model: the caller's clinics, the rows made current, then one page (or every row) in SQL.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { FLEET_PAGE_DEFAULT_LIMIT, FleetPage, FleetQuery } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { lastCommittedEventId } from '../events/event-outbox';
import { Clock } from '../infra/clock';
import { fleetPageOf } from './fleet-page.query';
import { FleetReadService } from './fleet-read.service';

@Injectable()
export class FleetPageService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly reads: FleetReadService,
  ) {}

  /** Paged (`limit` or `cursor` given): one FleetPage. Otherwise every row in the asked order, in the same page shape. */
  async page(actor: Actor, query: FleetQuery): Promise<{ paged: boolean; page: FleetPage }> {
    const clinicIds = await this.reads.clinicScope(actor, query.clinicId);
    // Read before the rows: a socket resumed from it misses nothing, and the catch-up below reaches at least it.
    const lastEventId = await lastCommittedEventId(this.dataSource);
    const now = this.clock.now();
    await this.reads.ensureCurrent(now, clinicIds);
    const paged = query.limit !== undefined || query.cursor !== undefined;
    const page = await fleetPageOf(
      this.dataSource,
      {
        clinicIds,
        q: query.q,
        urgencies: query.urgency,
        sort: query.sort ?? 'urgency',
        direction: query.dir ?? 'ascending',
        limit: paged ? (query.limit ?? FLEET_PAGE_DEFAULT_LIMIT) : null,
        cursor: query.cursor,
      },
      now,
      lastEventId,
    );
    return { paged, page };
  }
}
