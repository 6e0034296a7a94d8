// Pushes committed events to this instance's sockets in id order, read from the outbox: none skipped, none twice, even when a
// notification is lost or arrives late.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FleetPump } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { lastCommittedEventId, OutboxEvent, readEventsAfter } from './event-outbox';
import { PgEventListener } from './pg-event-listener';

/** Where relayed events go (the socket gateway registers itself); `fleetRows`: the rows pump.changed carries, when known. */
export interface LiveEventSink { broadcast(event: OutboxEvent, fleetRows?: ReadonlyMap<string, FleetPump | null>): void }

/**
 * The fleet read model (registers itself): the rows the pump.changed of these events carry (null for a pump gone), once projected.
 * Never rejects; undefined when they are not ready in time or an alarm is waiting (pump.changed then goes without its row).
 */
export interface FleetRowSource { rowsFor(events: readonly OutboxEvent[]): Promise<ReadonlyMap<string, FleetPump | null> | undefined> }

const PAGE = 500;
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

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly listener: PgEventListener,
  ) {}

  setSink(sink: LiveEventSink): void {
    this.sink = sink;
  }

  setFleetRowSource(source: FleetRowSource): void {
    this.fleetRowSource = source;
  }

  /** The fleet rows the pump.changed of these events carry (live delivery and replay); undefined: send them without. */
  async fleetRowsFor(events: readonly OutboxEvent[]): Promise<ReadonlyMap<string, FleetPump | null> | undefined> {
    return this.fleetRowSource && events.length > 0 ? this.fleetRowSource.rowsFor(events) : undefined;
  }

  onModuleInit(): void {
    this.listener.subscribe(() => this.kick());
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
      const waiter = { id, resolve: () => { clearTimeout(timer); resolve(true); } };
      this.waiters.push(waiter);
    });
  }

  private async drain(): Promise<void> {
    while (this.wanted && this.ready) {
      this.wanted = false;
      for (;;) {
        const events = await readEventsAfter(this.dataSource, this.deliveredId, { limit: PAGE });
        const fleetRows = await this.fleetRowsFor(events);
        for (const event of events) {
          this.sink?.broadcast(event, fleetRows);
          this.deliveredId = event.id;
        }
        this.wakeWaiters();
        if (events.length < PAGE) break;
      }
    }
  }

  private wakeWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].id <= this.deliveredId) this.waiters.splice(i, 1)[0].resolve();
    }
  }
}
