// The fleet rows live delivery and replay attach to pump.changed: waited for only while no alarm is waiting, never past a budget,
// so an alert is never held back by the read model (pump.changed then goes without its row; the dashboard fetches it).
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { FleetPump, SOCKET_EVENTS } from '@pumpwatch/shared';
import { OutboxEvent, socketMessageOf } from '../events/event-outbox';
import { FleetRowSource, LiveEventRelay } from '../events/live-event-relay';
import { PgEventListener } from '../events/pg-event-listener';
import { EventType } from '../events/event-log.service';
import { FLEET_ROW_ATTACH_BUDGET_MS } from './fleet-config';
import { FleetReadService } from './fleet-read.service';

/** Events that are alarms on every dashboard: nothing may wait for rows ahead of them. */
const ALARM_EVENT_TYPES: readonly EventType[] = ['alert.raised', 'alert.updated'];

@Injectable()
export class FleetRowAttacher implements FleetRowSource, OnModuleInit {
  private readonly logger = new Logger('FleetRowAttacher');
  /** The highest alarm event id this instance has heard of (NOTIFY or its own commit). */
  private alarmHeardId = 0;
  /** End the current waits (live delivery, replays) at once: an alarm was committed behind the events waiting for their rows. */
  private readonly cutShort = new Set<() => void>();

  constructor(
    private readonly reads: FleetReadService,
    private readonly listener: PgEventListener,
    private readonly relay: LiveEventRelay,
  ) {}

  onModuleInit(): void {
    this.listener.subscribe((event) => {
      // An alarm this instance already sent (its NOTIFY after the in-process cue) holds up nothing.
      if (event === null || !ALARM_EVENT_TYPES.includes(event.type) || event.eventId <= this.relay.alarmsSentThrough) return;
      this.alarmHeardId = Math.max(this.alarmHeardId, event.eventId);
      for (const cut of this.cutShort) cut();
    });
    this.relay.setFleetRowSource(this);
  }

  async rowsFor(events: readonly OutboxEvent[]): Promise<ReadonlyMap<string, FleetPump | null> | undefined> {
    const pumpIds = new Set<string>();
    for (const event of events) {
      const message = socketMessageOf(event);
      if (message?.name === SOCKET_EVENTS.pumpChanged) pumpIds.add(message.payload.pumpId);
    }
    const lastId = events[events.length - 1]?.id ?? 0;
    // An alarm among these events (a replay) or committed after them and not yet sent goes out now, with what is before it.
    if (
      pumpIds.size === 0 ||
      events.some((e) => ALARM_EVENT_TYPES.includes(e.type)) ||
      this.alarmHeardId > Math.max(lastId, this.relay.alarmsSentThrough)
    )
      return undefined;
    const rows = this.reads.rowsThrough(lastId, [...pumpIds]).catch((error: Error) => {
      this.logger.warn(`pump.changed sent without fleet rows: ${error.message}`);
      return undefined;
    });
    let cut: () => void = () => undefined;
    const notInTime = new Promise<undefined>((resolve) => {
      cut = () => resolve(undefined);
    });
    this.cutShort.add(cut);
    const timer = setTimeout(cut, FLEET_ROW_ATTACH_BUDGET_MS);
    try {
      return await Promise.race([rows, notInTime]);
    } finally {
      clearTimeout(timer);
      this.cutShort.delete(cut);
    }
  }
}
