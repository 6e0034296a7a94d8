// One LISTEN connection per server instance: committed events from any instance reach this instance's sockets.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { APP_OPTIONS } from '../infra/app-options';
import type { AppOptions } from '../infra/app-options';
import { EVENTS_CHANNEL, EventNotification } from './event-log.service';
import { EventsGateway } from './events.gateway';

@Injectable()
export class PgEventListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PgEventListener');
  private client: Client | null = null;
  private stopping = false;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_OPTIONS) private readonly options: AppOptions,
    private readonly gateway: EventsGateway,
  ) {}

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
      if (message.channel !== EVENTS_CHANNEL || !message.payload) return;
      this.deliver(message.payload);
    });
    client.on('error', (error) => {
      this.logger.warn(`event listener connection lost: ${error.message}`);
      this.scheduleReconnect(client);
    });
    client.on('end', () => this.scheduleReconnect(client));
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.client = client;
  }

  private deliver(payload: string): void {
    try {
      const event = JSON.parse(payload) as EventNotification;
      if (event.pumpId) this.gateway.emitPumpChanged({ eventId: Number(event.eventId), clinicId: event.clinicId, pumpId: event.pumpId });
    } catch (error) {
      this.logger.warn(`unreadable event notification: ${(error as Error).message}`);
    }
  }

  // Events missed while disconnected stay in the outbox; clients catch up by lastEventId (alerts issue).
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
