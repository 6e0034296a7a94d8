// Session ends reach every instance (issue 16): two PumpWatch instances on one real PostgreSQL; a user's live socket on instance B
// ends when the user is deactivated, signs out, or changes or has reset their password through instance A, or is given a clinic
// through A (the dashboard reconnects and re-reads); a clinic taken away leaves its room; an instance whose LISTEN connection
// dropped checks its sockets once it is back.
import type { INestApplication } from '@nestjs/common';
import type { PumpChangedEvent } from '@pumpwatch/shared';
import { io, Socket } from 'socket.io-client';
import { createPumpWatchApp } from '../../server/src/app.factory';
import { fixtures, MEMBER_PASSWORD, queryRows } from '../support/fixtures';
import { api, signIn } from '../support/http';
import { useTestServer } from '../support/test-server';

/** A bound on waiting for what must happen, so that a hang fails the test instead of timing it out (no timing claim). */
const BOUND_MS = 10_000;

let counter = 0;
const email = (label: string): string => `${label}-${process.pid}-${++counter}@pumpwatch.test`;

/** A connected socket.io client of this token (no automatic reconnection: a server disconnect stays visible). */
async function connectSocket(baseUrl: string, token: string, lastEventId?: number): Promise<Socket> {
  const auth = lastEventId === undefined ? { token } : { token, lastEventId };
  const socket = io(baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** What a new handshake with this token gets: 'connected' or the server's refusal. */
function handshake(baseUrl: string, token: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = io(baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
    socket.once('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.once('connect_error', (error) => {
      socket.close();
      resolve(error.message);
    });
  });
}

/** Resolves with the disconnect reason; rejects if none comes within the bound. */
function disconnected(socket: Socket): Promise<string> {
  if (!socket.connected) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the socket was not disconnected')), BOUND_MS);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** Resolves with the first pump.changed of these pumps the socket receives; rejects if none comes within the bound. */
function pumpChangedOn(socket: Socket, pumpIds: readonly string[]): Promise<PumpChangedEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no pump.changed of the pump reached the socket')), BOUND_MS);
    const onEvent = (event: PumpChangedEvent) => {
      if (!pumpIds.includes(event.pumpId)) return;
      clearTimeout(timer);
      socket.off('pump.changed', onEvent);
      resolve(event);
    };
    socket.on('pump.changed', onEvent);
  });
}

describe('session ends across two instances on one database', () => {
  const server = useTestServer();
  let second: INestApplication;
  let urlB: string;
  let f: ReturnType<typeof fixtures>;
  let clinic: { id: string };
  const sockets: Socket[] = [];
  const onB = async (token: string, lastEventId?: number): Promise<Socket> => {
    const socket = await connectSocket(urlB, token, lastEventId);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    second = await createPumpWatchApp({ databaseUrl: server.databaseUrl, demo: false, logLevel: 'silent', bootstrapAdmin: null });
    await second.listen(0, '127.0.0.1');
    urlB = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
    f = fixtures(server.baseUrl);
    clinic = await f.clinic();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await second?.close();
  });

  it('deactivating a user through A disconnects their socket on B at once, and B refuses it again', async () => {
    const nurse = await f.member(clinic.id, 'clinician', 'nurse', { email: email('nurse') });
    const socket = await onB(nurse.token);
    const ended = disconnected(socket);
    expect((await f.http.post(`/api/users/${nurse.id}/deactivate`)).status).toBe(200);
    expect(await ended).toBe('io server disconnect');
    expect(await handshake(urlB, nurse.token)).toBe('unauthenticated');
    expect((await api(urlB, { token: nurse.token }).get('/api/auth/me')).status).toBe(401);
  });

  it("signing out through A ends that session's socket on B, not the socket of another session of the same user", async () => {
    const member = await f.member(clinic.id, 'staff', 'leaver', { email: email('leaver') });
    const otherToken = await signIn(urlB, member.email, MEMBER_PASSWORD);
    const signedOut = await onB(member.token);
    const kept = await onB(otherToken);
    const ended = disconnected(signedOut);
    expect((await member.http.post('/api/auth/logout')).status).toBe(204);
    expect(await ended).toBe('io server disconnect');
    expect(await handshake(urlB, member.token)).toBe('unauthenticated');
    // The other session's socket still gets the clinic's events.
    const pumps: string[] = [];
    const received = pumpChangedOn(kept, pumps);
    pumps.push((await f.pump((await f.patient(clinic.id)).id)).id);
    expect((await received).pumpId).toBe(pumps[0]);
    expect(kept.connected).toBe(true);
  });

  it("changing one's password through A ends the sockets of the account's other sessions on B, not the changing session's", async () => {
    const member = await f.member(clinic.id, 'scheduler', 'changer', { email: email('changer') });
    const otherToken = await signIn(urlB, member.email, MEMBER_PASSWORD);
    const stolen = await onB(otherToken);
    const own = await onB(member.token);
    const ended = disconnected(stolen);
    const change = await member.http.post('/api/auth/password', { currentPassword: MEMBER_PASSWORD, newPassword: 'another-password-2' });
    expect(change.status).toBe(200);
    expect(await ended).toBe('io server disconnect');
    expect(await handshake(urlB, otherToken)).toBe('unauthenticated');
    const pumps: string[] = [];
    const received = pumpChangedOn(own, pumps);
    pumps.push((await f.pump((await f.patient(clinic.id)).id)).id);
    expect((await received).pumpId).toBe(pumps[0]);
    expect(own.connected).toBe(true);
  });

  it("an administrator's password reset through A disconnects the user's socket on B", async () => {
    const member = await f.member(clinic.id, 'staff', 'reset', { email: email('reset') });
    const socket = await onB(member.token);
    const ended = disconnected(socket);
    expect((await f.http.post(`/api/users/${member.id}/password`, {})).status).toBe(200);
    expect(await ended).toBe('io server disconnect');
    expect(await handshake(urlB, member.token)).toBe('unauthenticated');
  });

  it("a role given through A in another clinic disconnects the user's socket on B; its reconnect replays that clinic's events", async () => {
    const otherClinic = await f.clinic();
    const member = await f.member(clinic.id, 'staff', 'joiner', { email: email('joiner') });
    const socket = await onB(member.token);
    const [{ id: lastSeen }] = await queryRows<{ id: string }>(server.databaseUrl, 'SELECT last_event_id::text AS id FROM event_counter');
    // A pump of the other clinic registered before the role: its event is not the member's yet.
    const registeredBefore = (await f.pump((await f.patient(otherClinic.id)).id)).id;
    const ended = disconnected(socket);
    expect((await f.http.call('PUT', `/api/users/${member.id}/clinic-roles/${otherClinic.id}`, { role: 'staff' })).status).toBe(200);
    // A disconnect, not rooms moved in place: the dashboard re-reads its session and views, so the clinic's open alerts show.
    expect(await ended).toBe('io server disconnect');
    // Reconnecting from the last event it saw, it is replayed the other clinic's events since, the pump registered before included.
    const again = await onB(member.token, Number(lastSeen));
    const replayed = await pumpChangedOn(again, [registeredBefore]);
    expect(replayed.pumpId).toBe(registeredBefore);
    expect(again.connected).toBe(true);
  });

  it("another role in a clinic the user already has keeps the user's socket on B connected and in that clinic's room", async () => {
    const member = await f.member(clinic.id, 'staff', 'promoted', { email: email('promoted') });
    const socket = await onB(member.token);
    expect((await f.http.call('PUT', `/api/users/${member.id}/clinic-roles/${clinic.id}`, { role: 'clinician' })).status).toBe(200);
    // Pumps are added until one reaches the socket (the signal is heard meanwhile): it stayed connected through the change.
    const pumps: string[] = [];
    const received = pumpChangedOn(socket, pumps);
    let arrived = false;
    void received.then(
      () => (arrived = true),
      () => undefined,
    );
    for (let i = 0; i < 20 && !arrived; i++) {
      pumps.push((await f.pump((await f.patient(clinic.id)).id)).id);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(pumps).toContain((await received).pumpId);
    expect(socket.connected).toBe(true);
  });

  it('an instance whose LISTEN connection dropped checks every socket once it is back: a session revoked meanwhile ends', async () => {
    const member = await f.member(clinic.id, 'clinician', 'missed', { email: email('missed') });
    const socket = await onB(member.token);
    const ended = disconnected(socket);
    // Revoked behind the API, so no signal is sent: what an instance that missed the NOTIFY while reconnecting sees.
    await queryRows(server.databaseUrl, 'UPDATE sessions SET revoked_at = now() WHERE user_id = $1', [member.id]);
    // Both instances' LISTEN connections are cut (this test's database only); they reconnect and check their sockets.
    const cut = await queryRows<{ ok: boolean }>(
      server.databaseUrl,
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN pumpwatch_sessions%'`,
    );
    expect(cut.length).toBeGreaterThanOrEqual(2);
    expect(await ended).toBe('io server disconnect');
    expect(await handshake(urlB, member.token)).toBe('unauthenticated');
  });
});
