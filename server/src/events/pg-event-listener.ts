// One LISTEN connection per server instance: tells this instance's live relay and alert engine that events were committed, and
// its socket gateway that a user's sessions or roles changed (on any instance).
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { APP_OPTIONS } from '../infra/app-options';
import type { AppOptions } from '../infra/app-options';
import { alarmPathTimer } from '../infra/alarm-path-timer';
import { EVENTS_CHANNEL, EventNotification } from './event-log.service';
import { SESSIONS_CHANNEL, userIdOfSignal } from './session-signals';

/**
 * Told of each committed event, and with null after a reconnect (events may have been missed): subscribers read the outbox
 * from their own position, so a notification is only a cue to look.
 */
export type EventSubscriber = (event: EventNotification | null) => void;

/** Told the id of a user whose sessions or clinic roles changed, and null after a reconnect (signals may have been missed). */
export type SessionSubscriber = (userId: string | null) => void;

@Injectable()
export class PgEventListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PgEventListener');
  private client: Client | null = null;
  private stopping = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly subscribers: EventSubscriber[] = [];
  private readonly sessionSubscribers: SessionSubscriber[] = [];
  private everConnected = false;

  constructor(@Inject(APP_OPTIONS) private readonly options: AppOptions) {}

  /** The LISTEN connection is up (readiness): false from a lost connection until it has subscribed again. */
  isListening(): boolean {
    return this.client !== null;
  }

  /** Subscribe before the application bootstraps (onModuleInit) to hear every notification. */
  subscribe(subscriber: EventSubscriber): void {
    this.subscribers.push(subscriber);
  }

  /** Subscribe before the application bootstraps (onModuleInit) to hear every session signal. */
  subscribeSessions(subscriber: SessionSubscriber): void {
    this.sessionSubscribers.push(subscriber);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl });
    client.on('notification', (message) => {
      if (!message.payload) return;
      if (message.channel === EVENTS_CHANNEL) this.deliver(message.payload);
      else if (message.channel === SESSIONS_CHANNEL) this.deliverSessionSignal(message.payload);
    });
    client.on('error', (error) => {
      this.logger.warn(`event listener connection lost: ${error.message}`);
      this.scheduleReconnect(client);
    });
    client.on('end', () => this.scheduleReconnect(client));
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    await client.query(`LISTEN ${SESSIONS_CHANNEL}`);
    const reconnected = this.client === null && this.everConnected;
    this.client = client;
    this.everConnected = true;
    if (reconnected) {
      this.tell(null);
      this.tellSessions(null);
    }
  }

  /**
   * Events this instance has just committed: its own subscribers hear of them at once rather than after the NOTIFY round trip
   * (which still comes, to every instance; subscribers drop cues for events they are already past).
   */
  announce(notifications: readonly EventNotification[]): void {
    for (const notification of notifications) this.tell(notification);
  }

  private deliver(payload: string): void {
    let event: EventNotification;
    try {
      event = JSON.parse(payload) as EventNotification;
    } catch (error) {
      this.logger.warn(`unreadable event notification: ${(error as Error).message}`);
      return;
    }
    const eventId = Number(event.eventId);
    if (event.type === 'alert.raised' || event.type === 'alert.updated') alarmPathTimer.mark(eventId, 'notify_received');
    this.tell({ ...event, eventId });
  }

  private deliverSessionSignal(payload: string): void {
    const userId = userIdOfSignal(payload);
    if (userId === null) this.logger.warn('unreadable session signal');
    else this.tellSessions(userId);
  }

  private tellSessions(userId: string | null): void {
    for (const subscriber of this.sessionSubscribers) {
      try {
        subscriber(userId);
      } catch (error) {
        this.logger.warn(`session subscriber failed: ${(error as Error).message}`);
      }
    }
  }

  private tell(notification: EventNotification | null): void {
    for (const subscriber of this.subscribers) {
      try {
        subscriber(notification);
      } catch (error) {
        this.logger.warn(`event subscriber failed: ${(error as Error).message}`);
      }
    }
  }

  // Events committed while disconnected stay in the outbox; the reconnect tells subscribers to look (clients catch up by lastEventId).
  private scheduleReconnect(lost: Client | null): void {
    if (this.stopping || this.reconnectTimer || (lost !== null && this.client !== lost)) return;
    if (lost) {
      this.client = null;
      lost.end().catch(() => undefined);
    }
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().catch((error: Error) => {
        this.logger.warn(`event listener reconnect failed: ${error.message}`);
        this.scheduleReconnect(null);
      });
    }, 500);
  }
}
