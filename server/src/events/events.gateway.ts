// socket.io on the API's HTTP server: authenticates the handshake, joins the user's clinic rooms, replays what a reconnecting
// client missed (handshake `lastEventId`) and pushes pump.changed, alert.raised and alert.updated in event order (but an alert goes
// ahead of the pump.changed of its batch, flagged `sentAhead`). A socket lives only as long as its session: signed out, revoked or
// deactivated on any instance, it is disconnected; so it is when given a clinic (the dashboard re-reads); a clinic lost leaves its room.
import { Inject, Logger, OnModuleInit } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { InjectDataSource } from '@nestjs/typeorm';
import { FleetPump, seesClinic, ServerToClientEvents, SOCKET_EVENTS } from '@pumpwatch/shared';
import type { Server, Socket } from 'socket.io';
import { DataSource } from 'typeorm';
import { Actor, visibleClinicIds } from '../auth/actor';
import { credentialOf } from '../auth/auth.guard';
import { AuthService, LiveSessionScope } from '../auth/auth.service';
import { Clock } from '../infra/clock';
import { lastCommittedEventId, OutboxEvent, readEventsAfter, SocketMessage, socketMessageOf } from './event-outbox';
import { LiveEventRelay, LiveEventSink } from './live-event-relay';
import { PgEventListener } from './pg-event-listener';

/** Room of every socket whose user administers all clinics (including clinics created after it connected). */
const ALL_CLINICS_ROOM = 'clinics:all';
export const clinicRoom = (clinicId: string): string => `clinic:${clinicId}`;
/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;
const REPLAY_PAGE = 500;
/** A replay waits this long at most for live delivery to pass the replayed events before joining the rooms. */
const REPLAY_HANDOVER_TIMEOUT_MS = 5_000;

interface SocketData {
  actor: Actor;
  expiryTimer?: NodeJS.Timeout;
  /** From the handshake: replay every event of the user's clinics after it before live events. */
  lastEventId: number | null;
  /** Live events that arrived while the replay ran, delivered after it (duplicates dropped by eventId). */
  buffered: { eventId: number; message: SocketMessage }[];
  /** The gateway's session signal count when the handshake read the session: a signal after it means the read may be stale. */
  signalsAtHandshake: number;
  /** The latest session check of this socket: an older check's answer, arriving later, is not applied over a newer one. */
  latestCheck: number;
}
type LiveSocket = Socket<Record<string, never>, ServerToClientEvents, Record<string, never>, SocketData>;

/** pump.changed with the pump's fleet row when the read model had it in time (null: the pump left the fleet); other messages as they are. */
export function withFleetRow(
  message: SocketMessage | null,
  fleetRows: ReadonlyMap<string, FleetPump | null> | undefined,
): SocketMessage | null {
  if (!message || message.name !== SOCKET_EVENTS.pumpChanged || !fleetRows?.has(message.payload.pumpId)) return message;
  return { name: message.name, payload: { ...message.payload, fleetRow: fleetRows.get(message.payload.pumpId) ?? null } };
}

/** An alert sent before events with lower ids (see AlertRaisedEvent): flagged, so clients do not resume past what it overtook. */
export function markedSentAhead(message: SocketMessage | null): SocketMessage | null {
  if (message?.name === SOCKET_EVENTS.alertRaised || message?.name === SOCKET_EVENTS.alertUpdated) {
    return { ...message, payload: { ...message.payload, sentAhead: true } } as SocketMessage;
  }
  return message;
}

/** Whether `now` holds a clinic that `before` did not. */
function gainsClinic(before: Actor['clinicRoles'], now: Actor['clinicRoles']): boolean {
  const held = new Set(before.map((r) => r.clinicId));
  return now.some((r) => !held.has(r.clinicId));
}

/** The same clinic roles, in any order. */
function sameClinicRoles(a: Actor['clinicRoles'], b: Actor['clinicRoles']): boolean {
  const key = (roles: Actor['clinicRoles']): string =>
    roles
      .map((r) => `${r.clinicId}:${r.role}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}

/** A handshake's lastEventId: a whole number of 0 or more (a numeric string too), else invalid; absent: no replay. */
export function parseLastEventId(value: unknown): number | null | 'invalid' {
  if (value === undefined || value === null) return null;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : 'invalid';
}

// Same-origin by default; the CORS origins the operator configured are applied by the IoAdapter at start-up.
@WebSocketGateway({ cors: { origin: false } })
export class EventsGateway implements OnModuleInit, OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, LiveEventSink {
  private readonly logger = new Logger('EventsGateway');
  /** Sockets between connection and the end of their replay: live events go to their buffer, not yet to them. */
  private readonly replaying = new Set<LiveSocket>();
  /** Session signals heard (a user's sessions or roles changed, or the listener reconnected): see handleConnection. */
  private sessionSignals = 0;
  private sessionChecks = 0;

  @WebSocketServer()
  server: Server<Record<string, never>, ServerToClientEvents, Record<string, never>, SocketData>;

  constructor(
    private readonly auth: AuthService,
    @Inject(Clock) private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly relay: LiveEventRelay,
    private readonly listener: PgEventListener,
  ) {}

  onModuleInit(): void {
    this.relay.setSink(this);
    // Signals missed while the LISTEN connection was down are covered by checking every socket once it is back: one query at a
    // rare reconnect, where a periodic check would query for every socket all the time and still leave a window between checks.
    this.listener.subscribeSessions((userId) => void this.checkSessions(userId));
  }

  /** The handshake needs the same credentials as REST: `auth.token` or the session cookie; `auth.lastEventId` is optional. */
  afterInit(server: Server): void {
    server.use((socket, next) => {
      const signalsAtHandshake = this.sessionSignals;
      const auth = socket.handshake.auth as { token?: unknown; lastEventId?: unknown } | undefined;
      const lastEventId = parseLastEventId(auth?.lastEventId);
      if (lastEventId === 'invalid') return next(new Error('lastEventId must be a whole number of 0 or more'));
      const token = auth?.token;
      const credential =
        typeof token === 'string' ? credentialOf(`Bearer ${token}`, undefined) : credentialOf(undefined, socket.handshake.headers.cookie);
      if (!credential || credential === 'malformed') return next(new Error('unauthenticated'));
      this.auth.authenticate(credential.secret, credential.viaCookie, null).then(
        (actor) => {
          if (!actor || actor.kind !== 'user') return next(new Error('unauthenticated'));
          if (actor.mustChangePassword) return next(new Error('password_change_required'));
          const data = socket.data as SocketData;
          data.actor = actor;
          data.lastEventId = lastEventId;
          data.buffered = [];
          data.signalsAtHandshake = signalsAtHandshake;
          data.latestCheck = 0;
          next();
        },
        (error: Error) => {
          this.logger.warn(`socket authentication failed: ${error.message}`);
          next(new Error('unauthenticated'));
        },
      );
    });
  }

  handleConnection(socket: LiveSocket): void {
    const actor = socket.data.actor;
    if (!actor) {
      socket.disconnect(true);
      return;
    }
    // An expired session is disconnected; the dashboard then signs in again.
    if (actor.sessionExpiresAt) {
      const remaining = actor.sessionExpiresAt.getTime() - this.clock.now().getTime();
      socket.data.expiryTimer = setTimeout(() => socket.disconnect(true), Math.max(0, Math.min(remaining, MAX_TIMER_MS)));
    }
    // A signal heard while the handshake read its session found this socket not yet connected: check it now.
    if (this.sessionSignals > socket.data.signalsAtHandshake) void this.check([socket]);
    if (socket.data.lastEventId === null) {
      this.joinRooms(socket);
      return;
    }
    this.replaying.add(socket);
    this.replay(socket, socket.data.lastEventId).catch((error: Error) => {
      this.logger.warn(`replay after event ${socket.data.lastEventId} failed: ${error.message}`);
      this.replaying.delete(socket);
      socket.disconnect(true);
    });
  }

  handleDisconnect(socket: LiveSocket): void {
    if (socket.data.expiryTimer) clearTimeout(socket.data.expiryTimer);
    this.replaying.delete(socket);
  }

  /**
   * Only the sockets of users with a role in the event's clinic receive it; replaying sockets get it after their replay, as it was
   * sent to the rooms (a `sentAhead` alert flagged too: the events it overtook may not have reached their buffer yet).
   */
  broadcast(event: OutboxEvent, fleetRows?: ReadonlyMap<string, FleetPump | null>, sentAhead = false): void {
    const message = sentAhead ? markedSentAhead(socketMessageOf(event)) : withFleetRow(socketMessageOf(event), fleetRows);
    const clinicId = event.clinicId;
    if (!message || !clinicId) return;
    if (!this.server) {
      this.logger.warn(`socket server not ready, dropped event ${event.id}`);
      return;
    }
    this.server.to([clinicRoom(clinicId), ALL_CLINICS_ROOM]).emit(message.name, message.payload as never);
    for (const socket of this.replaying) {
      if (seesClinic(socket.data.actor, clinicId)) socket.data.buffered.push({ eventId: event.id, message });
    }
  }

  /**
   * The sessions or clinic roles of this user (of every user: null) changed, here or on another instance (PostgreSQL NOTIFY, see
   * session-signals.ts): their sockets on this instance are checked against the database. The instance that made the change
   * calls it too, after the commit, so that its own sockets are done with when its answer goes out.
   */
  async checkSessions(userId: string | null): Promise<void> {
    this.sessionSignals += 1;
    if (!this.server) return;
    const sockets = [...this.server.sockets.sockets.values()].filter(
      (s) => s.data.actor && (userId === null || s.data.actor.id === userId),
    );
    await this.check(sockets);
  }

  /**
   * A socket whose session was revoked or expired, whose user was deactivated, must change their password or no longer
   * administers every clinic is disconnected (the dashboard then signs in again), and so is one given a clinic (the dashboard then
   * re-reads its session and views); one that lost a clinic or changed a role carries its roles and sits in the rooms of exactly its
   * clinics now. If the check cannot be made, the socket is disconnected rather than kept unchecked.
   */
  private async check(sockets: LiveSocket[]): Promise<void> {
    if (sockets.length === 0) return;
    const check = ++this.sessionChecks;
    for (const socket of sockets) socket.data.latestCheck = check;
    let live: Map<string, LiveSessionScope>;
    try {
      live = await this.auth.liveSessions(sockets.map((s) => s.data.actor.sessionId as string));
    } catch (error) {
      this.logger.warn(`session check failed, ${sockets.length} socket(s) disconnected: ${(error as Error).message}`);
      for (const socket of sockets) socket.disconnect(true);
      return;
    }
    for (const socket of sockets) {
      if (!socket.connected || socket.data.latestCheck !== check) continue;
      const scope = live.get(socket.data.actor.sessionId as string);
      if (
        !scope ||
        scope.mustChangePassword ||
        scope.administersAllClinics !== socket.data.actor.administersAllClinics ||
        gainsClinic(socket.data.actor.clinicRoles, scope.clinicRoles)
      ) {
        // A clinic gained: a reconnect makes the dashboard re-read its session and views, so that clinic's open alerts and pumps
        // show (moving rooms in place would bring only its events from now on, and could miss one sent in between).
        socket.disconnect(true);
      } else if (!sameClinicRoles(scope.clinicRoles, socket.data.actor.clinicRoles)) {
        this.moveToClinics(socket, scope.clinicRoles);
      }
    }
  }

  /** The socket carries its new clinic roles and sits in their rooms (a replaying socket joins them at the end of its replay). */
  private moveToClinics(socket: LiveSocket, clinicRoles: Actor['clinicRoles']): void {
    const actor = socket.data.actor;
    socket.data.actor = { ...actor, clinicRoles };
    if (actor.administersAllClinics || this.replaying.has(socket)) return;
    const rooms = new Set(clinicRoles.map((r) => clinicRoom(r.clinicId)));
    for (const room of [...socket.rooms]) if (room.startsWith('clinic:') && !rooms.has(room)) void socket.leave(room);
    void socket.join([...rooms]);
  }

  private joinRooms(socket: LiveSocket): void {
    const actor = socket.data.actor;
    void socket.join(actor.administersAllClinics ? [ALL_CLINICS_ROOM] : actor.clinicRoles.map((r) => clinicRoom(r.clinicId)));
  }

  /**
   * Sends every event of the user's clinics after `afterId` from the outbox, in order, then hands over to live delivery:
   * once the relay has passed everything replayed, the socket joins its rooms and gets the buffered events it has not had, in
   * one synchronous step, so no event is lost, repeated or reordered between the two.
   */
  private async replay(socket: LiveSocket, afterId: number): Promise<void> {
    const clinicIds = visibleClinicIds(socket.data.actor);
    // A lastEventId beyond what exists (another database, a restore) must not make the hand-over wait for ids that never come.
    const committed = await lastCommittedEventId(this.dataSource);
    let sentId = afterId;
    for (;;) {
      const events = await readEventsAfter(this.dataSource, sentId, { clinicIds, limit: REPLAY_PAGE });
      // Replayed pump.changed carry the pump's row now, as live ones do: a reconnected dashboard patches rows, never refetches.
      const fleetRows = await this.relay.fleetRowsFor(events);
      if (!socket.connected) return;
      for (const event of events) {
        const message = withFleetRow(socketMessageOf(event), fleetRows);
        if (message) socket.emit(message.name, message.payload as never);
        sentId = event.id;
      }
      if (events.length < REPLAY_PAGE) break;
    }
    const caughtUp = await this.relay.deliveredThrough(Math.max(sentId, Math.min(afterId, committed)), REPLAY_HANDOVER_TIMEOUT_MS);
    if (!caughtUp) this.logger.warn(`live delivery is behind event ${sentId}: a reconnecting client may see an event twice`);
    if (!socket.connected || !this.replaying.has(socket)) return;
    this.joinRooms(socket);
    for (const { eventId, message } of socket.data.buffered) {
      if (eventId > sentId) socket.emit(message.name, message.payload as never);
    }
    socket.data.buffered = [];
    this.replaying.delete(socket);
  }
}
