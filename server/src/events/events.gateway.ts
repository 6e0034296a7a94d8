// socket.io on the API's HTTP server: pushes pump.changed to every open dashboard.
import { Logger } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { PumpChangedEvent, ServerToClientEvents, SOCKET_EVENTS } from '@pumpwatch/shared';
import type { Server } from 'socket.io';

@WebSocketGateway({ cors: { origin: true } })
export class EventsGateway {
  private readonly logger = new Logger('EventsGateway');

  @WebSocketServer()
  server: Server<Record<string, never>, ServerToClientEvents>;

  /** Until sign-in lands every dashboard sees every clinic, so the emission is broad. */
  emitPumpChanged(event: PumpChangedEvent): void {
    if (!this.server) {
      this.logger.warn(`socket server not ready, dropped event ${event.eventId}`);
      return;
    }
    this.server.emit(SOCKET_EVENTS.pumpChanged, event);
  }
}
