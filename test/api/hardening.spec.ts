// Hardening on a real server: security headers, closed CORS, body limits, no stack traces, stripped fields, request ids, clean logs.
import { createClinicSchema } from '@pumpwatch/shared';
import { ZodValidationPipe } from '../../server/src/infra/zod-validation.pipe';
import { countRows, fixtures, queryRows } from '../support/fixtures';
import { api } from '../support/http';
import { TEST_ADMIN, useTestServer } from '../support/test-server';

jest.setTimeout(60_000);

const FOREIGN_ORIGIN = 'https://elsewhere.example.com';
const CONFIGURED_ORIGIN = 'https://dashboard.example.org';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A bearer token for raw fetch calls to protected routes (the test administrator, as the http helper signs in). */
async function adminBearer(baseUrl: string): Promise<Record<string, string>> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: TEST_ADMIN.email, password: TEST_ADMIN.password }),
  });
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}`);
  const { accessToken } = (await res.json()) as { accessToken: string };
  return { authorization: `Bearer ${accessToken}` };
}

describe('hardening with the default configuration', () => {
  const server = useTestServer();

  it.each([
    ['the API', '/api/health'],
    ['the dashboard', '/'],
    ['Swagger UI', '/api/docs'],
  ])('sends the security headers on %s', async (_what, path) => {
    const res = await fetch(`${server.baseUrl}${path}`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    // Over plain http nothing is upgraded and no HSTS is pinned.
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('answers no CORS headers to a foreign origin, neither on a request nor on a preflight', async () => {
    const simple = await fetch(`${server.baseUrl}/api/health`, { headers: { origin: FOREIGN_ORIGIN } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    expect(simple.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(`${server.baseUrl}/api/clinics`, {
      method: 'OPTIONS',
      headers: {
        origin: FOREIGN_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('refuses a socket.io handshake from a foreign origin, accepts its own origin and non-browser clients', async () => {
    const handshake = (headers: Record<string, string>) => fetch(`${server.baseUrl}/socket.io/?EIO=4&transport=polling`, { headers });
    const foreign = await handshake({ origin: FOREIGN_ORIGIN });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect((await handshake({ origin: server.baseUrl })).status).toBe(200);
    expect((await handshake({})).status).toBe(200);
  });

  it('refuses a body over the 1mb limit with 413 naming the body, and stores nothing', async () => {
    const before = await countRows(server.databaseUrl, 'clinics');
    const res = await api(server.baseUrl).post('/api/clinics', { name: 'x'.repeat(1_100_000), timeZone: 'Europe/Paris' });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      statusCode: 413,
      error: 'payload_too_large',
      message: 'body is larger than the 1048576-byte limit',
      fields: [{ field: 'body', message: 'is larger than the 1048576-byte limit' }],
    });
    expect(res.headers.get('x-request-id')).toMatch(UUID);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await countRows(server.databaseUrl, 'clinics')).toBe(before);
  });

  it('answers malformed JSON and an unsupported body encoding without a stack trace', async () => {
    const auth = await adminBearer(server.baseUrl);
    const malformed = await fetch(`${server.baseUrl}/api/clinics`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"name": "A",',
    });
    const malformedText = await malformed.text();
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformedText)).toMatchObject({ statusCode: 400, error: 'validation_failed', fields: [{ field: 'body' }] });
    const encoded = await fetch(`${server.baseUrl}/api/clinics`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'compress' },
      body: '{}',
    });
    const encodedText = await encoded.text();
    expect(encoded.status).toBe(415);
    expect(JSON.parse(encodedText)).toMatchObject({ statusCode: 415, error: 'unsupported_media_type', fields: [{ field: 'body' }] });
    for (const text of [malformedText, encodedText]) {
      expect(text).not.toMatch(/"stack"|\n\s+at |node_modules|\.ts:\d+|\.js:\d+/);
    }
  });

  it('strips unknown fields: the extra field is absent from the answer, the row, the event and the audit trail', async () => {
    const pipe = new ZodValidationPipe(createClinicSchema);
    expect(pipe.transform({ name: 'Stripped', timeZone: 'Europe/Paris', isAdmin: true })).toEqual({
      name: 'Stripped',
      timeZone: 'Europe/Paris',
    });

    const clinic = await fixtures(server.baseUrl).clinic({
      smuggledField: 'smuggled-value-7731',
      id: '00000000-0000-4000-8000-000000000001',
    });
    expect(clinic).not.toHaveProperty('smuggledField');
    expect(clinic.id).not.toBe('00000000-0000-4000-8000-000000000001');
    const [row] = await queryRows<{ row: Record<string, unknown> }>(
      server.databaseUrl,
      'SELECT to_jsonb(c) AS row FROM clinics c WHERE id = $1',
      [clinic.id],
    );
    expect(Object.keys(row.row)).not.toContain('smuggled_field');
    for (const table of ['clinics', 'events', 'audit_log']) {
      const [found] = await queryRows<{ n: number }>(
        server.databaseUrl,
        `SELECT count(*)::int AS n FROM ${table} t WHERE t::text LIKE '%smuggled%'`,
      );
      expect({ table, n: found.n }).toEqual({ table, n: 0 });
    }
  });

  it('gives every answer a request id, keeping a well-formed incoming one and replacing a malformed one', async () => {
    const fresh = await fetch(`${server.baseUrl}/api/health`);
    expect(fresh.headers.get('x-request-id')).toMatch(UUID);
    const kept = await fetch(`${server.baseUrl}/api/health`, { headers: { 'x-request-id': 'proxy-7f3a.42:1' } });
    expect(kept.headers.get('x-request-id')).toBe('proxy-7f3a.42:1');
    for (const bad of ['two words', 'x'.repeat(200), 'quote"d']) {
      const replaced = await fetch(`${server.baseUrl}/api/health`, { headers: { 'x-request-id': bad } });
      expect(replaced.headers.get('x-request-id')).toMatch(UUID);
    }
    const notFound = await fetch(`${server.baseUrl}/api/no-such-route`);
    expect(notFound.headers.get('x-request-id')).toMatch(UUID);
  });
});

describe('hardening with CORS origins, an https public URL and a small body limit', () => {
  const server = useTestServer({ corsOrigins: [CONFIGURED_ORIGIN], publicUrl: 'https://pumps.example.org', bodyLimit: '2kb' });

  it('allows the configured origin with credentials, and still no other', async () => {
    const allowed = await fetch(`${server.baseUrl}/api/health`, { headers: { origin: CONFIGURED_ORIGIN } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(CONFIGURED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const preflight = await fetch(`${server.baseUrl}/api/clinics`, {
      method: 'OPTIONS',
      headers: {
        origin: CONFIGURED_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-csrf-token',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(CONFIGURED_ORIGIN);
    const foreign = await fetch(`${server.baseUrl}/api/health`, { headers: { origin: FOREIGN_ORIGIN } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the configured origin open socket.io with CORS, and refuses a foreign one', async () => {
    const allowed = await fetch(`${server.baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: { origin: CONFIGURED_ORIGIN } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(CONFIGURED_ORIGIN);
    const foreign = await fetch(`${server.baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: { origin: FOREIGN_ORIGIN } });
    expect(foreign.status).toBe(403);
  });

  it('pins https with HSTS and upgrades insecure requests when the public URL is https', async () => {
    const res = await fetch(`${server.baseUrl}/api/health`);
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });

  it('applies the configured body limit', async () => {
    const http = api(server.baseUrl);
    const over = await http.post('/api/clinics', { name: 'x'.repeat(3000), timeZone: 'Europe/Paris' });
    expect(over.status).toBe(413);
    expect(over.body.fields).toEqual([{ field: 'body', message: 'is larger than the 2048-byte limit' }]);
    const under = await http.post('/api/clinics', { name: 'Small clinic', timeZone: 'Europe/Paris' });
    expect(under.status).toBe(201);
  });
});

describe('request logs', () => {
  const lines: string[] = [];
  const server = useTestServer({ logLevel: 'info', logDestination: { write: (line: string) => void lines.push(line) } });

  /** pino-http writes when the answer has finished, which may be just after the client has read it. */
  async function waitForLine(fragment: string): Promise<void> {
    for (let waited = 0; waited < 3_000 && !lines.some((line) => line.includes(fragment)); waited += 25) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('are JSON lines with the request id, and never hold a password, a token, a cookie or a patient name', async () => {
    const wrongPassword = 'wrong-password-Vq81xZ';
    const patientName = 'Zebulon Quackenbush';
    const refused = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: TEST_ADMIN.email, password: wrongPassword }),
    });
    expect(refused.status).not.toBe(200);
    const signedIn = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: TEST_ADMIN.email, password: TEST_ADMIN.password }),
    });
    expect(signedIn.status).toBe(200);
    const { accessToken, csrfToken } = (await signedIn.json()) as { accessToken: string; csrfToken: string };
    const setCookie = signedIn.headers.get('set-cookie') ?? '';

    const clinic = await fixtures(server.baseUrl).clinic();
    await fixtures(server.baseUrl).patient(clinic.id, { displayName: patientName });

    const search = await fetch(`${server.baseUrl}/api/pumps?q=${encodeURIComponent(patientName)}`, {
      headers: {
        authorization: `Bearer ${accessToken}`,
        cookie: `pumpwatch_session=cookie-secret-5521; other=cookie-secret-5522`,
        'x-csrf-token': csrfToken,
        'x-request-id': 'trace-search-0001',
      },
    });
    expect(search.status).toBe(200);
    expect(search.headers.get('x-request-id')).toBe('trace-search-0001');
    await waitForLine('trace-search-0001');

    const log = lines.join('');
    const entries = lines
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, any>);
    const searchEntry = entries.find((entry) => entry.req?.id === 'trace-search-0001');
    expect(searchEntry).toMatchObject({ req: { method: 'GET', path: '/api/pumps', id: 'trace-search-0001' }, res: { statusCode: 200 } });
    expect(entries.filter((entry) => entry.req?.path === '/api/auth/login').length).toBeGreaterThanOrEqual(2);

    const secrets = [
      TEST_ADMIN.password,
      wrongPassword,
      accessToken,
      csrfToken,
      'cookie-secret-5521',
      'cookie-secret-5522',
      'Zebulon',
      'Quackenbush',
      'q=',
      'Bearer',
    ];
    const sessionCookieValue = /pumpwatch_session=([^;]+)/.exec(setCookie)?.[1];
    if (sessionCookieValue) secrets.push(sessionCookieValue);
    for (const secret of secrets) expect({ secret, logged: log.includes(secret) }).toEqual({ secret, logged: false });
  });
});

describe('input the database cannot store, and filters naming another clinic (issue 14)', () => {
  const server = useTestServer();

  it.each([
    ['a NUL in a clinic name', '/api/clinics', () => ({ name: 'Clinic\u0000', timeZone: 'Europe/Paris' }), 'name', /NUL/],
    ['a lone surrogate in a clinic name', '/api/clinics', () => ({ name: 'Clinic \uD83D', timeZone: 'Europe/Paris' }), 'name', /surrogate/],
  ])('refuses %s with 400 naming the field, storing nothing', async (_what, route, body, field, message) => {
    const before = await countRows(server.databaseUrl, 'clinics');
    const res = await api(server.baseUrl).post(route, body());
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ field, message: expect.stringMatching(message) }]);
    expect(await countRows(server.databaseUrl, 'clinics')).toBe(before);
  });

  it('refuses NUL, surrogates and impossible dates in patient, pump and side-effect fields, naming each (no 500)', async () => {
    const f = fixtures(server.baseUrl);
    const clinic = await f.clinic();
    const patient = await f.patient(clinic.id);
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ['/api/patients', { clinicId: clinic.id, mrn: 'MRN\u0000', displayName: 'P', birthDate: '1970-01-01', sex: 'female' }, 'mrn', /NUL/],
      [
        '/api/patients',
        { clinicId: clinic.id, mrn: 'MRN-S', displayName: 'P\uDC00', birthDate: '1970-01-01', sex: 'female' },
        'displayName',
        /surrogate/,
      ],
      [
        '/api/patients',
        { clinicId: clinic.id, mrn: 'MRN-D', displayName: 'P', birthDate: '2026-02-30', sex: 'female' },
        'birthDate',
        /real calendar date/,
      ],
      [
        '/api/patients',
        { clinicId: clinic.id, mrn: 'MRN-Y', displayName: 'P', birthDate: '0000-01-01', sex: 'female' },
        'birthDate',
        /1900-01-01/,
      ],
      [
        '/api/pumps',
        { patientId: patient.id, modelId: 'synchromed-ii-20', serialNumber: 'NGP\u0000', implantDate: '2025-01-10' },
        'serialNumber',
        /NUL/,
      ],
      [
        '/api/pumps',
        { patientId: patient.id, modelId: 'synchromed-ii-20', serialNumber: 'NGP-D', implantDate: '2026-02-30' },
        'implantDate',
        /real calendar date/,
      ],
      [
        `/api/patients/${patient.id}/side-effects`,
        { kind: 'sedation', severity: 'mild', reportedAt: '2026-03-01T09:00:00Z', onsetOn: '2026-02-30', reportedBy: 'staff' },
        'onsetOn',
        /real calendar date/,
      ],
    ];
    const before = { patients: await countRows(server.databaseUrl, 'patients'), pumps: await countRows(server.databaseUrl, 'pumps') };
    for (const [route, body, field, message] of cases) {
      const res = await f.http.post(route, body);
      expect({ route, field, status: res.status }).toEqual({ route, field, status: 400 });
      expect(res.body.fields).toContainEqual({ field, message: expect.stringMatching(message) });
    }
    expect({ patients: await countRows(server.databaseUrl, 'patients'), pumps: await countRows(server.databaseUrl, 'pumps') }).toEqual(
      before,
    );
  });

  it('trims free text and identifiers before storing them', async () => {
    const f = fixtures(server.baseUrl);
    const clinic = await f.clinic({ name: '  Trimmed clinic  ' });
    expect(clinic.name).toBe('Trimmed clinic');
    const patient = await f.patient(clinic.id, { mrn: '  MRN-TRIM-1 ' });
    expect(patient.mrn).toBe('MRN-TRIM-1');
  });

  it('answers 404 naming the field for list filters naming another clinic or nothing known', async () => {
    const f = fixtures(server.baseUrl);
    const mine = await f.clinic();
    const other = await f.clinic();
    const otherPump = await f.pump((await f.patient(other.id)).id);
    const otherNurse = await f.clinicianWithSessions(other.id, 'Nurse Elsewhere', [{ weekday: 1, start: '08:00', end: '12:00' }]);
    const admin = await f.member(mine.id, 'admin', 'filter-admin');
    const cases: [string, string][] = [
      [`/api/audit?clinicId=${other.id}`, 'clinicId'],
      [`/api/appointments?pumpId=${otherPump.id}`, 'pumpId'],
      [`/api/appointments?clinicianId=${otherNurse.id}`, 'clinicianId'],
      [`/api/appointments?clinicId=${other.id}`, 'clinicId'],
      [`/api/pumps?clinicId=${other.id}`, 'clinicId'],
    ];
    for (const [path, field] of cases) {
      const res = await admin.http.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body.fields).toEqual([expect.objectContaining({ field })]);
    }
    // The same filters on the member's own clinic still answer.
    expect((await admin.http.get(`/api/audit?clinicId=${mine.id}`)).status).toBe(200);
    // The administrator of every clinic gets 404 only for a clinic that does not exist.
    expect((await f.http.get(`/api/audit?clinicId=${other.id}`)).status).toBe(200);
    expect((await f.http.get('/api/audit?clinicId=00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('refuses impossible and out-of-window dates in query strings, naming the parameter', async () => {
    const f = fixtures(server.baseUrl);
    for (const [path, field] of [
      ['/api/appointments?from=2026-02-30T00:00:00Z', 'from'],
      ['/api/appointments?to=0000-01-01T00:00:00Z', 'to'],
      ['/api/audit?from=9999-01-01T00:00:00Z', 'from'],
    ] as const) {
      const res = await f.http.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(res.body.fields).toEqual([expect.objectContaining({ field })]);
    }
  });
});
