// Appends to the ordered event sequence inside the caller's transaction: counter, outbox row and NOTIFY together.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export const EVENTS_CHANNEL = 'pumpwatch_events';

export type EventType = 'clinic.created' | 'patient.created' | 'pump.created' | 'pump.explanted' | 'fill.recorded' | 'program.set' | 'demo.seeded'
  | 'telemetry.received' | 'pump.mri_recorded' | 'pump.mri_cleared' | 'on_call.changed'
  | 'patient.updated' | 'alert.raised' | 'alert.updated' | 'page.sent';

export interface RecordedEvent {
  type: EventType;
  clinicId: string;
  pumpId: string | null;
  payload?: Record<string, unknown>;
}

/** What travels on the NOTIFY channel (the socket event is built from it after commit). */
export interface EventNotification { eventId: number; clinicId: string; pumpId: string | null; type: EventType }

@Injectable()
export class EventLogService {
  /**
   * The counter row stays locked until commit, so a later event id can never become visible before an earlier one;
   * NOTIFY is delivered only if and when the transaction commits.
   */
  async record(manager: EntityManager, event: RecordedEvent): Promise<number> {
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
}
