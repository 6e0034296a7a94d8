// socket.io on the API's HTTP server: authenticates the handshake, joins the user's clinic rooms, pushes pump.changed.
import { Inject, Logger } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { PumpChangedEvent, ServerToClientEvents, SOCKET_EVENTS } from '@pumpwatch/shared';
import type { Server, Socket } from 'socket.io';
import type { Actor } from '../auth/actor';
import { credentialOf } from '../auth/auth.guard';
import { AuthService } from '../auth/auth.service';
import { Clock } from '../infra/clock';

/** Room of every socket whose user administers all clinics (including clinics created after it connected). */
const ALL_CLINICS_ROOM = 'clinics:all';
export const clinicRoom = (clinicId: string): string => `clinic:${clinicId}`;
/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

interface SocketData { actor: Actor; expiryTimer?: NodeJS.Timeout }
type LiveSocket = Socket<Record<string, never>, ServerToClientEvents, Record<string, never>, SocketData>;

// Same-origin by default; the CORS origins the operator configured are applied by the IoAdapter at start-up.
@WebSocketGateway({ cors: { origin: false } })
export class EventsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('EventsGateway');

  @WebSocketServer()
  server: Server<Record<string, never>, ServerToClientEvents, Record<string, never>, SocketData>;

  constructor(
    private readonly auth: AuthService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** The handshake needs the same credentials as REST: `auth.token` or the session cookie. */
  afterInit(server: Server): void {
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const credential = typeof token === 'string'
        ? credentialOf(`Bearer ${token}`, undefined)
        : credentialOf(undefined, socket.handshake.headers.cookie);
      if (!credential || credential === 'malformed') return next(new Error('unauthenticated'));
      this.auth.authenticate(credential.secret, credential.viaCookie, null).then((actor) => {
        if (!actor || actor.kind !== 'user') return next(new Error('unauthenticated'));
        if (actor.mustChangePassword) return next(new Error('password_change_required'));
        (socket.data as SocketData).actor = actor;
        next();
      }, (error: Error) => {
        this.logger.warn(`socket authentication failed: ${error.message}`);
        next(new Error('unauthenticated'));
      });
    });
  }

  handleConnection(socket: LiveSocket): void {
    const actor = socket.data.actor;
    if (!actor) {
      socket.disconnect(true);
      return;
    }
    void socket.join(actor.administersAllClinics ? [ALL_CLINICS_ROOM] : actor.clinicRoles.map((r) => clinicRoom(r.clinicId)));
    // An expired session is disconnected; the dashboard then signs in again.
    if (actor.sessionExpiresAt) {
      const remaining = actor.sessionExpiresAt.getTime() - this.clock.now().getTime();
      socket.data.expiryTimer = setTimeout(() => socket.disconnect(true), Math.max(0, Math.min(remaining, MAX_TIMER_MS)));
    }
  }

  handleDisconnect(socket: LiveSocket): void {
    if (socket.data.expiryTimer) clearTimeout(socket.data.expiryTimer);
  }

  /** Only the sockets of users with a role in the event's clinic receive it. */
  emitPumpChanged(event: PumpChangedEvent): void {
    if (!this.server) {
      this.logger.warn(`socket server not ready, dropped event ${event.eventId}`);
      return;
    }
    this.server.to([clinicRoom(event.clinicId), ALL_CLINICS_ROOM]).emit(SOCKET_EVENTS.pumpChanged, event);
  }

  /** Signing out or a password change ends the live connection of those sessions on this instance at once. */
  disconnectSessions(predicate: (actor: Actor) => boolean): void {
    if (!this.server) return;
    for (const socket of this.server.sockets.sockets.values()) {
      if (socket.data.actor && predicate(socket.data.actor)) socket.disconnect(true);
    }
  }
}
