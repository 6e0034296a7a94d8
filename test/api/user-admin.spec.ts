// Users (issue 16) on real PostgreSQL: deactivation ends the account's sessions and live sockets at once and refuses its
// sign-in until reactivated; a clinic role change applies from the next request; a clinic keeps an active administrator;
// a clinic administrator reaches only their clinic's users; a reset draws an initial password shown once.
import type { PumpChangedEvent, User } from '@pumpwatch/shared';
import { io, Socket } from 'socket.io-client';
import { fixtures, MEMBER_PASSWORD, queryRows } from '../support/fixtures';
import { api, signIn } from '../support/http';
import { useTestServer } from '../support/test-server';

let counter = 0;
const email = (label: string): string => `${label}-${process.pid}-${++counter}@pumpwatch.test`;

/** A connected socket.io client of this token (no automatic reconnection: a server disconnect stays visible). */
async function connectSocket(baseUrl: string, token: string): Promise<Socket> {
  const socket = io(baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Resolves with the disconnect reason; rejects if none comes within the bound (a hang, not a timing claim). */
function disconnected(socket: Socket): Promise<string> {
  if (!socket.connected) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the socket was not disconnected')), 5_000);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

describe('user administration', () => {
  const server = useTestServer();
  let f: ReturnType<typeof fixtures>;
  let clinicA: { id: string; name: string };
  let clinicB: { id: string };
  let adminA: Awaited<ReturnType<ReturnType<typeof fixtures>['member']>>;
  let adminB: Awaited<ReturnType<ReturnType<typeof fixtures>['member']>>;
  let pumpA: { id: string };

  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    clinicA = await f.clinic();
    clinicB = await f.clinic();
    adminA = await f.member(clinicA.id, 'admin', 'admin-a', { email: email('admin-a') });
    adminB = await f.member(clinicB.id, 'admin', 'admin-b', { email: email('admin-b') });
    pumpA = await f.pump((await f.patient(clinicA.id)).id);
  });

  describe('deactivation', () => {
    it('ends every session (401) and disconnects the live socket at once, refuses sign-in until reactivated', async () => {
      const nurse = await f.member(clinicA.id, 'clinician', 'nurse', { email: email('nurse') });
      const secondToken = await signIn(server.baseUrl, nurse.email, MEMBER_PASSWORD);
      expect((await nurse.http.get('/api/auth/me')).status).toBe(200);
      const socket = await connectSocket(server.baseUrl, secondToken);
      try {
        const ended = disconnected(socket);
        const answer = await adminA.http.post(`/api/users/${nurse.id}/deactivate`);
        expect(answer.status).toBe(200);
        expect(answer.body.deactivatedAt).toEqual(expect.any(String));
        expect(await ended).toBe('io server disconnect');
      } finally {
        socket.close();
      }
      // Both sessions end: the next call answers 401, whichever session made it.
      expect((await nurse.http.get('/api/auth/me')).status).toBe(401);
      expect((await api(server.baseUrl, { token: secondToken }).get('/api/pumps')).status).toBe(401);
      const open: { n: number }[] = await queryRows(
        server.databaseUrl,
        'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL',
        [nurse.id],
      );
      expect(open[0].n).toBe(0);

      // Sign-in is refused with a message that says why; a new socket is refused too.
      const login = await api(server.baseUrl, { token: null }).post('/api/auth/login', { email: nurse.email, password: MEMBER_PASSWORD });
      expect(login.status).toBe(403);
      expect(login.body.message).toMatch(/deactivated/);
      const refused = await new Promise<string>((resolve) => {
        const again = io(server.baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: secondToken } });
        again.once('connect', () => {
          again.close();
          resolve('connected');
        });
        again.once('connect_error', (error) => {
          again.close();
          resolve(error.message);
        });
      });
      expect(refused).toBe('unauthenticated');
      // A wrong password still says only that the credentials are wrong.
      expect(
        (await api(server.baseUrl, { token: null }).post('/api/auth/login', { email: nurse.email, password: 'not-the-password' })).status,
      ).toBe(401);

      const listed = ((await adminA.http.get('/api/users')).body as User[]).find((u) => u.id === nurse.id)!;
      expect(listed.deactivatedAt).toEqual(expect.any(String));
      expect((await adminA.http.post(`/api/users/${nurse.id}/deactivate`)).status).toBe(409);

      const reactivated = await adminA.http.post(`/api/users/${nurse.id}/reactivate`);
      expect(reactivated.status).toBe(200);
      expect(reactivated.body.deactivatedAt).toBeNull();
      expect((await adminA.http.post(`/api/users/${nurse.id}/reactivate`)).status).toBe(409);
      // The old sessions stay ended; signing in again works.
      expect((await api(server.baseUrl, { token: secondToken }).get('/api/auth/me')).status).toBe(401);
      const fresh = await signIn(server.baseUrl, nurse.email, MEMBER_PASSWORD);
      expect((await api(server.baseUrl, { token: fresh }).get(`/api/pumps/${pumpA.id}`)).status).toBe(200);

      const audit: { action: string; changes: Record<string, { before: unknown; after: unknown }> }[] = await queryRows(
        server.databaseUrl,
        `SELECT action, changes FROM audit_log WHERE entity_id = $1 AND action IN ('user.deactivated', 'user.reactivated') ORDER BY id`,
        [nurse.id],
      );
      expect(audit.map((a) => a.action)).toEqual(['user.deactivated', 'user.reactivated']);
      expect(audit[0].changes.deactivatedAt.before).toBeNull();
      expect(audit[1].changes.deactivatedAt.after).toBeNull();
    });

    it('refuses deactivating oneself (422) and the last active administrator of a clinic (409)', async () => {
      const clinic = await f.clinic();
      const onlyAdmin = await f.member(clinic.id, 'admin', 'only-admin', { email: email('only-admin') });
      const self = await onlyAdmin.http.post(`/api/users/${onlyAdmin.id}/deactivate`);
      expect(self.status).toBe(422);
      expect(self.body.fields).toEqual([{ field: 'id', message: expect.stringMatching(/your own account/) }]);

      // Even the administrator of every clinic may not leave the clinic without an active administrator of its own.
      const last = await f.http.post(`/api/users/${onlyAdmin.id}/deactivate`);
      expect(last.status).toBe(409);
      expect(last.body.message).toMatch(new RegExp(`last active administrator of ${clinic.name}`));
      const demoted = await f.http.call('PUT', `/api/users/${onlyAdmin.id}/clinic-roles/${clinic.id}`, { role: 'clinician' });
      expect(demoted.status).toBe(409);

      // A second administrator there: now the first may go, and the second is then the last one.
      const second = await f.member(clinic.id, 'admin', 'second-admin', { email: email('second-admin') });
      expect((await second.http.post(`/api/users/${onlyAdmin.id}/deactivate`)).status).toBe(200);
      expect((await f.http.call('PUT', `/api/users/${second.id}/clinic-roles/${clinic.id}`, { role: 'staff' })).status).toBe(409);
      // A deactivated administrator does not count: demoting them is fine.
      expect((await second.http.call('PUT', `/api/users/${onlyAdmin.id}/clinic-roles/${clinic.id}`, { role: 'staff' })).status).toBe(200);
    });
  });

  describe('clinic role change', () => {
    it('applies from the next request: staff -> clinician may record a fill, clinician -> staff may not', async () => {
      const member = await f.member(clinicA.id, 'staff', 'promoted', { email: email('promoted') });
      const fill = (minute: number) =>
        member.http.post(`/api/pumps/${pumpA.id}/fills`, {
          filledAt: new Date(Date.parse('2026-04-01T09:00:00Z') + minute * 60_000).toISOString(),
          concentrationMcgPerMl: 500,
          volumeMl: 20,
        });
      expect((await fill(1)).status).toBe(403);

      const promoted = await adminA.http.call('PUT', `/api/users/${member.id}/clinic-roles/${clinicA.id}`, { role: 'clinician' });
      expect(promoted.status).toBe(200);
      expect(promoted.body.clinicRoles).toEqual([{ clinicId: clinicA.id, role: 'clinician' }]);
      expect((await fill(2)).status).toBe(201);

      expect((await adminA.http.call('PUT', `/api/users/${member.id}/clinic-roles/${clinicA.id}`, { role: 'staff' })).status).toBe(200);
      expect((await fill(3)).status).toBe(403);

      const audit: { changes: { role: { before: string; after: string } }; clinic_id: string }[] = await queryRows(
        server.databaseUrl,
        `SELECT changes, clinic_id FROM audit_log WHERE entity_id = $1 AND action = 'user.role_changed' ORDER BY id`,
        [member.id],
      );
      expect(audit.map((a) => [a.changes.role.before, a.changes.role.after, a.clinic_id])).toEqual([
        ['staff', 'clinician', clinicA.id],
        ['clinician', 'staff', clinicA.id],
      ]);
    });

    it('refuses an unknown role with 400 naming the field', async () => {
      const member = await f.member(clinicA.id, 'staff', 'bad-role', { email: email('bad-role') });
      const answer = await adminA.http.call('PUT', `/api/users/${member.id}/clinic-roles/${clinicA.id}`, { role: 'nurse' });
      expect(answer.status).toBe(400);
      expect(answer.body.fields.map((e: { field: string }) => e.field)).toEqual(['role']);
    });

    it("disconnects a connected socket given a role in another clinic; the next one gets that clinic's events", async () => {
      const clinicC = await f.clinic();
      const member = await f.member(clinicA.id, 'staff', 'joiner', { email: email('joiner') });
      const socket = await connectSocket(server.baseUrl, member.token);
      const next = { socket: null as Socket | null };
      try {
        const ended = disconnected(socket);
        expect((await f.http.call('PUT', `/api/users/${member.id}/clinic-roles/${clinicC.id}`, { role: 'staff' })).status).toBe(200);
        // The dashboard reconnects and re-reads its session and views, so clinic C's open alerts and pumps show, not only its events.
        expect(await ended).toBe('io server disconnect');
        next.socket = await connectSocket(server.baseUrl, member.token);
        const received: PumpChangedEvent[] = [];
        next.socket.on('pump.changed', (event: PumpChangedEvent) => received.push(event));
        const pumpC = await f.pump((await f.patient(clinicC.id)).id);
        const started = Date.now();
        while (!received.some((e) => e.pumpId === pumpC.id) && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 10));
        expect(received.map((e) => e.pumpId)).toContain(pumpC.id);
      } finally {
        socket.close();
        next.socket?.close();
      }
    });
  });

  describe('password reset', () => {
    it('draws an initial password shown once, ends the sessions and socket, and forces a change at sign-in', async () => {
      const member = await f.member(clinicA.id, 'scheduler', 'forgetful', { email: email('forgetful') });
      const socket = await connectSocket(server.baseUrl, member.token);
      try {
        const ended = disconnected(socket);
        const reset = await adminA.http.post(`/api/users/${member.id}/password`, {});
        expect(reset.status).toBe(200);
        expect(reset.body.initialPassword).toEqual(expect.stringMatching(/^\S{12,}$/));
        expect(reset.body.mustChangePassword).toBe(true);
        expect(await ended).toBe('io server disconnect');
        expect((await member.http.get('/api/auth/me')).status).toBe(401);
        const token = await signIn(server.baseUrl, member.email, reset.body.initialPassword);
        expect((await api(server.baseUrl, { token }).get('/api/pumps')).status).toBe(403);
        // The list never shows it again.
        const listed = ((await adminA.http.get('/api/users')).body as (User & { initialPassword?: string })[]).find(
          (u) => u.id === member.id,
        )!;
        expect(listed.initialPassword).toBeUndefined();
      } finally {
        socket.close();
      }
    });
  });

  describe('a clinic administrator', () => {
    it("cannot touch another clinic's user (404) nor learn that they exist", async () => {
      const memberA = await f.member(clinicA.id, 'staff', 'only-in-a', { email: email('only-in-a') });
      for (const path of [
        `/api/users/${memberA.id}/deactivate`,
        `/api/users/${memberA.id}/reactivate`,
        `/api/users/${memberA.id}/password`,
      ]) {
        expect([path, (await adminB.http.post(path, {})).status]).toEqual([path, 404]);
      }
      expect((await adminB.http.call('PUT', `/api/users/${memberA.id}/clinic-roles/${clinicA.id}`, { role: 'admin' })).status).toBe(404);
      // Nor give them a role in their own clinic B.
      expect((await adminB.http.call('PUT', `/api/users/${memberA.id}/clinic-roles/${clinicB.id}`, { role: 'staff' })).status).toBe(404);
      // Nor give a role of clinic A to one of their own users.
      expect((await adminB.http.call('PUT', `/api/users/${adminB.id}/clinic-roles/${clinicA.id}`, { role: 'staff' })).status).toBe(404);
      expect((await memberA.http.get('/api/auth/me')).status).toBe(200);
      expect((await memberA.http.get('/api/auth/me')).body.user.clinicRoles).toEqual([{ clinicId: clinicA.id, role: 'staff' }]);
    });

    it('cannot deactivate an account that also works in a clinic they do not administer (403)', async () => {
      const shared = await f.member(clinicA.id, 'staff', 'shared', { email: email('shared') });
      expect((await f.http.call('PUT', `/api/users/${shared.id}/clinic-roles/${clinicB.id}`, { role: 'clinician' })).status).toBe(200);
      expect((await adminA.http.post(`/api/users/${shared.id}/deactivate`)).status).toBe(403);
      // Changing their role in clinic A stays theirs to do; the answer shows only clinic A's role.
      const changed = await adminA.http.call('PUT', `/api/users/${shared.id}/clinic-roles/${clinicA.id}`, { role: 'scheduler' });
      expect(changed.status).toBe(200);
      expect(changed.body.clinicRoles).toEqual([{ clinicId: clinicA.id, role: 'scheduler' }]);
      expect((await f.http.post(`/api/users/${shared.id}/deactivate`)).status).toBe(200);
    });
  });
});
