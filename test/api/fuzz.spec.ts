// A hostile client against every write route (and read query string) of the OpenAPI document: no answer is a 5xx, and a refused
// request stores nothing.
import { Client } from 'pg';
import { fixtures, queryRows } from '../support/fixtures';
import { adminToken } from '../support/http';
import { useTestServer } from '../support/test-server';

jest.setTimeout(120_000);

type JsonSchema = {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  minItems?: number;
  minLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
};
interface Operation {
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
interface ReadOperation {
  parameters?: { name: string; in: string }[];
}
interface OpenApiDocument {
  paths: Record<string, Partial<Record<'post' | 'put' | 'patch', Operation>> & { get?: ReadOperation }>;
}

/** Routes a fuzzer must not call: signing the administrator out would end the run, not test anything. */
const SKIPPED = new Set(['POST /api/auth/logout']);

/** Tables only requests write (jobs write alerts, events, pages, sessions and login failures on their own). */
const STORED_TABLES = [
  'clinics',
  'patients',
  'pumps',
  'fills',
  'programs',
  'clinicians',
  'clinician_availability',
  'rooms',
  'appointments',
  'users',
  'clinic_memberships',
  'machine_tokens',
  'webhook_endpoints',
  'notification_channels',
  'on_call_shifts',
  'escalation_policies',
  'calendar_feed_tokens',
  'telemetry_readings',
  'pump_events',
  'check_ups',
  'lab_results',
  'side_effect_reports',
  'taper_plans',
  'alert_snoozes',
];

/** A deterministic pseudo-random sequence (mulberry32): the same run every time. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_TEXT: [string, string][] = [
  ['NUL', 'before\u0000after'],
  ['lone high surrogate', 'text\uD800'],
  ['lone low surrogate', '\uDC00text'],
  ['100k characters', 'x'.repeat(100_000)],
];
const HOSTILE_DATES = ['2026-02-30', '0000-01-01', '9999-12-31', '1899-12-31'];
const HOSTILE_INSTANTS = [
  '0000-01-01T00:00:00Z',
  '0099-12-31T23:00:00Z',
  '2026-02-30T08:00:00Z',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '1899-12-31T23:59:59Z',
];
const HOSTILE_NUMBERS = [1e308, -1e308, 0.5];

const deepArray = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Raw bodies every write route receives, each with its content type. */
const RAW_BODIES: { what: string; contentType: string; body: string }[] = [
  { what: 'malformed JSON', contentType: 'application/json', body: '{"name": "A",' },
  { what: 'an array for an object', contentType: 'application/json', body: '[]' },
  { what: 'an array of objects', contentType: 'application/json', body: '[{"name":"x"}]' },
  { what: 'null', contentType: 'application/json', body: 'null' },
  { what: 'a bare string', contentType: 'application/json', body: '"just a string"' },
  { what: 'arrays nested 50,000 deep', contentType: 'application/json', body: deepArray(50_000) },
  { what: 'objects nested 20,000 deep', contentType: 'application/json', body: deepObject(20_000) },
  {
    what: 'a prototype-polluting object',
    contentType: 'application/json',
    body: '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
  },
  { what: 'a JSON body sent as text/plain', contentType: 'text/plain', body: '{"name":"plain"}' },
  { what: 'form encoding', contentType: 'application/x-www-form-urlencoded', body: 'name=A%00B&timeZone=Europe%2FParis' },
  { what: 'an unknown content type', contentType: 'application/x-fuzz', body: '\u0000\u0001\u0002' },
];

describe('fuzz: every write route of the OpenAPI document', () => {
  const server = useTestServer();

  it('answers no hostile body with a 5xx, and a refused request stores nothing', async () => {
    const random = seeded(14);
    const f = fixtures(server.baseUrl);
    const token = await adminToken(server.baseUrl);

    // Real objects for the path ids and the body ids.
    const clinic = await f.clinic();
    const patient = await f.patient(clinic.id);
    const pump = await f.pump(patient.id);
    await f.fill(pump.id);
    await f.program(pump.id);
    const clinician = await f.clinicianWithSessions(
      clinic.id,
      'Nurse Fuzz',
      [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '16:00' })),
    );
    const room = (await f.http.post('/api/rooms', { clinicId: clinic.id, name: 'Fuzz room' })).body;
    const member = await f.member(clinic.id, 'clinician', 'fuzz-member');
    const tomorrow = new Date(Math.ceil(Date.now() / 86_400_000) * 86_400_000 + 86_400_000 + 9 * 3_600_000).toISOString();
    const appointment = await f.http.post('/api/appointments', {
      pumpId: pump.id,
      clinicianId: clinician.id,
      startsAt: tomorrow,
      overrideReason: 'fuzz fixture',
    });
    expect(appointment.status).toBe(201);
    const ids: Record<string, string> = {
      clinics: clinic.id,
      patients: patient.id,
      pumps: pump.id,
      clinicians: clinician.id,
      rooms: room.id,
      users: member.id,
      appointments: appointment.body.id,
    };
    const idOfProperty: Record<string, string> = {
      clinicId: clinic.id,
      patientId: patient.id,
      pumpId: pump.id,
      clinicianId: clinician.id,
      roomId: room.id,
      userId: member.id,
    };
    /** A made-up but well-formed id for resources the run has none of (the route answers 404, which is fine). */
    const madeUpId = (): string => {
      const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    };

    const docs = await fetch(`${server.baseUrl}/api/docs-json`);
    expect(docs.status).toBe(200);
    const document = (await docs.json()) as OpenApiDocument;
    const routes: { method: 'post' | 'put' | 'patch'; template: string; operation: Operation }[] = [];
    for (const [template, item] of Object.entries(document.paths)) {
      for (const method of ['post', 'put', 'patch'] as const) {
        const operation = item[method];
        if (operation && !SKIPPED.has(`${method.toUpperCase()} ${template}`)) routes.push({ method, template, operation });
      }
    }
    // The document lists the write routes of every feature (a handful would mean the fuzzer reads the wrong document).
    expect(routes.length).toBeGreaterThan(40);

    const pathOf = (template: string): string =>
      template.replace(/\{([^}]+)\}/g, (_whole, _name: string, offset: number) => {
        const resource = template.slice(0, offset).split('/').filter(Boolean).pop() ?? '';
        return ids[resource] ?? madeUpId();
      });

    /** A body that satisfies the schema as far as it can be guessed, so a hostile field reaches as deep as it can. */
    const valueOf = (name: string, schema: JsonSchema | undefined, depth = 0): unknown => {
      if (!schema || depth > 6) return 'fuzz';
      const variant = schema.anyOf ?? schema.oneOf ?? schema.allOf;
      if (variant) return valueOf(name, variant.find((s) => s.type !== 'null') ?? variant[0], depth + 1);
      if (schema.default !== undefined) return schema.default;
      if (schema.enum && schema.enum.length > 0) return schema.enum[0];
      const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
      if (type === 'object') {
        const body: Record<string, unknown> = {};
        for (const key of schema.required ?? []) body[key] = valueOf(key, schema.properties?.[key], depth + 1);
        return body;
      }
      if (type === 'array')
        return Array.from({ length: Math.max(1, schema.minItems ?? 0) }, () => valueOf(name.replace(/s$/, ''), schema.items, depth + 1));
      if (type === 'boolean') return true;
      if (type === 'number' || type === 'integer') {
        const low =
          typeof schema.minimum === 'number'
            ? schema.minimum
            : typeof schema.exclusiveMinimum === 'number'
              ? schema.exclusiveMinimum + 1
              : 1;
        return typeof schema.maximum === 'number' ? Math.min(Math.max(low, 1), schema.maximum) : Math.max(low, 1);
      }
      if (idOfProperty[name]) return idOfProperty[name];
      if (schema.format === 'uuid') return madeUpId();
      if (schema.format === 'date-time') return tomorrow;
      if (schema.format === 'email' || name === 'email') return `fuzz-${Math.floor(random() * 1e9)}@pumpwatch.test`;
      if (/Date$|On$|^date$/.test(name)) return '2026-03-02';
      if (schema.pattern?.includes('[01]')) return '08:00';
      if (name === 'timeZone') return 'Europe/Paris';
      if (name === 'url') return 'https://hooks.example.com/pumpwatch';
      if (/password/i.test(name)) return 'fuzz-password-1234';
      return `fuzz-${name}-${Math.floor(random() * 1e6)}`;
    };

    /** Every (path to a string, number or date field, its schema) of a body schema, nested objects and array items included. */
    const leaves = (
      schema: JsonSchema | undefined,
      at: (string | number)[] = [],
      depth = 0,
    ): { path: (string | number)[]; schema: JsonSchema; name: string }[] => {
      if (!schema || depth > 5) return [];
      const variant = schema.anyOf ?? schema.oneOf ?? schema.allOf;
      if (variant) return leaves(variant.find((s) => s.type !== 'null') ?? variant[0], at, depth + 1);
      const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
      if (type === 'object')
        return Object.entries(schema.properties ?? {}).flatMap(([key, child]) => leaves(child, [...at, key], depth + 1));
      if (type === 'array') return leaves(schema.items, [...at, 0], depth + 1);
      if (type === 'string' || type === 'number' || type === 'integer')
        return [{ path: at, schema, name: String(at.filter((p) => typeof p === 'string').pop() ?? '') }];
      return [];
    };

    const withValue = (base: unknown, path: (string | number)[], value: unknown): unknown => {
      const copy = JSON.parse(JSON.stringify(base ?? {})) as Record<string | number, unknown>;
      let node: Record<string | number, unknown> = copy;
      path.forEach((key, i) => {
        if (i === path.length - 1) {
          node[key] = value;
          return;
        }
        const nextIsIndex = typeof path[i + 1] === 'number';
        if (typeof node[key] !== 'object' || node[key] === null) node[key] = nextIsIndex ? [{}] : {};
        node = node[key] as Record<string | number, unknown>;
      });
      return copy;
    };

    const db = new Client({ connectionString: server.databaseUrl });
    await db.connect();
    const storedCounts = async (): Promise<string> => {
      const selects = STORED_TABLES.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ');
      const [row] = (await db.query(`SELECT ${selects}, (SELECT count(*) FROM audit_log WHERE actor_type <> 'system')::int AS audit_log`))
        .rows;
      return JSON.stringify(row);
    };

    const serverErrors: string[] = [];
    const storedByRefusal: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    // The counts after one answer are the counts before the next: one count per request.
    let before = await storedCounts();
    const send = async (method: string, path: string, what: string, contentType: string, body: string): Promise<void> => {
      const res = await fetch(`${server.baseUrl}${path}`, {
        method: method.toUpperCase(),
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        body,
      });
      const text = await res.text();
      sent += 1;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) serverErrors.push(`${method.toUpperCase()} ${path} with ${what}: ${res.status} ${text.slice(0, 200)}`);
      const after = await storedCounts();
      if (res.status >= 400 && res.status < 500 && after !== before) {
        storedByRefusal.push(`${method.toUpperCase()} ${path} with ${what} answered ${res.status} but stored rows: ${before} -> ${after}`);
      }
      before = after;
    };

    try {
      for (const { method, template, operation } of routes) {
        const path = pathOf(template);
        for (const raw of RAW_BODIES) await send(method, path, raw.what, raw.contentType, raw.body);
        const schema = operation.requestBody?.content?.['application/json']?.schema;
        if (!schema) continue;
        const base = valueOf('body', schema);
        const json = (value: unknown) => JSON.stringify(value);
        for (const leaf of leaves(schema)) {
          const where = leaf.path.join('.');
          const isInstant = leaf.schema.format === 'date-time' || /At$|^from$|^to$|effectiveFrom/.test(leaf.name);
          const isDate = /Date$|On$|^date$/.test(leaf.name);
          const hostile: [string, unknown][] =
            leaf.schema.type === 'string'
              ? [
                  ...HOSTILE_TEXT,
                  ...(isInstant ? HOSTILE_INSTANTS.map((v): [string, string] => ['instant ' + v, v]) : []),
                  ...(isDate ? HOSTILE_DATES.map((v): [string, string] => ['date ' + v, v]) : []),
                ]
              : HOSTILE_NUMBERS.map((v): [string, number] => [`number ${v}`, v]);
          for (const [what, value] of hostile)
            await send(method, path, `${where} = ${what}`, 'application/json', json(withValue(base, leaf.path, value)));
          // An object where a string goes (an operator injection attempt).
          if (leaf.schema.type === 'string')
            await send(method, path, `${where} = an object`, 'application/json', json(withValue(base, leaf.path, { $gt: '' })));
        }
      }
      // Query strings of the read routes too (filters and ranges): NUL, bytes that are not UTF-8, impossible and extreme instants.
      for (const [template, item] of Object.entries(document.paths)) {
        const names = (item.get?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        for (const name of names) {
          for (const [what, raw] of [
            ['NUL', 'a%00b'],
            ['not UTF-8', '%FF%FE'],
            ['5,000 characters', 'x'.repeat(5_000)],
            ['2026-02-30', '2026-02-30T00:00:00Z'],
            ['year 0', '0000-01-01T00:00:00Z'],
            ['year 275760', '%2B275760-09-13T00:00:00Z'],
          ]) {
            const res = await fetch(`${server.baseUrl}${pathOf(template)}?${name}=${raw}`, {
              headers: { authorization: `Bearer ${token}` },
            });
            const text = await res.text();
            sent += 1;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status >= 500) serverErrors.push(`GET ${template}?${name}= ${what}: ${res.status} ${text.slice(0, 200)}`);
          }
        }
      }
    } finally {
      await db.end();
    }

    console.log(`fuzz: ${routes.length} write routes, ${sent} requests, answers ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(sent).toBeGreaterThan(800);
    expect(serverErrors).toEqual([]);
    expect(storedByRefusal).toEqual([]);
    // Still answering: health and a read of the fixtures.
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
    expect((await f.http.get(`/api/pumps/${pump.id}`)).status).toBe(200);
  });
});

describe('no request stalls the server', () => {
  const server = useTestServer();

  /**
   * Sends `request`, then GET /api/health one after another until it is answered (at most `limit` calls): every health call must
   * answer 200, and the request must be answered before `limit` of them (the year-0 booking used to hold the event loop for 25 s).
   */
  async function whileHealthAnswers<T>(
    request: Promise<T>,
    limit: number,
  ): Promise<{ answer: T; healthCalls: number; answeredFirst: boolean }> {
    let settled = false;
    const tracked = request.finally(() => {
      settled = true;
    });
    let healthCalls = 0;
    while (!settled && healthCalls < limit) {
      const health = await fetch(`${server.baseUrl}/api/health`);
      expect(health.status).toBe(200);
      healthCalls += 1;
    }
    const answeredFirst = settled;
    return { answer: await tracked, healthCalls, answeredFirst };
  }

  it('refuses a year-0 booking at once, naming startsAt, while /api/health keeps answering, and stores nothing', async () => {
    const f = fixtures(server.baseUrl);
    const clinic = await f.clinic();
    const pump = await f.pump((await f.patient(clinic.id)).id);
    await f.fill(pump.id);
    await f.program(pump.id);
    const nurse = await f.clinicianWithSessions(
      clinic.id,
      'Nurse Year Zero',
      [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '16:00' })),
    );
    const appointmentsBefore = await countAppointments(server.databaseUrl);

    for (const [route, body] of [
      ['/api/appointments', { pumpId: pump.id, clinicianId: nurse.id, startsAt: '0000-01-01T00:00:00Z' }],
      ['/api/appointments', { pumpId: pump.id, clinicianId: nurse.id, startsAt: '0000-01-01T00:00:00Z', overrideReason: 'fuzz' }],
      ['/api/refill-plan/confirm', { appointments: [{ pumpId: pump.id, clinicianId: nurse.id, startsAt: '0000-01-01T00:00:00Z' }] }],
    ] as const) {
      const { answer, answeredFirst } = await whileHealthAnswers(f.http.post(route, body), 50);
      expect({ route, answeredFirst }).toEqual({ route, answeredFirst: true });
      expect(answer.status).toBe(400);
      expect(answer.body.fields).toEqual([
        expect.objectContaining({ field: expect.stringMatching(/startsAt$/), message: 'must be from 1900-01-01 and before 2200-01-01' }),
      ]);
    }

    // Inside the window but long past: refused as in the past before any availability is computed.
    const past = await whileHealthAnswers(
      f.http.post('/api/appointments', { pumpId: pump.id, clinicianId: nurse.id, startsAt: '1900-01-01T00:00:00Z' }),
      50,
    );
    expect(past.answeredFirst).toBe(true);
    expect(past.answer.status).toBe(422);
    expect(past.answer.body.fields).toEqual([{ field: 'startsAt', message: 'is in the past' }]);

    // Free slots over a range too long, or starting in year 0: refused before any day is walked.
    for (const query of ['from=0000-01-01T00:00:00Z&to=0000-01-05T00:00:00Z', 'from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z']) {
      const slots = await whileHealthAnswers(f.http.get(`/api/clinicians/${nurse.id}/free-slots?${query}`), 50);
      expect(slots.answeredFirst).toBe(true);
      expect(slots.answer.status).toBe(400);
      expect(slots.answer.body.fields).toEqual([expect.objectContaining({ field: expect.stringMatching(/^(from|to)$/) })]);
    }
    expect(await countAppointments(server.databaseUrl)).toBe(appointmentsBefore);
  });
});

async function countAppointments(databaseUrl: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(databaseUrl, 'SELECT count(*)::int AS n FROM appointments');
  return row.n;
}
