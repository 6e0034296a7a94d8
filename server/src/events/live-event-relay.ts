// Pushes committed events to this instance's sockets in id order, read from the outbox: none skipped, none twice, even when a
// notification is lost or arrives late.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FleetPump } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { alarmPathTimer } from '../infra/alarm-path-timer';
import { ALERT_EVENT_TYPES, lastCommittedEventId, OutboxEvent, readEventsAfter } from './event-outbox';
import { PgEventListener } from './pg-event-listener';

/**
 * Where relayed events go (the socket gateway registers itself); `fleetRows`: the rows pump.changed carries, when known;
 * `sentAhead`: an alert sent before events with lower ids (flagged to clients, see AlertRaisedEvent).
 */
export interface LiveEventSink {
  broadcast(event: OutboxEvent, fleetRows?: ReadonlyMap<string, FleetPump | null>, sentAhead?: boolean): void;
}

/** The events whose message is an alarm on the dashboards: sent before the rest of their page. */
function isAlarm(event: OutboxEvent): boolean {
  return event.type === 'alert.raised' || event.type === 'alert.updated';
}

/**
 * The fleet read model (registers itself): the rows the pump.changed of these events carry (null for a pump gone), once projected.
 * Never rejects; undefined when they are not ready in time or an alarm is waiting (pump.changed then goes without its row).
 */
export interface FleetRowSource {
  rowsFor(events: readonly OutboxEvent[]): Promise<ReadonlyMap<string, FleetPump | null> | undefined>;
}

/** The alert evaluation under way on this instance (settles when it commits its next batch), or null. */
export type DeliveryGate = () => Promise<void> | null;

const PAGE = 500;
/**
 * Longest a delivery pass waits for the alert evaluation under way: the alarms a batch raises then go out right behind its
 * pump.changed, not after that event's fan-out to every dashboard (which would hold up the evaluation on the same event loop).
 * An evaluation took 50-220 ms on the shared 2-core machine under load; beyond this, pump.changed goes first.
 */
const EVALUATION_WAIT_MS = 500;
/** After a failed read of the outbox (database away), the next attempt. */
const RETRY_AFTER_FAILURE_MS = 1000;

@Injectable()
export class LiveEventRelay implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LiveEventRelay');
  private sink: LiveEventSink | null = null;
  private fleetRowSource: FleetRowSource | null = null;
  /** Every event up to this id was handed to the sink (or belonged to the history before this instance started). */
  private deliveredId = 0;
  private ready = false;
  private draining: Promise<void> | null = null;
  private wanted = false;
  private readonly waiters: { id: number; resolve: () => void }[] = [];
  private gate: DeliveryGate | null = null;
  /** An alert event was announced: the next pass goes at once (and a pass waiting for the evaluation stops waiting). */
  private alarmWaiting = false;
  /** The highest alarm event id handed to the sink: rows waited for after it hold up no alarm. */
  private alarmSentId = 0;
  private endEvaluationWait: (() => void) | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly listener: PgEventListener,
  ) {}

  setSink(sink: LiveEventSink): void {
    this.sink = sink;
  }

  /** The alert engine registers itself: see EVALUATION_WAIT_MS. */
  setDeliveryGate(gate: DeliveryGate): void {
    this.gate = gate;
  }

  /**
   * Resolves when the alert evaluation under way on this instance has settled (committed its alerts or caught up), at once when
   * none is, or after `timeoutMs`: background work on the same events (the fleet projection) waits for it rather than compete with
   * it for the event loop and the database while an alarm is being decided.
   */
  async evaluationSettled(timeoutMs: number): Promise<void> {
    // The cue that started the caller may be starting an evaluation too: subscribers are told one after another, in this tick.
    await Promise.resolve();
    const evaluation = this.gate?.();
    if (!evaluation) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      evaluation.then(resolve, resolve);
    });
    clearTimeout(timer);
  }

  /** The highest alarm event id already sent to the dashboards by this instance (sent ahead, or in order). */
  get alarmsSentThrough(): number {
    return this.alarmSentId;
  }

  setFleetRowSource(source: FleetRowSource): void {
    this.fleetRowSource = source;
  }

  /** The fleet rows the pump.changed of these events carry (live delivery and replay); undefined: send them without. */
  async fleetRowsFor(events: readonly OutboxEvent[]): Promise<ReadonlyMap<string, FleetPump | null> | undefined> {
    return this.fleetRowSource && events.length > 0 ? this.fleetRowSource.rowsFor(events) : undefined;
  }

  onModuleInit(): void {
    // A cue for an event already delivered (the NOTIFY after an in-process kick) needs no read.
    this.listener.subscribe((event) => {
      if (event !== null && ALERT_EVENT_TYPES.includes(event.type) && event.eventId > this.deliveredId) {
        this.alarmWaiting = true;
        this.endEvaluationWait?.();
      }
      if (event === null || event.eventId > this.deliveredId) this.kick();
    });
  }

  /** Live delivery starts at the history as it is now; older events reach a client only through its lastEventId replay. */
  async onApplicationBootstrap(): Promise<void> {
    this.deliveredId = await lastCommittedEventId(this.dataSource);
    this.ready = true;
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.ready = false;
    await this.draining;
  }

  /** Reads the outbox past the last delivered event; calls made meanwhile fold into one more pass. */
  kick(): void {
    if (!this.ready) return;
    this.wanted = true;
    if (this.draining) return;
    this.draining = this.drain()
      .catch((error: Error) => {
        // The database is away (restarting): look again shortly, or the last events before a quiet spell would wait for the next.
        this.logger.warn(`live delivery paused: ${error.message}`);
        setTimeout(() => this.kick(), RETRY_AFTER_FAILURE_MS).unref();
      })
      .finally(() => {
        this.draining = null;
      });
  }

  /** Resolves once every event up to `id` was delivered (false after `timeoutMs` without getting there). */
  deliveredThrough(id: number, timeoutMs: number): Promise<boolean> {
    if (this.deliveredId >= id) return Promise.resolve(true);
    this.kick();
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      const waiter = {
        id,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      this.waiters.push(waiter);
    });
  }

  private async drain(): Promise<void> {
    while (this.wanted && this.ready) {
      this.wanted = false;
      await this.waitForEvaluation();
      for (;;) {
        const events = await readEventsAfter(this.dataSource, this.deliveredId, { limit: PAGE });
        if (alarmPathTimer.enabled) for (const event of events) if (isAlarm(event)) alarmPathTimer.mark(event.id, 'relay_read');
        // Alarms first: an alert goes out after one fan-out to every dashboard, not behind the pump.changed of the batch that raised
        // it (socket.io writes a socket's packets in order). One behind another kind of event in this page is flagged sentAhead, so
        // a client does not resume past the events it overtook (see AlertRaisedEvent).
        const ahead = new Set<number>();
        let overtaking = false;
        for (const event of events) {
          if (!isAlarm(event)) {
            overtaking = true;
            continue;
          }
          this.sink?.broadcast(event, undefined, overtaking);
          alarmPathTimer.mark(event.id, 'emitted');
          ahead.add(event.id);
          this.alarmSentId = Math.max(this.alarmSentId, event.id);
        }
        // The rest waits for its fleet rows like any page: the alarms are out, and a pump.changed with its row spares every dashboard a
        // GET of that row (and the second frame on every socket then no longer crowds the alarm's fan-out).
        const fleetRows = await this.fleetRowsFor(ahead.size > 0 ? events.filter((e) => !ahead.has(e.id)) : events);
        for (const event of events) {
          if (!ahead.has(event.id)) this.sink?.broadcast(event, fleetRows);
          this.deliveredId = event.id;
        }
        this.wakeWaiters();
        if (events.length < PAGE) break;
      }
    }
  }

  private async waitForEvaluation(): Promise<void> {
    // The cue that started this pass may be starting an evaluation too: subscribers are told one after another, in this tick.
    await Promise.resolve();
    const evaluation = this.alarmWaiting ? null : this.gate?.();
    this.alarmWaiting = false;
    if (!evaluation) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.endEvaluationWait = resolve;
      timer = setTimeout(resolve, EVALUATION_WAIT_MS);
      evaluation.then(resolve, resolve);
    });
    clearTimeout(timer);
    this.endEvaluationWait = null;
  }

  private wakeWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].id <= this.deliveredId) this.waiters.splice(i, 1)[0].resolve();
    }
  }
}
