// Keeps the fleet read model (fleet_rows) current: a durable cursor over the event outbox, as the alert engine's, recomputing the
// rows of the pumps each committed event touches; and a refresh of rows the clock has moved away from (volume, telemetry age).
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventType } from '../events/event-log.service';
import { lastCommittedEventId, OutboxEvent, readEventsAfter } from '../events/event-outbox';
import { LiveEventRelay } from '../events/live-event-relay';
import { PgEventListener } from '../events/pg-event-listener';
import { Clock } from '../infra/clock';
import {
  FLEET_EVALUATION_WAIT_MS,
  FLEET_PROJECTION_EVENT_BATCH,
  FLEET_REBUILD_BACKLOG_EVENTS,
  FLEET_ROW_CHUNK,
  FLEET_ROW_MAX_AGE_SECONDS,
} from './fleet-config';
import { ComputedFleetRow, FleetRowCalculator } from './fleet-row.calculator';

/** Any constant shared by all instances, other than the alert engine's: one projection step at a time across the cluster. */
const FLEET_PROJECTION_LOCK = 7_316_015;
/** Held shared until commit by every transaction that bumps fleet_row_membership_changes (migration 1797010000000's trigger). */
const FLEET_ROW_MEMBERSHIP_LOCK = 7_316_016;

/** Events that concern every pump of their clinic: the demo seed inserts a fleet under one event; settings change every row. */
const WHOLE_CLINIC_EVENT_TYPES: readonly EventType[] = ['demo.seeded', 'clinic.settings_changed', 'clinic.drug_library_changed'];
/** Events that change no row: a snooze is per user; the cursor still passes them. */
const ROWLESS_EVENT_TYPES: readonly EventType[] = ['alert.snoozed', 'page.sent', 'on_call.changed'];

/** Which rows a refresh looks at: clinics (null: all), or only these pumps. */
export interface FleetRefreshScope {
  clinicIds?: readonly string[] | null;
  pumpIds?: readonly string[];
}

/** The patient an event concerns when it names no pump (patient records, patient alerts): that patient's active pumps change. */
function patientOf(event: OutboxEvent): string | null {
  const payload = event.payload as { patientId?: unknown; alert?: { patientId?: unknown } };
  if (typeof payload.patientId === 'string') return payload.patientId;
  if (typeof payload.alert?.patientId === 'string') return payload.alert.patientId;
  return null;
}

@Injectable()
export class FleetProjector implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('FleetProjector');
  private draining: Promise<void> | null = null;
  private wanted = false;
  private stopping = false;
  /** The cursor as this instance last read or moved it (another instance may have moved it further). */
  private projectedId = 0;
  private readonly waiters: { id: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  /** fleet_row_membership_changes as of this process's last look that left no active pump without its row (null: none yet). */
  private membershipChecked: number | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly calculator: FleetRowCalculator,
    private readonly listener: PgEventListener,
    private readonly relay: LiveEventRelay,
  ) {}

  onModuleInit(): void {
    this.listener.subscribe((event) => {
      if (event === null || !ROWLESS_EVENT_TYPES.includes(event.type)) this.kick();
    });
  }

  /** Catch up on what was committed while no instance projected (a restart; a fresh migration starts the cursor at 0). */
  onApplicationBootstrap(): void {
    this.kick();
  }

  /** A step under way finishes (or rolls back) before the database connections close; none starts after. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.draining?.catch(() => undefined);
  }

  /** Resolves once the cursor has reached the last event committed as of the call (read-your-writes for the fleet). */
  async catchUp(): Promise<void> {
    await this.catchUpTo(await lastCommittedEventId(this.dataSource));
  }

  /** Resolves once every event up to `eventId` is projected (by this instance or another). */
  async catchUpTo(eventId: number): Promise<void> {
    // Read, not remembered: another instance moves it too (and an operator may reset it to rebuild).
    this.projectedId = await this.readCursor(this.dataSource.manager);
    if (this.projectedId >= eventId) return;
    const reached = new Promise<void>((resolve, reject) => this.waiters.push({ id: eventId, resolve, reject }));
    this.processPendingEvents().catch(() => undefined);
    await reached;
  }

  /** Projects every event after the cursor; resolves when the outbox is caught up, including calls made meanwhile. */
  processPendingEvents(): Promise<void> {
    this.wanted = true;
    if (!this.draining) {
      this.draining = this.drain().then(
        () => {
          this.draining = null;
          // A call that arrived as the pass ended (after its last look, before this) gets its own pass.
          if (this.wanted) this.kick();
        },
        (error: Error) => {
          this.draining = null;
          this.rejectWaiters(error);
          throw error;
        },
      );
    }
    return this.draining;
  }

  /**
   * Recomputes the rows in `scope` computed more than `maxAgeSeconds` away from `now` (either way), and the rows of
   * active pumps that have none yet (or one under another clinic). Read without the lock first: usually nothing is due, and then
   * this reads no pump's data: the due rows come from an index range, rowless pumps are looked for only after a change that could
   * leave one (see rowlessPumps). Returns how many rows it computed.
   */
  async refreshStale(now: Date, scope: FleetRefreshScope = {}, maxAgeSeconds = FLEET_ROW_MAX_AGE_SECONDS): Promise<number> {
    const found = scope.pumpIds
      ? { due: await this.staleOrMissingOf(scope.pumpIds, now, maxAgeSeconds), checked: null }
      : await this.staleOrMissingIn(scope.clinicIds ?? null, now, maxAgeSeconds);
    for (let i = 0; i < found.due.length; i += FLEET_ROW_CHUNK) {
      const chunk = found.due.slice(i, i + FLEET_ROW_CHUNK);
      await this.withProjectionLock(async (manager) => {
        // Computed under the lock from data at least as new as the cursor: the rows reflect every event up to it.
        const cursor = await this.readCursor(manager);
        await this.project(manager, new Map(chunk.map((id) => [id, cursor])), now);
      });
    }
    // Every pump the check found rowless has its row now: later reads skip the check until the counter moves again (either way: a
    // restore sets it back to the backup's value; a concurrent read that remembers an older value costs one more check).
    if (found.checked !== null) this.membershipChecked = found.checked;
    return found.due.length;
  }

  /** These pumps, when active and without a row, or with one computed too far from `now` (bounded by the list: keys only). */
  private async staleOrMissingOf(pumpIds: readonly string[], now: Date, maxAgeSeconds: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT p.id FROM pumps p LEFT JOIN fleet_rows f ON f.pump_id = p.id
       WHERE p.id = ANY($1::uuid[]) AND p.explanted_at IS NULL
         AND (f.pump_id IS NULL OR f.clinic_id <> p.clinic_id
              OR f.computed_at < $2::timestamptz - make_interval(secs => $3) OR f.computed_at > $2::timestamptz + make_interval(secs => $3))
       ORDER BY p.id`,
      [pumpIds, now, maxAgeSeconds],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The rows of these clinics (null: every clinic) computed too far from `now`, by two ranges of fleet_rows (clinic_id, computed_at),
   * with the rowless pumps of any clinic when the membership counter has moved since this process last checked. `checked`: the
   * counter value the rowless pumps were looked for at, once no change it counts can still be invisible (null: not confirmed).
   */
  private async staleOrMissingIn(
    clinicIds: readonly string[] | null,
    now: Date,
    maxAgeSeconds: number,
  ): Promise<{ due: string[]; checked: number | null }> {
    const [stale]: { due: string[]; mark: string }[] = await this.dataSource.query(
      `SELECT ARRAY(
                SELECT pump_id FROM fleet_rows
                WHERE clinic_id = ANY(COALESCE($1::uuid[], ARRAY(SELECT id FROM clinics)))
                  AND computed_at < $2::timestamptz - make_interval(secs => $3)
                UNION ALL
                SELECT pump_id FROM fleet_rows
                WHERE clinic_id = ANY(COALESCE($1::uuid[], ARRAY(SELECT id FROM clinics)))
                  AND computed_at > $2::timestamptz + make_interval(secs => $3)
              )::text[] AS due,
              (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM fleet_row_membership_changes)::text AS mark`,
      [clinicIds, now, maxAgeSeconds],
    );
    const mark = Number(stale.mark);
    if (mark === this.membershipChecked) return { due: stale.due.sort(), checked: null };
    const rowless = await this.rowlessPumps();
    const due = [...new Set([...stale.due, ...rowless.ids])].sort();
    return { due, checked: rowless.settled ? mark : null };
  }

  /**
   * Active pumps without a row in their own clinic, of every clinic: the projector writes a row at each pump event, so normally none,
   * but a row can go missing behind it (a fresh read model, a restore, an operator's DELETE or TRUNCATE of fleet_rows, a pump
   * inserted or moved to another clinic in SQL). Every such change bumps the counter fleet_row_membership_changes in the database
   * (migration 1797010000000), so the result holds for the counter value read before it, for every instance, unless a transaction
   * that bumped it had not ended when this looked (`settled` false: the next read looks again).
   */
  private async rowlessPumps(): Promise<{ ids: string[]; settled: boolean }> {
    // Before the anti-join, in its own statement: a bumping transaction gone from pg_locks has committed (its locks are released
    // after it becomes visible) or rolled back, so the anti-join's later snapshot sees whatever it changed.
    const [locks]: { settled: boolean }[] = await this.dataSource.query(
      `SELECT NOT EXISTS (
         SELECT 1 FROM pg_locks
         WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND classid = 0 AND objid = $1 AND objsubid = 1
       ) AS settled`,
      [FLEET_ROW_MEMBERSHIP_LOCK],
    );
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT p.id FROM pumps p LEFT JOIN fleet_rows f ON f.pump_id = p.id
       WHERE p.explanted_at IS NULL AND (f.pump_id IS NULL OR f.clinic_id <> p.clinic_id)`,
    );
    return { ids: rows.map((r) => r.id), settled: locks.settled };
  }

  private kick(): void {
    if (this.stopping) return;
    this.processPendingEvents().catch((error: Error) =>
      this.logger.warn(`fleet projection after an event failed (the next event or read retries): ${error.message}`),
    );
  }

  private async drain(): Promise<void> {
    while (this.wanted && !this.stopping) {
      this.wanted = false;
      // The alert evaluation of the same events first (bounded): an alarm is decided without this step competing for the event loop
      // and the database, and the rows then also see the alerts it commits (one projection of the pump, not one before and one after).
      await this.relay.evaluationSettled(FLEET_EVALUATION_WAIT_MS);
      const committed = await lastCommittedEventId(this.dataSource);
      // Far behind (a fresh migration over a long history, a restore): one pass over every active pump beats replaying each event.
      if (committed - (await this.readCursor(this.dataSource.manager)) > FLEET_REBUILD_BACKLOG_EVENTS) await this.rebuild(committed);
      while ((await this.processBatch()) > 0) this.wakeWaiters();
      this.wakeWaiters();
    }
    // Nothing more to project: a waiter still short of its id asked for one this database never committed (it resolves as caught up).
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }

  /**
   * One transaction: the lock, the cursor, the next events, the rows of their pumps and the cursor moved past them. A crash rolls
   * all of it back, so the next step projects the same events again.
   */
  private async processBatch(): Promise<number> {
    const step = await this.withProjectionLock(async (manager) => {
      const cursor = await this.readCursor(manager, true);
      const events = await readEventsAfter(manager, cursor, { limit: FLEET_PROJECTION_EVENT_BATCH });
      if (events.length === 0) return { projected: 0, cursor };
      // The version of each touched pump's row: the last event of the batch that touched it.
      const versions = new Map<string, number>();
      const touch = (pumpId: string, id: number) => versions.set(pumpId, Math.max(versions.get(pumpId) ?? 0, id));
      const wholeClinics = new Map<string, number>();
      const patients = new Map<string, number>();
      for (const event of events) {
        if (ROWLESS_EVENT_TYPES.includes(event.type)) continue;
        if (event.pumpId) touch(event.pumpId, event.id);
        if (WHOLE_CLINIC_EVENT_TYPES.includes(event.type) && event.clinicId) wholeClinics.set(event.clinicId, event.id);
        const patientId = patientOf(event);
        if (patientId) patients.set(patientId, event.id);
      }
      if (wholeClinics.size > 0 || patients.size > 0) {
        const rows: { id: string; clinic_id: string; patient_id: string }[] = await manager.query(
          `SELECT id, clinic_id, patient_id FROM pumps
           WHERE explanted_at IS NULL AND (clinic_id = ANY($1::uuid[]) OR patient_id = ANY($2::uuid[]))`,
          [[...wholeClinics.keys()], [...patients.keys()]],
        );
        for (const row of rows) {
          const id = Math.max(wholeClinics.get(row.clinic_id) ?? 0, patients.get(row.patient_id) ?? 0);
          if (id > 0) touch(row.id, id);
        }
      }
      await this.project(manager, versions, this.clock.now());
      const last = events[events.length - 1].id;
      await manager.query('UPDATE fleet_projection_cursor SET last_event_id = $1, updated_at = $2 WHERE id = 1', [last, this.clock.now()]);
      return { projected: events.length, cursor: last };
    });
    // Committed: waiters up to here may read the rows.
    this.projectedId = step.cursor;
    return step.projected;
  }

  /** Every active pump at once, as of `committed`; then the cursor jumps there (rows of pumps gone meanwhile are dropped). */
  private async rebuild(committed: number): Promise<void> {
    const now = this.clock.now();
    const ids: { id: string }[] = await this.dataSource.query('SELECT id FROM pumps WHERE explanted_at IS NULL ORDER BY id');
    for (let i = 0; i < ids.length; i += FLEET_ROW_CHUNK) {
      const chunk = ids.slice(i, i + FLEET_ROW_CHUNK);
      await this.withProjectionLock((manager) => this.project(manager, new Map(chunk.map((r) => [r.id, committed])), now));
    }
    await this.withProjectionLock(async (manager) => {
      await manager.query('DELETE FROM fleet_rows f USING pumps p WHERE p.id = f.pump_id AND p.explanted_at IS NOT NULL');
      await manager.query('UPDATE fleet_projection_cursor SET last_event_id = GREATEST(last_event_id, $1), updated_at = $2 WHERE id = 1', [
        committed,
        now,
      ]);
    });
    this.logger.log(`fleet read model rebuilt: ${ids.length} rows as of event ${committed}`);
  }

  /** Computes the rows of these pumps (with the version each gets) and stores them; a pump no longer active loses its row. */
  private async project(manager: EntityManager, versions: ReadonlyMap<string, number>, now: Date): Promise<void> {
    const ids = [...versions.keys()].sort();
    for (let i = 0; i < ids.length; i += FLEET_ROW_CHUNK) {
      const chunk = ids.slice(i, i + FLEET_ROW_CHUNK);
      const computed = await this.calculator.compute(manager, chunk, now);
      await upsertRows(manager, [...computed.values()], versions);
      const gone = chunk.filter((id) => !computed.has(id));
      if (gone.length > 0) await manager.query('DELETE FROM fleet_rows WHERE pump_id = ANY($1::uuid[])', [gone]);
    }
  }

  private async withProjectionLock<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [FLEET_PROJECTION_LOCK]);
      return work(manager);
    });
  }

  private async readCursor(manager: EntityManager, forUpdate = false): Promise<number> {
    const rows: { last_event_id: string }[] = await manager.query(
      `SELECT last_event_id FROM fleet_projection_cursor WHERE id = 1${forUpdate ? ' FOR UPDATE' : ''}`,
    );
    return rows.length > 0 ? Number(rows[0].last_event_id) : 0;
  }

  private wakeWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].id <= this.projectedId) this.waiters.splice(i, 1)[0].resolve();
    }
  }

  private rejectWaiters(error: Error): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}

/** One statement per chunk; a row's version never goes back (a refresh keeps the higher one). */
async function upsertRows(manager: EntityManager, rows: ComputedFleetRow[], versions: ReadonlyMap<string, number>): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO fleet_rows (pump_id, clinic_id, row, version, computed_at, search_text, sort_name, status, refill_deadline, no_forecast_since,
                             delivery_interrupted, volume_ml, patient_id, reported_reading_at, nominal_low_reservoir_alarm_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[], $4::bigint[], $5::timestamptz[], $6::text[], $7::text[], $8::text[],
                          $9::timestamptz[], $10::timestamptz[], $11::boolean[], $12::double precision[], $13::uuid[], $14::timestamptz[],
                          $15::timestamptz[])
     ON CONFLICT (pump_id) DO UPDATE SET
       clinic_id = EXCLUDED.clinic_id, row = EXCLUDED.row, version = GREATEST(fleet_rows.version, EXCLUDED.version),
       computed_at = EXCLUDED.computed_at, search_text = EXCLUDED.search_text, sort_name = EXCLUDED.sort_name, status = EXCLUDED.status,
       refill_deadline = EXCLUDED.refill_deadline, no_forecast_since = EXCLUDED.no_forecast_since,
       delivery_interrupted = EXCLUDED.delivery_interrupted, volume_ml = EXCLUDED.volume_ml, patient_id = EXCLUDED.patient_id,
       reported_reading_at = EXCLUDED.reported_reading_at, nominal_low_reservoir_alarm_at = EXCLUDED.nominal_low_reservoir_alarm_at`,
    [
      rows.map((r) => r.pumpId),
      rows.map((r) => r.clinicId),
      rows.map((r) => JSON.stringify(r.row)),
      rows.map((r) => versions.get(r.pumpId) ?? 0),
      rows.map((r) => r.computedAt),
      rows.map((r) => r.searchText),
      rows.map((r) => r.sortName),
      rows.map((r) => r.status),
      rows.map((r) => r.refillDeadline),
      rows.map((r) => r.noForecastSince),
      rows.map((r) => r.deliveryInterrupted),
      rows.map((r) => r.volumeMl),
      rows.map((r) => r.patientId),
      rows.map((r) => r.reportedReadingAt),
      rows.map((r) => r.nominalLowReservoirAlarmAt),
    ],
  );
}
