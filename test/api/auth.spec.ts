// Proves sign-in on real PostgreSQL: login, its per-account and per-address throttles, sessions and their revocation, the cookie's CSRF rule, forced and reset passwords, gateway tokens and the first administrator.
import { createHash } from 'node:crypto';
import { createPumpWatchApp } from '../../server/src/app.factory';
import { ManualClock } from '../../server/src/infra/clock';
import { queryRows } from '../support/fixtures';
import { api, JsonResponse, signIn } from '../support/http';
import { createTestDatabase } from '../support/test-database';
import { TEST_ADMIN, useTestServer } from '../support/test-server';

jest.setTimeout(60_000);

const HOUR_MS = 3_600_000;
/** LOGIN_THROTTLE: an account locks for 15 minutes; an address counts its failures over 15 minutes. */
const THROTTLE_WINDOW_MS = 15 * 60_000;
const SESSION_COOKIE = 'pumpwatch_session';
const INITIAL_PASSWORD = 'initial-password-1';
const CHOSEN_PASSWORD = 'chosen-password-12';

interface Account {
  id: string;
  email: string;
  password: string;
}

let counter = 0;
const uniqueEmail = (label: string): string => `${label}-${process.pid}-${++counter}@pumpwatch.test`;

/** Anonymous POST /api/auth/login. */
function login(baseUrl: string, email: unknown, password: unknown): Promise<JsonResponse> {
  return api(baseUrl, { token: null }).post('/api/auth/login', { email, password });
}

/** The `pumpwatch_session` Set-Cookie line of an answer, or undefined. */
function sessionSetCookie(res: JsonResponse): string | undefined {
  return res.headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`));
}

/** `name=value` of a Set-Cookie line: what a browser sends back in the Cookie header. */
const cookiePairOf = (setCookie: string): string => setCookie.split(';')[0].trim();

/** Attribute names (lower case) and values of a Set-Cookie line. */
function cookieAttributesOf(setCookie: string): Map<string, string> {
  return new Map(
    setCookie
      .split(';')
      .slice(1)
      .map((part) => {
        const [name, ...value] = part.trim().split('=');
        return [name.toLowerCase(), value.join('=')] as [string, string];
      }),
  );
}

/** Every object key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
  return [];
}

/** The helpers of one running server: fresh admin sessions (the clock moves, so no cached token), users, clinics. */
function helpersFor(baseUrl: string) {
  const as = (token: string | null) => api(baseUrl, { token });
  const admin = async () => as(await signIn(baseUrl, TEST_ADMIN.email, TEST_ADMIN.password));
  const clinic = async (): Promise<{ id: string }> => {
    const res = await (await admin()).post('/api/clinics', { name: `Clinic ${++counter}`, timeZone: 'Europe/Paris' });
    expect(res.status).toBe(201);
    return res.body;
  };
  /** A clinician created by the administrator: still holding the initial password, so it must change it. */
  const newUser = async (clinicId: string, label = 'clinician'): Promise<Account> => {
    const email = uniqueEmail(label);
    const res = await (
      await admin()
    ).post('/api/users', {
      email,
      displayName: label,
      password: INITIAL_PASSWORD,
      clinicRoles: [{ clinicId, role: 'clinician' }],
    });
    expect(res.status).toBe(201);
    return { id: res.body.id, email, password: INITIAL_PASSWORD };
  };
  /** A clinician who has already replaced the initial password (reaches every route of the role). */
  const activeUser = async (clinicId: string, label = 'active'): Promise<Account> => {
    const user = await newUser(clinicId, label);
    const token = await signIn(baseUrl, user.email, user.password);
    const changed = await as(token).post('/api/auth/password', { currentPassword: user.password, newPassword: CHOSEN_PASSWORD });
    expect(changed.status).toBe(200);
    return { ...user, password: CHOSEN_PASSWORD };
  };
  return { as, admin, clinic, newUser, activeUser };
}

describe('sign-in', () => {
  const clock = new ManualClock('2026-06-01T08:00:00Z');
  let h: ReturnType<typeof helpersFor>;
  let clinicId: string;

  const server = useTestServer({ clock });
  beforeAll(async () => {
    h = helpersFor(server.baseUrl);
    clinicId = (await h.clinic()).id;
  });

  const clinicCount = async (): Promise<number> => (await (await h.admin()).get('/api/clinics')).body.length;

  describe('login', () => {
    it('answers the right credentials with a bearer token, a session of the configured length, the user and a CSRF token', async () => {
      const res = await login(server.baseUrl, TEST_ADMIN.email, TEST_ADMIN.password);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        // Default PUMPWATCH_SESSION_HOURS: 12 hours from the (manual) clock's now.
        expiresAt: new Date(clock.now().getTime() + 12 * HOUR_MS).toISOString(),
        user: expect.objectContaining({ email: TEST_ADMIN.email, administersAllClinics: true, mustChangePassword: false }),
        csrfToken: expect.any(String),
      });
      expect(res.body.csrfToken).not.toBe('');
      expect(res.body.csrfToken).not.toBe(res.body.accessToken);
    });

    it('never puts the password hash in the answer', async () => {
      const res = await login(server.baseUrl, TEST_ADMIN.email, TEST_ADMIN.password);
      expect(res.status).toBe(200);
      expect(keysOf(res.body).filter((key) => /password|hash/i.test(key) && key !== 'mustChangePassword')).toEqual([]);
      expect(JSON.stringify(res.body)).not.toMatch(/\$argon2/);
      expect(JSON.stringify(res.body)).not.toContain(TEST_ADMIN.password);
    });

    it('sets an httpOnly, SameSite=Strict session cookie for the whole site, not Secure over plain http', async () => {
      const res = await login(server.baseUrl, TEST_ADMIN.email, TEST_ADMIN.password);
      const setCookie = sessionSetCookie(res);
      expect(setCookie).toBeDefined();
      expect(cookiePairOf(setCookie!)).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}$`));
      const attributes = cookieAttributesOf(setCookie!);
      expect(attributes.has('httponly')).toBe(true);
      expect(attributes.get('samesite')).toBe('Strict');
      expect(attributes.get('path')).toBe('/');
      expect(attributes.has('secure')).toBe(false);
      expect(new Date(attributes.get('expires')!).toISOString()).toBe(res.body.expiresAt);
    });

    it('matches the email case-insensitively', async () => {
      const res = await login(server.baseUrl, 'ADMIN@PumpWatch.TEST', TEST_ADMIN.password);
      expect(res.status).toBe(200);
      expect(res.body.user.email).toBe(TEST_ADMIN.email);
    });

    it('answers a wrong password and an unknown email alike, without telling which', async () => {
      const wrongPassword = await login(server.baseUrl, TEST_ADMIN.email, 'not-the-password');
      const unknownEmail = await login(server.baseUrl, 'nobody@pumpwatch.test', 'not-the-password');
      expect(wrongPassword.status).toBe(401);
      expect(unknownEmail.status).toBe(401);
      expect(wrongPassword.body).toEqual(expect.objectContaining({ error: 'unauthenticated' }));
      expect(unknownEmail.body).toEqual(wrongPassword.body);
      expect(sessionSetCookie(wrongPassword)).toBeUndefined();
    });

    it.each([
      ['a missing email', { password: 'whatever' }],
      ['an email that is not one', { email: 'not-an-email', password: 'whatever' }],
    ])('refuses %s with 400 naming the field', async (_what, body) => {
      const res = await api(server.baseUrl, { token: null }).post('/api/auth/login', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
      expect(res.body.fields).toEqual([expect.objectContaining({ field: 'email' })]);
    });
  });

  describe('throttling per account', () => {
    // The address throttle counts every failure from 127.0.0.1: leave none of this block's behind for later tests.
    afterEach(() => clock.advanceMs(THROTTLE_WINDOW_MS + 1000));

    it('locks the account after 5 consecutive wrong passwords: even the right one gets 429 with Retry-After', async () => {
      const user = await h.newUser(clinicId, 'locked');
      for (let i = 1; i <= 5; i++) expect((await login(server.baseUrl, user.email, `wrong-password-${i}`)).status).toBe(401);
      const refused = await login(server.baseUrl, user.email, user.password);
      expect(refused.status).toBe(429);
      expect(refused.body.error).toBe('too_many_requests');
      // The clock has not moved since the 5th failure: the whole 15-minute lock remains.
      expect(refused.headers.get('retry-after')).toBe('900');
      expect(sessionSetCookie(refused)).toBeUndefined();
    });

    it('unlocks the account once the 15-minute lock has passed', async () => {
      const user = await h.newUser(clinicId, 'unlocked');
      for (let i = 1; i <= 5; i++) await login(server.baseUrl, user.email, `wrong-password-${i}`);
      clock.advanceMs(THROTTLE_WINDOW_MS - 60_000);
      const stillLocked = await login(server.baseUrl, user.email, user.password);
      expect(stillLocked.status).toBe(429);
      expect(stillLocked.headers.get('retry-after')).toBe('60');
      clock.advanceMs(60_000 + 1000);
      expect((await login(server.baseUrl, user.email, user.password)).status).toBe(200);
    });

    it('resets the count on a successful sign-in (4 failures, success, 4 failures: not locked)', async () => {
      const user = await h.newUser(clinicId, 'reset-count');
      for (let i = 1; i <= 4; i++) expect((await login(server.baseUrl, user.email, `wrong-password-${i}`)).status).toBe(401);
      expect((await login(server.baseUrl, user.email, user.password)).status).toBe(200);
      for (let i = 1; i <= 4; i++) expect((await login(server.baseUrl, user.email, `wrong-password-${i}`)).status).toBe(401);
      expect((await login(server.baseUrl, user.email, user.password)).status).toBe(200);
    });
  });

  describe('sessions', () => {
    it('answers GET /api/auth/me with the user and the CSRF token of the session', async () => {
      const signedIn = await login(server.baseUrl, TEST_ADMIN.email, TEST_ADMIN.password);
      const me = await h.as(signedIn.body.accessToken).get('/api/auth/me');
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ expiresAt: signedIn.body.expiresAt, user: signedIn.body.user, csrfToken: signedIn.body.csrfToken });
    });

    it('revokes the session on logout: the same token then gets 401', async () => {
      const token = await signIn(server.baseUrl, TEST_ADMIN.email, TEST_ADMIN.password);
      expect((await h.as(token).get('/api/pumps')).status).toBe(200);
      const logout = await h.as(token).post('/api/auth/logout');
      expect(logout.status).toBe(204);
      for (const path of ['/api/auth/me', '/api/pumps']) {
        const after = await h.as(token).get(path);
        expect(after.status).toBe(401);
        expect(after.body.error).toBe('unauthenticated');
      }
    });

    it('ends the session once the clock passes expiresAt', async () => {
      const signedIn = await login(server.baseUrl, TEST_ADMIN.email, TEST_ADMIN.password);
      const expiresAt = Date.parse(signedIn.body.expiresAt);
      clock.set(new Date(expiresAt - 1000));
      expect((await h.as(signedIn.body.accessToken).get('/api/auth/me')).status).toBe(200);
      clock.set(new Date(expiresAt + 1000));
      const expired = await h.as(signedIn.body.accessToken).get('/api/auth/me');
      expect(expired.status).toBe(401);
      expect(expired.body.error).toBe('unauthenticated');
      expect((await h.as(signedIn.body.accessToken).get('/api/pumps')).status).toBe(401);
    });
  });

  describe('session cookie and CSRF', () => {
    /** Signs the administrator in and keeps what a browser keeps: the cookie (not readable by scripts) and the CSRF token. */
    const cookieSession = async (): Promise<{ cookie: string; csrfToken: string }> => {
      const res = await login(server.baseUrl, TEST_ADMIN.email, TEST_ADMIN.password);
      expect(res.status).toBe(200);
      return { cookie: cookiePairOf(sessionSetCookie(res)!), csrfToken: res.body.csrfToken };
    };
    const withCookie = (cookie: string, csrfToken?: string) =>
      api(server.baseUrl, { token: null, headers: { cookie, ...(csrfToken === undefined ? {} : { 'x-csrf-token': csrfToken }) } });
    const newClinic = () => ({ name: `Cookie clinic ${++counter}`, timeZone: 'Europe/Paris' });

    it('reads with the cookie alone', async () => {
      const { cookie } = await cookieSession();
      const res = await withCookie(cookie).get('/api/clinics');
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
    });

    it('refuses a cookie write without the x-csrf-token header, and writes nothing', async () => {
      const { cookie } = await cookieSession();
      const before = await clinicCount();
      const res = await withCookie(cookie).post('/api/clinics', newClinic());
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('csrf_token_invalid');
      expect(await clinicCount()).toBe(before);
    });

    it('refuses a cookie write with a wrong x-csrf-token, and writes nothing', async () => {
      const { cookie, csrfToken } = await cookieSession();
      const other = await cookieSession();
      const before = await clinicCount();
      for (const wrong of ['not-the-token', `${csrfToken}x`, other.csrfToken]) {
        const res = await withCookie(cookie, wrong).post('/api/clinics', newClinic());
        expect(res.status).toBe(403);
        expect(res.body.error).toBe('csrf_token_invalid');
      }
      expect(await clinicCount()).toBe(before);
    });

    it("accepts a cookie write carrying the session's csrfToken", async () => {
      const { cookie, csrfToken } = await cookieSession();
      const before = await clinicCount();
      const res = await withCookie(cookie, csrfToken).post('/api/clinics', newClinic());
      expect(res.status).toBe(201);
      expect(await clinicCount()).toBe(before + 1);
    });

    it('needs no CSRF header on a write authenticated by the bearer token', async () => {
      const res = await (await h.admin()).post('/api/clinics', newClinic());
      expect(res.status).toBe(201);
    });

    it('refuses a cookie logout without the CSRF header (a cross-site page cannot sign the user out)', async () => {
      const { cookie } = await cookieSession();
      const res = await withCookie(cookie).post('/api/auth/logout');
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('csrf_token_invalid');
      expect((await withCookie(cookie).get('/api/auth/me')).status).toBe(200);
    });

    it('clears the cookie and ends the session on a cookie logout', async () => {
      const { cookie, csrfToken } = await cookieSession();
      const res = await withCookie(cookie, csrfToken).post('/api/auth/logout');
      expect(res.status).toBe(204);
      const cleared = sessionSetCookie(res);
      expect(cleared).toBeDefined();
      expect(cookiePairOf(cleared!)).toBe(`${SESSION_COOKIE}=`);
      const attributes = cookieAttributesOf(cleared!);
      expect(Date.parse(attributes.get('expires')!)).toBeLessThan(clock.now().getTime());
      expect(attributes.get('path')).toBe('/');
      expect(attributes.has('httponly')).toBe(true);
      expect((await withCookie(cookie).get('/api/clinics')).status).toBe(401);
    });
  });

  describe('forced password change at first sign-in', () => {
    it('creates a user who must change the initial password', async () => {
      const email = uniqueEmail('forced');
      const created = await (
        await h.admin()
      ).post('/api/users', {
        email,
        displayName: 'Forced',
        password: INITIAL_PASSWORD,
        clinicRoles: [{ clinicId, role: 'clinician' }],
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual(
        expect.objectContaining({ email, mustChangePassword: true, clinicRoles: [{ clinicId, role: 'clinician' }] }),
      );
      const signedIn = await login(server.baseUrl, email, INITIAL_PASSWORD);
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.user.mustChangePassword).toBe(true);
    });

    it('refuses other routes with 403 password_change_required until then, but answers me', async () => {
      const user = await h.newUser(clinicId, 'forced');
      const as = h.as(await signIn(server.baseUrl, user.email, user.password));
      const pumps = await as.get('/api/pumps');
      expect(pumps.status).toBe(403);
      expect(pumps.body.error).toBe('password_change_required');
      const me = await as.get('/api/auth/me');
      expect(me.status).toBe(200);
      expect(me.body.user.mustChangePassword).toBe(true);
    });

    it('refuses a wrong current password with 422 naming currentPassword', async () => {
      const user = await h.newUser(clinicId, 'forced');
      const as = h.as(await signIn(server.baseUrl, user.email, user.password));
      const res = await as.post('/api/auth/password', { currentPassword: 'not-the-password', newPassword: CHOSEN_PASSWORD });
      expect(res.status).toBe(422);
      expect(res.body.fields).toEqual([expect.objectContaining({ field: 'currentPassword' })]);
      expect((await as.get('/api/pumps')).status).toBe(403);
    });

    it('refuses a new password shorter than 12 characters with 400 naming newPassword', async () => {
      const user = await h.newUser(clinicId, 'forced');
      const as = h.as(await signIn(server.baseUrl, user.email, user.password));
      const res = await as.post('/api/auth/password', { currentPassword: user.password, newPassword: 'short-pw-11' });
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([expect.objectContaining({ field: 'newPassword' })]);
      expect((await as.get('/api/pumps')).status).toBe(403);
    });

    it('refuses a new password equal to the current one with 422', async () => {
      const user = await h.newUser(clinicId, 'forced');
      const as = h.as(await signIn(server.baseUrl, user.email, user.password));
      const res = await as.post('/api/auth/password', { currentPassword: user.password, newPassword: user.password });
      expect(res.status).toBe(422);
      expect(res.body.fields).toEqual([expect.objectContaining({ field: 'newPassword' })]);
      expect((await as.get('/api/pumps')).status).toBe(403);
    });

    it('changes the password: the same session then reaches every route, only the new password signs in', async () => {
      const user = await h.newUser(clinicId, 'forced');
      const as = h.as(await signIn(server.baseUrl, user.email, user.password));
      const res = await as.post('/api/auth/password', { currentPassword: user.password, newPassword: CHOSEN_PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expect.objectContaining({ id: user.id, email: user.email, mustChangePassword: false }));
      expect((await as.get('/api/pumps')).status).toBe(200);
      expect((await login(server.baseUrl, user.email, user.password)).status).toBe(401);
      const withNew = await login(server.baseUrl, user.email, CHOSEN_PASSWORD);
      expect(withNew.status).toBe(200);
      expect(withNew.body.user.mustChangePassword).toBe(false);
    });

    it("ends the user's other sessions but keeps the one that changed the password", async () => {
      const user = await h.newUser(clinicId, 'forced');
      const current = h.as(await signIn(server.baseUrl, user.email, user.password));
      const other = h.as(await signIn(server.baseUrl, user.email, user.password));
      expect((await other.get('/api/auth/me')).status).toBe(200);
      expect((await current.post('/api/auth/password', { currentPassword: user.password, newPassword: CHOSEN_PASSWORD })).status).toBe(200);
      expect((await other.get('/api/auth/me')).status).toBe(401);
      expect((await current.get('/api/auth/me')).status).toBe(200);
    });
  });

  describe('users list (issue 16)', () => {
    it('lists the first administrator, who administers every clinic without a clinic role, like every other user', async () => {
      const other = await h.newUser(clinicId, 'listed');
      const res = await (await h.admin()).get('/api/users');
      expect(res.status).toBe(200);
      const emails = (res.body as { email: string }[]).map((u) => u.email);
      expect(emails).toEqual(expect.arrayContaining([TEST_ADMIN.email, other.email]));
      expect(res.body.find((u: { email: string }) => u.email === TEST_ADMIN.email)).toEqual(
        expect.objectContaining({
          displayName: expect.any(String),
          administersAllClinics: true,
          clinicRoles: [],
        }),
      );
    });

    it('shows a clinic administrator the administrators of every clinic too, but no user of a clinic they do not administer', async () => {
      const elsewhere = await h.clinic();
      const stranger = await h.newUser(elsewhere.id, 'stranger');
      const email = uniqueEmail('clinic-admin');
      const created = await (
        await h.admin()
      ).post('/api/users', { email, displayName: 'Clinic admin', password: INITIAL_PASSWORD, clinicRoles: [{ clinicId, role: 'admin' }] });
      expect(created.status).toBe(201);
      const token = await signIn(server.baseUrl, email, INITIAL_PASSWORD);
      expect(
        (await h.as(token).post('/api/auth/password', { currentPassword: INITIAL_PASSWORD, newPassword: CHOSEN_PASSWORD })).status,
      ).toBe(200);
      const res = await h.as(await signIn(server.baseUrl, email, CHOSEN_PASSWORD)).get('/api/users');
      expect(res.status).toBe(200);
      const listed = res.body as { email: string; administersAllClinics: boolean; clinicRoles: unknown[] }[];
      expect(listed.find((u) => u.email === TEST_ADMIN.email)).toEqual(
        expect.objectContaining({ administersAllClinics: true, clinicRoles: [] }),
      );
      expect(listed.map((u) => u.email)).toContain(email);
      expect(listed.map((u) => u.email)).not.toContain(stranger.email);
    });
  });

  describe('password reset by an administrator', () => {
    const RESET_PASSWORD = 'reset-password-12';

    it('ends every session of the user and makes the user change the password', async () => {
      const user = await h.activeUser(clinicId, 'reset');
      const sessions = [
        h.as(await signIn(server.baseUrl, user.email, user.password)),
        h.as(await signIn(server.baseUrl, user.email, user.password)),
      ];
      for (const session of sessions) expect((await session.get('/api/pumps')).status).toBe(200);
      const res = await (await h.admin()).post(`/api/users/${user.id}/password`, { password: RESET_PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expect.objectContaining({ id: user.id, mustChangePassword: true }));
      for (const session of sessions) {
        const after = await session.get('/api/pumps');
        expect(after.status).toBe(401);
        expect(after.body.error).toBe('unauthenticated');
      }
    });

    it('signs in with the reset password only, into a session that must change it first', async () => {
      const user = await h.activeUser(clinicId, 'reset');
      expect((await (await h.admin()).post(`/api/users/${user.id}/password`, { password: RESET_PASSWORD })).status).toBe(200);
      expect((await login(server.baseUrl, user.email, user.password)).status).toBe(401);
      const signedIn = await login(server.baseUrl, user.email, RESET_PASSWORD);
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.user.mustChangePassword).toBe(true);
      const pumps = await h.as(signedIn.body.accessToken).get('/api/pumps');
      expect(pumps.status).toBe(403);
      expect(pumps.body.error).toBe('password_change_required');
    });
  });

  describe('gateway machine tokens', () => {
    const createToken = async (name = `gateway ${++counter}`) => {
      const res = await (await h.admin()).post('/api/machine-tokens', { clinicId, name });
      expect(res.status).toBe(201);
      return res.body as { id: string; token: string; name: string; clinicId: string; revokedAt: string | null };
    };

    it('creates a pwm_ token carrying a 256-bit secret, shown once and never listed', async () => {
      const created = await createToken('ward 3 gateway');
      expect(created).toEqual(expect.objectContaining({ clinicId, name: 'ward 3 gateway', revokedAt: null, lastUsedAt: null }));
      expect(created.token).toMatch(/^pwm_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(created.token.slice('pwm_'.length), 'base64url')).toHaveLength(32);
      const listed = await (await h.admin()).get('/api/machine-tokens');
      expect(listed.status).toBe(200);
      const entry = listed.body.find((t: { id: string }) => t.id === created.id);
      expect(entry).toEqual(expect.objectContaining({ id: created.id, name: 'ward 3 gateway', clinicId }));
      expect(entry).not.toHaveProperty('token');
      expect(JSON.stringify(listed.body)).not.toContain(created.token.slice('pwm_'.length));
    });

    it('notes when a token was last used, at most once per resolution', async () => {
      const created = await createToken();
      const lastUsed = async () =>
        ((await (await h.admin()).get('/api/machine-tokens')).body as { id: string; lastUsedAt: string | null }[]).find(
          (t) => t.id === created.id,
        )?.lastUsedAt;
      expect(await lastUsed()).toBeNull();
      const gateway = h.as(created.token);
      expect(
        (await gateway.post('/api/telemetry', { readings: [{ serialNumber: 'NOT-A-PUMP', recordedAt: clock.now().toISOString() }] }))
          .status,
      ).toBe(200);
      const first = clock.now().toISOString();
      expect(await lastUsed()).toBe(first);
      clock.advanceMs(1_000);
      await gateway.post('/api/telemetry', { readings: [{ serialNumber: 'NOT-A-PUMP', recordedAt: clock.now().toISOString() }] });
      expect(await lastUsed()).toBe(first);
      clock.advanceMs(24 * 3_600_000);
      await gateway.post('/api/telemetry', { readings: [{ serialNumber: 'NOT-A-PUMP', recordedAt: clock.now().toISOString() }] });
      expect(await lastUsed()).toBe(clock.now().toISOString());
    });

    it('stores only the SHA-256 of the token', async () => {
      const created = await createToken();
      const rows = await queryRows<Record<string, unknown> & { token_hash: Buffer }>(
        server.databaseUrl,
        'SELECT * FROM machine_tokens WHERE id = $1',
        [created.id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash.toString('hex')).toBe(createHash('sha256').update(created.token, 'utf8').digest('hex'));
      const secret = created.token.slice('pwm_'.length);
      for (const value of Object.values(rows[0])) {
        const shown = Buffer.isBuffer(value)
          ? [value.toString('utf8'), value.toString('hex'), value.toString('base64'), value.toString('base64url')]
          : [String(value instanceof Date ? value.toISOString() : value)];
        for (const text of shown) expect(text).not.toContain(secret);
      }
    });

    it('refuses the token everywhere but telemetry (403 on reads and writes)', async () => {
      const created = await createToken();
      const gateway = h.as(created.token);
      const pumps = await gateway.get('/api/pumps');
      expect(pumps.status).toBe(403);
      expect(pumps.body.error).toBe('forbidden');
      const before = await clinicCount();
      const write = await gateway.post('/api/clinics', { name: `Gateway clinic ${++counter}`, timeZone: 'Europe/Paris' });
      expect(write.status).toBe(403);
      expect(write.body.error).toBe('forbidden');
      expect(await clinicCount()).toBe(before);
    });

    it('revokes the token: it then answers 401', async () => {
      const created = await createToken();
      const revoked = await (await h.admin()).post(`/api/machine-tokens/${created.id}/revoke`);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toEqual(expect.objectContaining({ id: created.id, revokedAt: clock.now().toISOString() }));
      expect(revoked.body).not.toHaveProperty('token');
      const after = await h.as(created.token).get('/api/pumps');
      expect(after.status).toBe(401);
      expect(after.body.error).toBe('unauthenticated');
    });

    it('answers a second revocation with 200 and the first revocation unchanged', async () => {
      const created = await createToken();
      const first = await (await h.admin()).post(`/api/machine-tokens/${created.id}/revoke`);
      expect(first.status).toBe(200);
      clock.advanceMs(60_000);
      const second = await (await h.admin()).post(`/api/machine-tokens/${created.id}/revoke`);
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
    });
  });
});

describe('throttling per address', () => {
  const clock = new ManualClock('2026-06-01T08:00:00Z');
  let h: ReturnType<typeof helpersFor>;
  let other: Account;

  // A server of its own: its 20 failures from 127.0.0.1 would throttle every other test of the file.
  const server = useTestServer({ clock });
  beforeAll(async () => {
    h = helpersFor(server.baseUrl);
    other = await h.newUser((await h.clinic()).id, 'other');
  });

  it('refuses the address after 20 failures within 15 minutes, even for another account, until the window passes', async () => {
    // Failures spread over known and unknown emails, none of which reaches the per-account lock of 5.
    const attempts = [
      ...Array.from({ length: 4 }, () => TEST_ADMIN.email),
      ...Array.from({ length: 16 }, (_v, i) => `unknown-${i}@pumpwatch.test`),
    ];
    for (const email of attempts) {
      const res = await login(server.baseUrl, email, 'not-the-password');
      expect(res.status).toBe(401);
      clock.advanceMs(10_000);
    }
    const refused = await login(server.baseUrl, other.email, other.password);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('too_many_requests');
    // The first failure was 20 x 10 s = 200 s ago: it leaves the 900-second window in 700 s.
    expect(refused.headers.get('retry-after')).toBe('700');
    clock.advanceMs(700_000);
    expect((await login(server.baseUrl, other.email, other.password)).status).toBe(200);
  });

  it('counts the failures of every instance: a second server on the same database refuses the address too', async () => {
    clock.advanceMs(3_600_000);
    const second = await createPumpWatchApp({
      databaseUrl: server.databaseUrl,
      demo: false,
      logLevel: 'silent',
      bootstrapAdmin: null,
      clock,
    });
    try {
      await second.listen(0, '127.0.0.1');
      const secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
      // Half the failures on each instance: neither alone reaches 20.
      for (let i = 0; i < 20; i++) {
        expect((await login(i % 2 === 0 ? server.baseUrl : secondUrl, `unknown-${i}@pumpwatch.test`, 'not-the-password')).status).toBe(401);
      }
      expect((await login(server.baseUrl, other.email, other.password)).status).toBe(429);
      expect((await login(secondUrl, other.email, other.password)).status).toBe(429);
    } finally {
      await second.close();
    }
  });

  it("behind a trusted proxy (PUMPWATCH_TRUST_PROXY=1) counts each client by X-Forwarded-For, not the proxy's address", async () => {
    clock.advanceMs(3_600_000);
    const proxied = await createPumpWatchApp({
      databaseUrl: server.databaseUrl,
      demo: false,
      logLevel: 'silent',
      bootstrapAdmin: null,
      clock,
      trustProxyHops: 1,
    });
    try {
      await proxied.listen(0, '127.0.0.1');
      const proxiedUrl = `http://127.0.0.1:${(proxied.getHttpServer().address() as { port: number }).port}`;
      const from = (client: string) => api(proxiedUrl, { token: null, headers: { 'x-forwarded-for': client } });
      for (let i = 0; i < 20; i++) {
        expect(
          (await from('203.0.113.7').post('/api/auth/login', { email: `unknown-${i}@pumpwatch.test`, password: 'not-the-password' }))
            .status,
        ).toBe(401);
      }
      expect((await from('203.0.113.7').post('/api/auth/login', { email: other.email, password: other.password })).status).toBe(429);
      // Another client behind the same proxy (same socket address 127.0.0.1) still signs in.
      expect((await from('203.0.113.8').post('/api/auth/login', { email: other.email, password: other.password })).status).toBe(200);
    } finally {
      await proxied.close();
    }
  });
});

describe('first administrator', () => {
  let databaseUrl: string;
  let dropDatabase: (() => Promise<void>) | null = null;

  beforeAll(async () => {
    const database = await createTestDatabase();
    databaseUrl = database.url;
    dropDatabase = () => database.drop();
  });
  afterAll(async () => {
    await dropDatabase?.();
  });

  /** Creates the app without PUMPWATCH_ADMIN_EMAIL/PASSWORD, capturing what it writes to standard error meanwhile. */
  const startWithoutConfiguredAdmin = async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
    try {
      const app = await createPumpWatchApp({ databaseUrl, demo: false, logLevel: 'silent', bootstrapAdmin: null });
      return { app, stderr: written.join('') };
    } finally {
      spy.mockRestore();
    }
  };

  it('creates admin@pumpwatch.local with a one-time password printed once to standard error, then never again', async () => {
    const first = await startWithoutConfiguredAdmin();
    let password: string | undefined;
    try {
      const printed = /password:\s+(\S+)/.exec(first.stderr);
      expect(first.stderr).toContain('admin@pumpwatch.local');
      expect(printed).not.toBeNull();
      password = printed![1];
      expect(first.stderr.split(password)).toHaveLength(2);
      await first.app.listen(0, '127.0.0.1');
      const baseUrl = `http://127.0.0.1:${(first.app.getHttpServer().address() as { port: number }).port}`;
      const signedIn = await login(baseUrl, 'admin@pumpwatch.local', password);
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.user).toEqual(
        expect.objectContaining({ email: 'admin@pumpwatch.local', administersAllClinics: true, mustChangePassword: true }),
      );
    } finally {
      await first.app.close();
    }

    const second = await startWithoutConfiguredAdmin();
    try {
      expect(second.stderr).not.toContain('first administrator');
      expect(second.stderr).not.toContain(password as string);
      const users = await queryRows<{ email: string }>(databaseUrl, 'SELECT email FROM users');
      expect(users).toEqual([{ email: 'admin@pumpwatch.local' }]);
    } finally {
      await second.app.close();
    }
  });
});
