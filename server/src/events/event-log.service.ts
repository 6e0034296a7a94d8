// Appends to the ordered event sequence inside the caller's transaction: counter, outbox row and NOTIFY together.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export const EVENTS_CHANNEL = 'pumpwatch_events';

export type EventType =
  | 'clinic.created'
  | 'patient.created'
  | 'pump.created'
  | 'pump.explanted'
  | 'fill.recorded'
  | 'program.set'
  | 'demo.seeded'
  | 'telemetry.received'
  | 'pump.mri_recorded'
  | 'pump.mri_cleared'
  | 'on_call.changed'
  | 'patient.updated'
  | 'alert.raised'
  | 'alert.updated'
  | 'alert.snoozed'
  | 'page.sent'
  | 'clinic.settings_changed'
  | 'appointment.booked'
  | 'appointment.rescheduled'
  | 'appointment.cancelled'
  | 'appointment.no_show'
  | 'appointment.completed'
  | 'lab.recorded'
  | 'side_effect.reported'
  | 'check_up.recorded'
  | 'taper_plan.created'
  | 'taper_plan.ended'
  | 'clinic.clinical_safety_settings_changed'
  | 'clinic.drug_library_changed';

export interface RecordedEvent {
  type: EventType;
  clinicId: string;
  pumpId: string | null;
  payload?: Record<string, unknown>;
}

/** What travels on the NOTIFY channel (the socket event is built from it after commit). */
export interface EventNotification {
  eventId: number;
  clinicId: string;
  pumpId: string | null;
  type: EventType;
}

/** A transaction's identity for deferral: its query runner when it has one (the manager object may be re-wrapped). */
const transactionOf = (manager: EntityManager): object => manager.queryRunner ?? manager;

@Injectable()
export class EventLogService {
  /** Events of long transactions held back until `flushDeferred` (see `deferIn`). */
  private readonly deferred = new WeakMap<object, RecordedEvent[]>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Events recorded through `manager` from now on wait in memory until `flushDeferred`, called last before commit. The counter row
   * is then locked only for the transaction's final statement: a long transaction (a spreadsheet import of hundreds of rows) no
   * longer makes every other write, telemetry and alarms included, wait for its whole length. A transaction that is rolled back
   * (a dry run) never takes the lock at all. While deferred, `record` answers 0 as the id.
   */
  deferIn(manager: EntityManager): void {
    this.deferred.set(transactionOf(manager), []);
  }

  /** Records every deferred event of the transaction in one statement (ids in recording order) and ends the deferral. */
  async flushDeferred(manager: EntityManager): Promise<number[]> {
    const key = transactionOf(manager);
    const events = this.deferred.get(key) ?? [];
    this.deferred.delete(key);
    return this.recordMany(manager, events);
  }

  /**
   * The highest event id committed so far: read it BEFORE reading the data an answer shows, and the answer reflects at least every
   * event up to it (the counter row is updated in the writing transaction, so a committed id means its data are committed too).
   * A client resumes its socket from it (`x-last-event-id`), missing nothing between its read and the socket.
   */
  async lastEventId(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const rows: { last_event_id: string }[] = await manager.query('SELECT last_event_id FROM event_counter WHERE id = 1');
    return rows.length > 0 ? Number(rows[0].last_event_id) : 0;
  }

  /**
   * The counter row stays locked until commit, so a later event id can never become visible before an earlier one;
   * NOTIFY is delivered only if and when the transaction commits.
   */
  async record(manager: EntityManager, event: RecordedEvent): Promise<number> {
    const held = this.deferred.get(transactionOf(manager));
    if (held) {
      held.push(event);
      return 0;
    }
    const rows: { id: string }[] = await manager.query(
      `WITH next AS (
         UPDATE event_counter SET last_event_id = last_event_id + 1 WHERE id = 1 RETURNING last_event_id
       ), inserted AS (
         INSERT INTO events (id, clinic_id, pump_id, type, payload)
         SELECT last_event_id, $1::uuid, $2::uuid, $3::text, $4::jsonb FROM next RETURNING id
       )
       SELECT id, pg_notify('${EVENTS_CHANNEL}', json_build_object('eventId', id, 'clinicId', $1::uuid, 'pumpId', $2::uuid, 'type', $3::text)::text)
       FROM inserted`,
      [event.clinicId, event.pumpId, event.type, JSON.stringify(event.payload ?? {})],
    );
    return Number(rows[0].id);
  }

  /**
   * Many events in one statement (a telemetry batch touches hundreds of pumps): ids are consecutive in the given
   * order, under the same counter lock. NOTIFY is only a cue (readers follow the outbox by id), so one per event type is enough:
   * a thousand notifications per telemetry batch cost the listeners more than the events themselves.
   */
  async recordMany(manager: EntityManager, events: RecordedEvent[]): Promise<number[]> {
    if (events.length === 0) return [];
    const held = this.deferred.get(transactionOf(manager));
    if (held) {
      held.push(...events);
      return events.map(() => 0);
    }
    if (events.length === 1) return [await this.record(manager, events[0])];
    const rows: { id: string }[] = await manager.query(
      `WITH next AS (
         UPDATE event_counter SET last_event_id = last_event_id + $5::int WHERE id = 1 RETURNING last_event_id
       ), batch AS (
         SELECT (next.last_event_id - $5::int + e.ord)::bigint AS id, e.clinic_id, e.pump_id, e.type, e.payload
         FROM next, unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS e(clinic_id, pump_id, type, payload, ord)
       ), inserted AS (
         INSERT INTO events (id, clinic_id, pump_id, type, payload)
         SELECT id, clinic_id, pump_id, type, payload FROM batch RETURNING id, clinic_id, pump_id, type
       ), notified AS (
         SELECT pg_notify('${EVENTS_CHANNEL}', json_build_object('eventId', id, 'clinicId', clinic_id, 'pumpId', pump_id, 'type', type)::text)
         FROM (SELECT DISTINCT ON (type) id, clinic_id, pump_id, type FROM inserted ORDER BY type, id DESC) AS last_of_type
       )
       SELECT inserted.id FROM inserted CROSS JOIN (SELECT count(*) FROM notified) AS sent`,
      [
        events.map((e) => e.clinicId),
        events.map((e) => e.pumpId),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.payload ?? {})),
        events.length,
      ],
    );
    return rows.map((r) => Number(r.id)).sort((x, y) => x - y);
  }
}
