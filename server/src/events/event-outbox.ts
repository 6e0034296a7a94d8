// Reads the ordered event outbox (`events`) after an id: for live delivery, for a client's replay and for the alert engine.
import { SOCKET_EVENTS } from '@pumpwatch/shared';
import type {
  AlertChange,
  AlertRaisedEvent,
  AlertSnoozedEvent,
  AlertUpdatedEvent,
  OnCallChangedEvent,
  PageSentEvent,
  PumpChangedEvent,
} from '@pumpwatch/shared';
import type { EventType } from './event-log.service';

export interface OutboxEvent {
  id: number;
  type: EventType;
  clinicId: string | null;
  pumpId: string | null;
  payload: Record<string, unknown>;
}

/** A DataSource or an EntityManager (inside a transaction). */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** Events with an id above `afterId`, in id order; `clinicIds` null: every clinic. */
export async function readEventsAfter(
  db: Queryable,
  afterId: number,
  options: { clinicIds?: readonly string[] | null; limit: number },
): Promise<OutboxEvent[]> {
  const clinics = options.clinicIds ?? null;
  const rows = (await db.query(
    `SELECT id, type, clinic_id, pump_id, payload FROM events
     WHERE id > $1 AND ($2::uuid[] IS NULL OR clinic_id = ANY($2::uuid[]))
     ORDER BY id LIMIT $3`,
    [afterId, clinics, options.limit],
  )) as { id: string; type: EventType; clinic_id: string | null; pump_id: string | null; payload: Record<string, unknown> }[];
  return rows.map((r) => ({ id: Number(r.id), type: r.type, clinicId: r.clinic_id, pumpId: r.pump_id, payload: r.payload }));
}

/** The highest event id committed so far (the counter row, read without waiting for a writer's lock). */
export async function lastCommittedEventId(db: Queryable): Promise<number> {
  const rows = (await db.query('SELECT last_event_id FROM event_counter WHERE id = 1')) as { last_event_id: string }[];
  return rows.length > 0 ? Number(rows[0].last_event_id) : 0;
}

export const ALERT_EVENT_TYPES: readonly EventType[] = ['alert.raised', 'alert.updated', 'alert.snoozed'];

export type SocketMessage =
  | { name: typeof SOCKET_EVENTS.pumpChanged; payload: PumpChangedEvent }
  | { name: typeof SOCKET_EVENTS.alertRaised; payload: AlertRaisedEvent }
  | { name: typeof SOCKET_EVENTS.alertUpdated; payload: AlertUpdatedEvent }
  | { name: typeof SOCKET_EVENTS.pageSent; payload: PageSentEvent }
  | { name: typeof SOCKET_EVENTS.onCallChanged; payload: OnCallChangedEvent }
  | { name: typeof SOCKET_EVENTS.alertSnoozed; payload: AlertSnoozedEvent };

/**
 * What a dashboard receives for an outbox event: alert events as they were written (the alert as of that event), any other
 * change of a pump as pump.changed, an on-call shift change as on_call.changed; other changes that concern no pump (a clinic, a
 * patient) send nothing.
 */
export function socketMessageOf(event: OutboxEvent): SocketMessage | null {
  if (event.type === 'alert.raised' || event.type === 'alert.updated') {
    const stored = event.payload as { change?: AlertChange; alert: AlertRaisedEvent['alert'] };
    const alert = { ...stored.alert, lastEventId: event.id, snoozedUntil: null };
    return event.type === 'alert.raised'
      ? { name: SOCKET_EVENTS.alertRaised, payload: { eventId: event.id, alert } }
      : { name: SOCKET_EVENTS.alertUpdated, payload: { eventId: event.id, change: stored.change as AlertChange, alert } };
  }
  // A page that went out (paging, issue 5): in-app pages reach their recipient's dashboard this way.
  if (event.type === 'page.sent')
    return { name: SOCKET_EVENTS.pageSent, payload: { eventId: event.id, page: (event.payload as { page: PageSentEvent['page'] }).page } };
  if (event.type === 'alert.snoozed' && event.clinicId) {
    return {
      name: SOCKET_EVENTS.alertSnoozed,
      payload: { ...(event.payload as Omit<AlertSnoozedEvent, 'eventId' | 'clinicId'>), eventId: event.id, clinicId: event.clinicId },
    };
  }
  if (event.type === 'on_call.changed' && event.clinicId)
    return { name: SOCKET_EVENTS.onCallChanged, payload: { eventId: event.id, clinicId: event.clinicId } };
  if (event.pumpId && event.clinicId)
    return { name: SOCKET_EVENTS.pumpChanged, payload: { eventId: event.id, clinicId: event.clinicId, pumpId: event.pumpId } };
  return null;
}
