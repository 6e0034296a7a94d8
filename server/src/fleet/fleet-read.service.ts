// Reads of the fleet read model: GET /api/pumps (rows, not histories), one pump's row, and the rows live delivery attaches to
// pump.changed. Every read first makes the rows current (the outbox caught up, rows the clock moved away from recomputed).
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { compareByUrgency, DomainError, FleetPump, foldForSearch } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { Actor, assertSees, visibleClinicIds } from '../auth/actor';
import { ClinicEntity } from '../clinics/clinic.entity';
import { lastCommittedEventId } from '../events/event-outbox';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { PumpEntity } from '../pumps/pump.entity';
import { FleetProjector } from './fleet-projector.service';
import { fleetRowAt } from './fleet-row.calculator';

export interface FleetFilter {
  clinicId?: string;
  q?: string;
}

/** GET /api/pumps: the rows and the highest event id they reflect (read before the rows). */
export interface FleetAnswer {
  lastEventId: number;
  pumps: FleetPump[];
}

interface StoredRow {
  row: FleetPump;
  version: string;
}

@Injectable()
export class FleetReadService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly projector: FleetProjector,
  ) {}

  /** The rows of these clinics (null: every clinic) reflect every committed event and are no further than the max age from `now`. */
  async ensureCurrent(now: Date, clinicIds: readonly string[] | null): Promise<void> {
    await this.projector.catchUp();
    await this.projector.refreshStale(now, { clinicIds });
  }

  /**
   * Every active pump the actor sees (of `clinicId` when given), most urgent first, urgency re-assessed now. `q` matches name, MRN,
   * serial and model regardless of accents and case: each word a substring of the folded search text (shared fleetRowMatchesQuery).
   */
  async fleetRows(actor: Actor, filter: FleetFilter): Promise<FleetAnswer> {
    const clinicIds = await this.clinicScope(actor, filter.clinicId);
    // Read before the rows: a socket resumed from it misses nothing, and the catch-up below reaches at least it.
    const lastEventId = await lastCommittedEventId(this.dataSource);
    const now = this.clock.now();
    await this.ensureCurrent(now, clinicIds);
    const words = foldForSearch(filter.q ?? '')
      .split(/\s+/)
      .filter((w) => w.length > 0);
    const stored: StoredRow[] = await this.dataSource.query(
      `SELECT row, version FROM fleet_rows
       WHERE ($1::uuid[] IS NULL OR clinic_id = ANY($1::uuid[]))
         AND NOT EXISTS (SELECT 1 FROM unnest($2::text[]) AS word WHERE strpos(search_text, word) = 0)`,
      [clinicIds, words],
    );
    const nowMs = now.getTime();
    const pumps = stored.map((s) => fleetRowAt(s.row, Number(s.version), nowMs));
    pumps.sort(
      (a, b) =>
        compareByUrgency(a, b, nowMs) || a.patient.displayName.localeCompare(b.patient.displayName) || a.pump.id.localeCompare(b.pump.id),
    );
    return { lastEventId, pumps };
  }

  /** GET /api/pumps/:id/fleet-row: the pump's row now; 404 `id` for an unknown, explanted or unseen pump (as GET /api/pumps/:id). */
  async fleetRow(actor: Actor, pumpId: string): Promise<FleetPump> {
    const pump = await this.dataSource.manager.findOneBy(PumpEntity, { id: pumpId });
    if (!pump) throw DomainError.notFound('id', 'is not a known pump');
    assertSees(actor, pump.clinicId, 'id', 'is not a known pump');
    if (pump.explantedAt) throw DomainError.notFound('id', 'is explanted: it has no fleet row');
    const now = this.clock.now();
    await this.projector.catchUp();
    await this.projector.refreshStale(now, { pumpIds: [pumpId] });
    const row = (await this.rowsOf([pumpId], now.getTime())).get(pumpId);
    if (!row) throw DomainError.notFound('id', 'is explanted: it has no fleet row');
    return row;
  }

  /**
   * For live delivery: the rows of these pumps once every event up to `eventId` is projected (null for a pump that left the fleet).
   * Rows the clock has moved away from are recomputed first.
   */
  async rowsThrough(eventId: number, pumpIds: readonly string[]): Promise<Map<string, FleetPump | null>> {
    await this.projector.catchUpTo(eventId);
    const now = this.clock.now();
    await this.projector.refreshStale(now, { pumpIds });
    const rows = await this.rowsOf(pumpIds, now.getTime());
    return new Map(pumpIds.map((id) => [id, rows.get(id) ?? null]));
  }

  private async rowsOf(pumpIds: readonly string[], nowMs: number): Promise<Map<string, FleetPump>> {
    const stored: (StoredRow & { pump_id: string })[] = await this.dataSource.query(
      'SELECT pump_id, row, version FROM fleet_rows WHERE pump_id = ANY($1::uuid[])',
      [pumpIds],
    );
    return new Map(stored.map((s) => [s.pump_id, fleetRowAt(s.row, Number(s.version), nowMs)]));
  }

  /** The clinics a fleet read covers: the one asked for (404 `clinicId` when unknown or unseen), else every clinic the actor sees. */
  async clinicScope(actor: Actor, clinicId: string | undefined): Promise<string[] | null> {
    if (clinicId === undefined) return visibleClinicIds(actor);
    if (!isUuid(clinicId) || !(await this.dataSource.manager.existsBy(ClinicEntity, { id: clinicId }))) {
      throw DomainError.notFound('clinicId', 'is not a known clinic');
    }
    assertSees(actor, clinicId, 'clinicId', 'is not a known clinic');
    return [clinicId];
  }
}
