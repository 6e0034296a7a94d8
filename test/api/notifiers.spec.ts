// Notification channels on real PostgreSQL against real protocol implementations in the test process: an SMTP server
// (smtp-server, STARTTLS and sign-in) receiving the e-mail page, and one HTTPS server standing in for PagerDuty's Events API v2 and
// Opsgenie's Alert API that checks every request against the fields and limits of their published documentation. The self-signed
// certificate both servers present is made with the openssl command line (Node has no X.509 writer).
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AlertDetail, AlertPages, NotificationChannel } from '@pumpwatch/shared';
import { SMTPServer } from 'smtp-server';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { ManualClock } from '../../server/src/infra/clock';
import { NotificationSettings } from '../../server/src/paging/notification-settings';
import { PagingService } from '../../server/src/paging/paging.service';
import { fixtures, queryRows } from '../support/fixtures';
import { api } from '../support/http';
import { useTestServer } from '../support/test-server';

const MINUTE = 60_000;
const DAY = 86_400_000;
const plus = (instant: string, minutes: number): string => new Date(Date.parse(instant) + minutes * MINUTE).toISOString();

// The secrets of this run: each must never come back in an API answer, the audit trail or a log line.
const ROUTING_KEY = randomBytes(16).toString('hex'); // 32 characters, as PagerDuty's integration keys
const OPSGENIE_KEY = randomUUID(); // Opsgenie API keys are UUIDs
const SMTP_PASSWORD = `smtp-${randomBytes(6).toString('base64url')}`; // 13 characters: too short to show any
const SECRETS = [ROUTING_KEY, OPSGENIE_KEY, SMTP_PASSWORD];
const SMTP_USER = 'pumpwatch-relay';
// The Opsgenie key reaches the server only as a reference; the sealing key is this run's own.
process.env.PUMPWATCH_CHANNEL_TEST_OPSGENIE_KEY = OPSGENIE_KEY;
process.env.PUMPWATCH_SECRETS_KEY = randomBytes(32).toString('base64');

const PATIENT_NAME = 'Zebulon Quartermain';
const PATIENT_MRN = 'MRN-NOTIFY-7731';
const SERIAL = 'SM2-NOTIFY-90417';

// ---- The services' published request rules ----

const PAGERDUTY_ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const PAGERDUTY_SEVERITIES = ['critical', 'error', 'warning', 'info'];

/** PagerDuty Events API v2 (developer.pagerduty.com/docs/events-api-v2/trigger-events): what a valid event needs. */
function pagerDutyErrors(event: Record<string, any>): string[] {
  const errors: string[] = [];
  if (typeof event.routing_key !== 'string' || event.routing_key.length !== 32)
    errors.push('routing_key must be a 32-character integration key');
  if (!PAGERDUTY_ACTIONS.includes(event.event_action)) errors.push('event_action must be trigger, acknowledge or resolve');
  if (
    event.dedup_key !== undefined &&
    (typeof event.dedup_key !== 'string' || event.dedup_key.length === 0 || event.dedup_key.length > 255)
  ) {
    errors.push('dedup_key must be a string of at most 255 characters');
  }
  if (event.event_action !== 'trigger' && typeof event.dedup_key !== 'string')
    errors.push('dedup_key is required to acknowledge or resolve');
  if (event.event_action === 'trigger') {
    const payload = event.payload;
    if (typeof payload !== 'object' || payload === null) errors.push('payload is required for trigger');
    else {
      if (typeof payload.summary !== 'string' || payload.summary.length === 0 || payload.summary.length > 1024)
        errors.push('payload.summary must be 1-1024 characters');
      if (typeof payload.source !== 'string' || payload.source.length === 0) errors.push('payload.source is required');
      if (!PAGERDUTY_SEVERITIES.includes(payload.severity)) errors.push('payload.severity must be critical, error, warning or info');
      for (const field of ['component', 'group', 'class'])
        if (payload[field] !== undefined && typeof payload[field] !== 'string') errors.push(`payload.${field} must be a string`);
      if (payload.timestamp !== undefined && Number.isNaN(Date.parse(payload.timestamp))) errors.push('payload.timestamp must be ISO 8601');
    }
    if (event.links !== undefined && (!Array.isArray(event.links) || event.links.some((l: any) => typeof l?.href !== 'string')))
      errors.push('links[].href is required');
  } else if (event.payload !== undefined) {
    errors.push('payload is only for trigger');
  }
  return errors;
}

/** Opsgenie Alert API (docs.opsgenie.com/docs/alert-api): create-alert fields and their limits. */
function opsgenieCreateErrors(alert: Record<string, any>): string[] {
  const errors: string[] = [];
  const max = (field: string, limit: number) => {
    if (alert[field] !== undefined && (typeof alert[field] !== 'string' || alert[field].length > limit))
      errors.push(`${field} must be a string of at most ${limit} characters`);
  };
  if (typeof alert.message !== 'string' || alert.message.length === 0) errors.push('message is required');
  max('message', 130);
  max('alias', 512);
  max('description', 15000);
  max('entity', 512);
  max('source', 100);
  max('user', 100);
  max('note', 25000);
  if (alert.priority !== undefined && !['P1', 'P2', 'P3', 'P4', 'P5'].includes(alert.priority)) errors.push('priority must be P1-P5');
  if (
    alert.tags !== undefined &&
    (!Array.isArray(alert.tags) || alert.tags.length > 20 || alert.tags.some((t: unknown) => typeof t !== 'string' || t.length > 50))
  ) {
    errors.push('tags: at most 20, each at most 50 characters');
  }
  if (alert.details !== undefined && JSON.stringify(alert.details).length > 8000) errors.push('details at most 8000 characters in all');
  return errors;
}

/** Acknowledge and close by alias: optional user (100), source (100), note (25000). */
function opsgenieActionErrors(body: Record<string, any>): string[] {
  const errors: string[] = [];
  for (const [field, limit] of [
    ['user', 100],
    ['source', 100],
    ['note', 25000],
  ] as const) {
    if (body[field] !== undefined && (typeof body[field] !== 'string' || body[field].length > limit))
      errors.push(`${field} at most ${limit} characters`);
  }
  return errors;
}

interface ServiceHit {
  service: 'pagerduty' | 'opsgenie';
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: any;
  errors: string[];
}
interface Mail {
  from: string;
  to: string[];
  user: string | undefined;
  secure: boolean;
  raw: string;
  subject: string;
  text: string;
}

// ---- A little MIME: enough to read nodemailer's single-part text message ----

function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_m, enc: string, data: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(
          data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

function readMail(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1] ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body, 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? Buffer.from(
            body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8')
        : body;
  return { subject: decodeWords(header('Subject')), text: text.replace(/\r\n/g, '\n') };
}

describe('notification channels: e-mail, PagerDuty and Opsgenie', () => {
  // Each test pages in its own window, 10 days after the previous one's, so the clock only moves forward.
  const WINDOWS = ['2026-09-01T09:00:00.000Z', '2026-09-11T09:00:00.000Z', '2026-09-21T09:00:00.000Z', '2026-10-01T09:00:00.000Z'];
  const clock = new ManualClock(new Date(WINDOWS[0]));
  const logLines: string[] = [];
  const server = useTestServer({
    clock,
    sessionHours: 24 * 365,
    logLevel: 'debug',
    logDestination: { write: (line: string) => void logLines.push(line) },
  });
  const f = () => fixtures(server.baseUrl);
  /** Every API answer of this file, to search for secrets. */
  const answers: string[] = [];
  const call = async (method: string, route: string, body?: unknown, token?: string) => {
    const res = await api(server.baseUrl, token ? { token } : {}).call(method, route, body);
    answers.push(JSON.stringify(res.body));
    return res;
  };

  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pumpwatch-notifiers-'));
  let cert: string;
  let key: string;
  let services: https.Server;
  let servicesUrl: string;
  const serviceHits: ServiceHit[] = [];
  /** Status the stand-in answers instead of 202, once, for the next request. */
  let nextServiceStatus: number | null = null;
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: Mail[] = [];

  beforeAll(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        path.join(certDir, 'key.pem'),
        '-out',
        path.join(certDir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    key = fs.readFileSync(path.join(certDir, 'key.pem'), 'utf8');
    cert = fs.readFileSync(path.join(certDir, 'cert.pem'), 'utf8');

    services = https.createServer({ key, cert }, (req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        raw += chunk;
      });
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'https://127.0.0.1');
        let body: any = null;
        const errors: string[] = [];
        try {
          body = JSON.parse(raw);
        } catch {
          errors.push('body is not JSON');
        }
        if (req.headers['content-type'] !== 'application/json') errors.push('content-type must be application/json');
        let service: ServiceHit['service'];
        if (url.pathname === '/v2/enqueue') {
          service = 'pagerduty';
          if (body) errors.push(...pagerDutyErrors(body));
        } else {
          service = 'opsgenie';
          if (req.headers.authorization !== `GenieKey ${OPSGENIE_KEY}`) errors.push('Authorization must be GenieKey <API key>');
          const action = /^\/v2\/alerts\/([^/]+)\/(acknowledge|close)$/.exec(url.pathname);
          if (url.pathname === '/v2/alerts') errors.push(...opsgenieCreateErrors(body ?? {}));
          else if (action) {
            if (url.searchParams.get('identifierType') !== 'alias') errors.push('identifierType=alias is required to act by alias');
            if (decodeURIComponent(action[1]).length > 512) errors.push('alias at most 512 characters');
            errors.push(...opsgenieActionErrors(body ?? {}));
          } else errors.push(`unknown path ${url.pathname}`);
        }
        serviceHits.push({
          service,
          method: req.method ?? '',
          path: `${url.pathname}${url.search}`,
          headers: req.headers,
          raw,
          body,
          errors,
        });
        const status = nextServiceStatus ?? (errors.length > 0 ? 400 : 202);
        nextServiceStatus = null;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            service === 'pagerduty'
              ? status === 202
                ? { status: 'success', message: 'Event processed', dedup_key: body?.dedup_key }
                : { status: 'invalid event', message: 'Event object is invalid', errors }
              : status === 202
                ? { result: 'Request will be processed', took: 0.01, requestId: randomBytes(8).toString('hex') }
                : { message: errors.join('; ') || 'refused', took: 0.01 },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => services.listen(0, '127.0.0.1', resolve));
    servicesUrl = `https://127.0.0.1:${(services.address() as AddressInfo).port}`;

    smtp = new SMTPServer({
      key,
      cert,
      authMethods: ['PLAIN', 'LOGIN'],
      disabledCommands: [],
      logger: false,
      banner: 'PumpWatch test relay',
      onAuth(auth, _session, callback) {
        if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username });
        else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onData(stream, session, callback) {
        let raw = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          raw += chunk;
        });
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            secure: session.secure,
            raw,
            ...readMail(raw),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    smtpPort = (smtp.server.address() as AddressInfo).port;
  });

  beforeAll(() => {
    const settings = server.app.get(NotificationSettings);
    settings.pagerDutyEventsUrl = `${servicesUrl}/v2/enqueue`;
    settings.opsgenieAlertsUrl = `${servicesUrl}/v2/alerts`;
    settings.trustedCaPem = cert;
  });

  afterAll(async () => {
    services?.closeAllConnections();
    await new Promise((resolve) => services?.close(resolve));
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    fs.rmSync(certDir, { recursive: true, force: true });
  });

  const sweepAt = async (instant: string) => {
    clock.set(instant);
    return server.app.get(PagingService).sweep();
  };

  /** A clinic with Anne on call (an account) and a backup, the default escalation policy. */
  const clinicWithAnne = async (T: string) => {
    clock.set(T);
    const clinic = await f().clinic();
    const email = `anne-${randomBytes(3).toString('hex')}@pumpwatch.test`;
    const anne = await f().http.post('/api/users', {
      email,
      displayName: 'Anne Primary',
      password: 'initial-password-1',
      clinicRoles: [{ clinicId: clinic.id, role: 'clinician' }],
    });
    expect(anne.status).toBe(201);
    const clinician = await f().http.post('/api/clinicians', {
      clinicId: clinic.id,
      displayName: 'Anne Primary',
      profession: 'nurse',
      userId: anne.body.id,
    });
    expect(clinician.status).toBe(201);
    const shift = await f().http.post('/api/on-call-shifts', {
      clinicianId: clinician.body.id,
      tier: 'primary',
      startsAt: plus(T, -60),
      endsAt: plus(T, 6 * 24 * 60),
    });
    expect(shift.status).toBe(201);
    return { clinic, anneEmail: email, anneUserId: anne.body.id as string };
  };

  const channel = async (clinicId: string, body: Record<string, unknown>): Promise<NotificationChannel> => {
    const res = await call('POST', `/api/clinics/${clinicId}/notification-channels`, body);
    if (res.status !== 201) throw new Error(`POST channel answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  /** A pump whose refill alert is critical at T: 20 mL of 500 mcg/mL at 100 mcg/day empties to its 2 mL alarm after 90 days. */
  const criticalAlert = async (clinicId: string, T: string) => {
    clock.set(T);
    const patient = await f().patient(clinicId, { displayName: PATIENT_NAME, mrn: `${PATIENT_MRN}-${randomBytes(2).toString('hex')}` });
    const pump = await f().pump(patient.id, { serialNumber: `${SERIAL}${randomBytes(2).toString('hex').toUpperCase()}` });
    const filledAt = new Date(Date.parse(T) - 88 * DAY);
    await f().program(pump.id, { effectiveFrom: new Date(filledAt.getTime() - 60 * MINUTE).toISOString() });
    await f().fill(pump.id, { filledAt: filledAt.toISOString(), volumeMl: 20, concentrationMcgPerMl: 500 });
    await server.app.get(AlertEngine).sweep();
    const alerts = (await f().http.get(`/api/alerts?pumpId=${pump.id}`)).body as AlertDetail[];
    expect(alerts.map((a) => [a.kind, a.severity])).toEqual([['refill_due', 'critical']]);
    return { alertId: alerts[0].id, pump: pump as { id: string; serialNumber: string }, patient };
  };

  const pagesOf = async (alertId: string): Promise<AlertPages> => (await call('GET', `/api/alerts/${alertId}/pages`)).body;

  it('keeps a channel secret sealed or referenced, answers only that one is set, and names the field it refuses', async () => {
    const T = WINDOWS[0];
    const { clinic } = await clinicWithAnne(T);
    const base = `/api/clinics/${clinic.id}/notification-channels`;

    const pd = await channel(clinic.id, {
      kind: 'pagerduty',
      name: 'PagerDuty pump service',
      secret: ROUTING_KEY,
      levels: ['on_call', 'backup'],
    });
    expect(pd).toMatchObject({
      kind: 'pagerduty',
      levels: ['on_call', 'backup'],
      smtp: null,
      active: true,
      secret: { configured: true, source: 'encrypted', lastFour: ROUTING_KEY.slice(-4), envName: null },
    });
    const [row] = await queryRows(
      server.databaseUrl,
      'SELECT secret_ciphertext, secret_env_name FROM notification_channels WHERE id = $1',
      [pd.id],
    );
    expect(row.secret_ciphertext).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(row.secret_ciphertext).not.toContain(ROUTING_KEY);
    expect(row.secret_env_name).toBeNull();

    const og = await channel(clinic.id, { kind: 'opsgenie', name: 'Opsgenie', secret: 'env:PUMPWATCH_CHANNEL_TEST_OPSGENIE_KEY' });
    expect(og).toMatchObject({
      levels: ['on_call', 'backup', 'clinic_admins'],
      secret: { configured: true, source: 'environment', lastFour: null, envName: 'PUMPWATCH_CHANNEL_TEST_OPSGENIE_KEY' },
    });
    const mail = await channel(clinic.id, {
      kind: 'email',
      name: 'Clinic relay',
      smtp: { host: '127.0.0.1', port: smtpPort, from: 'pager@pumpwatch.test', username: SMTP_USER },
      secret: SMTP_PASSWORD,
    });
    // A short password shows no characters at all.
    expect(mail).toMatchObject({
      smtp: { host: '127.0.0.1', port: smtpPort, security: 'starttls', from: 'pager@pumpwatch.test', username: SMTP_USER },
      secret: { configured: true, lastFour: null },
    });

    const refusals: [Record<string, unknown>, number, string][] = [
      [{ kind: 'pagerduty', name: 'Short key', secret: ROUTING_KEY.slice(1) }, 400, 'secret'],
      [{ kind: 'pagerduty', name: 'No key' }, 400, 'secret'],
      [{ kind: 'email', name: 'No relay' }, 400, 'smtp'],
      [{ kind: 'opsgenie', name: 'Relay on Opsgenie', secret: 'k', smtp: { host: 'x', port: 25, from: 'a@b.ch' } }, 400, 'smtp'],
      [{ kind: 'email', name: 'Plain port', smtp: { host: 'x', port: 25, from: 'a@b.ch', security: 'none' } }, 400, 'smtp.security'],
      [{ kind: 'opsgenie', name: 'Unset', secret: 'env:PUMPWATCH_CHANNEL_NOT_SET_ANYWHERE' }, 422, 'secret'],
      [{ kind: 'opsgenie', name: 'Lower case', secret: 'env:PUMPWATCH_CHANNEL_lower' }, 400, 'secret'],
      // The server's own secrets are out of reach: only PUMPWATCH_CHANNEL_* variables.
      [
        {
          kind: 'email',
          name: 'Exfiltration',
          smtp: { host: 'relay.example.org', port: 587, from: 'a@b.ch', username: 'u' },
          secret: 'env:DATABASE_URL',
        },
        400,
        'secret',
      ],
      [{ kind: 'opsgenie', name: 'Sealing key', secret: 'env:PUMPWATCH_SECRETS_KEY' }, 400, 'secret'],
      [{ kind: 'sms', name: 'SMS' }, 400, 'kind'],
      [{ kind: 'opsgenie', name: 'Levels', secret: 'k', levels: ['on_call', 'on_call'] }, 400, 'levels'],
    ];
    for (const [body, status, field] of refusals) {
      const res = await call('POST', base, body);
      expect([body.name, res.status, res.body.fields.map((x: { field: string }) => x.field)]).toEqual([
        body.name,
        status,
        expect.arrayContaining([field]),
      ]);
    }

    const patched = await call('PATCH', `${base}/${pd.id}`, { levels: ['clinic_admins'], name: 'PagerDuty admins' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'PagerDuty admins',
      levels: ['clinic_admins'],
      secret: { configured: true, lastFour: ROUTING_KEY.slice(-4) },
    });
    expect((await call('PATCH', `${base}/${pd.id}`, { smtp: { host: 'x', port: 25, from: 'a@b.ch' } })).body.fields).toEqual([
      { field: 'smtp', message: 'is only for an e-mail channel' },
    ]);
    expect((await call('PATCH', `${base}/${pd.id}`, { secret: 'too-short' })).status).toBe(400);

    const listed = await call('GET', base);
    expect(listed.status).toBe(200);
    expect((listed.body as NotificationChannel[]).map((c) => c.kind).sort()).toEqual(['email', 'opsgenie', 'pagerduty']);

    const disabled = await call('DELETE', `${base}/${og.id}`);
    expect(disabled.body).toMatchObject({ active: false, disabledAt: T });
    expect((await call('DELETE', `${base}/${og.id}`)).body).toMatchObject({ active: false, disabledAt: T });
    expect((await call('PATCH', `${base}/${og.id}`, { name: 'Again' })).status).toBe(409);
    expect((await call('DELETE', `${base}/6f1c1d2e-0000-4000-8000-000000000000`)).status).toBe(404);

    // The audit trail says what changed, never the secret.
    const audit = await queryRows(
      server.databaseUrl,
      `SELECT action, changes::text AS changes FROM audit_log WHERE entity_type = 'notification_channel' AND clinic_id = $1 ORDER BY id`,
      [clinic.id],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'notification_channel.created',
      'notification_channel.created',
      'notification_channel.created',
      'notification_channel.updated',
      'notification_channel.disabled',
    ]);
    for (const entry of audit) for (const secret of SECRETS) expect(entry.changes).not.toContain(secret);
  });

  it('pages a critical alert by PagerDuty, Opsgenie and e-mail without the patient, then acknowledges and resolves it there as it changes here', async () => {
    const T = WINDOWS[1];
    const { clinic, anneEmail } = await clinicWithAnne(T);
    const pd = await channel(clinic.id, { kind: 'pagerduty', name: 'PagerDuty', secret: ROUTING_KEY });
    const og = await channel(clinic.id, { kind: 'opsgenie', name: 'Opsgenie', secret: 'env:PUMPWATCH_CHANNEL_TEST_OPSGENIE_KEY' });
    const mail = await channel(clinic.id, {
      kind: 'email',
      name: 'Relay',
      smtp: { host: '127.0.0.1', port: smtpPort, security: 'starttls', from: 'pager@pumpwatch.test', username: SMTP_USER },
      secret: SMTP_PASSWORD,
    });
    const { alertId, pump } = await criticalAlert(clinic.id, T);
    const lastFour = pump.serialNumber.slice(-4);
    const hitsBefore = serviceHits.length;

    // Critical: paged at the first sweep.
    await sweepAt(T);
    const pages = (await pagesOf(alertId)).pages;
    expect(
      pages.map((p) => [p.step, p.levelTarget, p.recipient?.displayName ?? null, p.notifier, p.notificationChannelId, p.status]).sort(),
    ).toEqual(
      [
        [0, 'on_call', 'Anne Primary', 'email', mail.id, 'sent'],
        [0, 'on_call', 'Anne Primary', 'in_app', null, 'sent'],
        [0, 'on_call', null, 'opsgenie', og.id, 'sent'],
        [0, 'on_call', null, 'pagerduty', pd.id, 'sent'],
      ].sort(),
    );

    // The e-mail: to Anne's account, over STARTTLS, signed in; kind, severity, clinic, last four, the link; no patient.
    expect(mails).toHaveLength(1);
    const [message] = mails;
    expect(message).toMatchObject({ from: 'pager@pumpwatch.test', to: [anneEmail], user: SMTP_USER, secure: true });
    expect(message.subject).toBe(`[PumpWatch] CRITICAL refill due · ${clinic.name} · pump …${lastFour}`);
    expect(message.text).toContain('Alert kind: refill_due');
    expect(message.text).toContain('Severity: critical');
    expect(message.text).toContain(`Clinic: ${clinic.name}`);
    expect(message.text).toContain(`Pump serial (last four): ${lastFour}`);
    const link = new RegExp(`${server.baseUrl.replace(/[.]/g, '\\.')}/api/alerts/acknowledge-link\\?token=[A-Za-z0-9_-]{43}`).exec(
      message.text,
    )?.[0];
    expect(link).toBeDefined();
    for (const forbidden of [PATIENT_NAME, PATIENT_MRN, pump.serialNumber, SMTP_PASSWORD]) expect(message.raw).not.toContain(forbidden);
    // The link is a live single-use acknowledge link (GET only shows its confirmation page).
    expect((await fetch(link!)).status).toBe(200);

    // PagerDuty: one valid trigger, the alert's dedup_key, the same facts; Opsgenie: one valid create with the alias and P1.
    const sent = serviceHits.slice(hitsBefore);
    expect(sent.map((h) => [h.service, h.method, h.path, h.errors]).sort()).toEqual([
      ['opsgenie', 'POST', '/v2/alerts', []],
      ['pagerduty', 'POST', '/v2/enqueue', []],
    ]);
    const trigger = sent.find((h) => h.service === 'pagerduty')!;
    const dedupKey = `pumpwatch-alert-${alertId}`;
    expect(trigger.body).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: dedupKey,
      payload: {
        summary: `CRITICAL refill due · ${clinic.name} · pump …${lastFour}`,
        source: 'PumpWatch',
        severity: 'critical',
        class: 'refill_due',
        group: clinic.name,
        custom_details: {
          kind: 'refill_due',
          severity: 'critical',
          clinic: clinic.name,
          pumpSerialLastFour: lastFour,
          acknowledgeUrl: expect.stringMatching(/acknowledge-link\?token=/),
        },
      },
      links: [{ href: expect.stringMatching(/acknowledge-link\?token=/), text: 'Acknowledge in PumpWatch (single use)' }],
    });
    // Each page has its own link: PagerDuty's is not the e-mail's.
    expect(trigger.body.links[0].href).not.toBe(link);
    const create = sent.find((h) => h.service === 'opsgenie')!;
    expect(create.body).toMatchObject({
      alias: dedupKey,
      priority: 'P1',
      message: `CRITICAL refill due · ${clinic.name} · pump …${lastFour}`,
      details: { pumpSerialLastFour: lastFour },
    });
    for (const hit of sent)
      for (const forbidden of [PATIENT_NAME, PATIENT_MRN, pump.serialNumber]) expect(hit.raw).not.toContain(forbidden);

    // Acknowledged in PumpWatch: the next sweep acknowledges at PagerDuty (same dedup_key) and Opsgenie (by alias), once.
    clock.set(plus(T, 3));
    expect((await call('POST', `/api/alerts/${alertId}/acknowledge`, { note: 'on my way' })).status).toBe(200);
    const beforeAck = serviceHits.length;
    const acked = await sweepAt(plus(T, 4));
    expect(acked.incidents).toEqual({ acknowledged: 2, resolved: 0, failed: 0 });
    const ackHits = serviceHits.slice(beforeAck);
    expect(ackHits.map((h) => [h.service, h.path, h.errors]).sort()).toEqual([
      ['opsgenie', `/v2/alerts/${dedupKey}/acknowledge?identifierType=alias`, []],
      ['pagerduty', '/v2/enqueue', []],
    ]);
    expect(ackHits.find((h) => h.service === 'pagerduty')!.body).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'acknowledge',
      dedup_key: dedupKey,
    });
    expect(ackHits.find((h) => h.service === 'opsgenie')!.body).toEqual({ source: 'PumpWatch', note: 'Acknowledged in PumpWatch' });
    await sweepAt(plus(T, 5));
    expect(serviceHits).toHaveLength(beforeAck + 2);

    // Resolved in PumpWatch: resolve at PagerDuty, close at Opsgenie, once.
    clock.set(plus(T, 30));
    expect((await call('POST', `/api/alerts/${alertId}/resolve`, { note: 'Refilled at the bedside' })).status).toBe(200);
    const beforeResolve = serviceHits.length;
    expect((await sweepAt(plus(T, 31))).incidents).toEqual({ acknowledged: 0, resolved: 2, failed: 0 });
    const resolveHits = serviceHits.slice(beforeResolve);
    expect(resolveHits.map((h) => [h.service, h.path, h.errors]).sort()).toEqual([
      ['opsgenie', `/v2/alerts/${dedupKey}/close?identifierType=alias`, []],
      ['pagerduty', '/v2/enqueue', []],
    ]);
    expect(resolveHits.find((h) => h.service === 'pagerduty')!.body).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: dedupKey,
    });
    await sweepAt(plus(T, 32));
    expect(serviceHits).toHaveLength(beforeResolve + 2);
    expect(mails).toHaveLength(1);

    const incidents = await queryRows(server.databaseUrl, 'SELECT state FROM notification_incidents WHERE alert_id = $1', [alertId]);
    expect(incidents.map((i) => i.state)).toEqual(['resolved', 'resolved']);
    const audit = await queryRows(
      server.databaseUrl,
      `SELECT action FROM audit_log WHERE entity_type = 'notification_incident' AND entity_id = $1 ORDER BY id`,
      [alertId],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'notification_incident.acknowledged',
      'notification_incident.acknowledged',
      'notification_incident.resolved',
      'notification_incident.resolved',
    ]);
  });

  it('records a refused event as a failed page without retrying it, and retries a service that is briefly down', async () => {
    const T = WINDOWS[2];
    const { clinic } = await clinicWithAnne(T);
    await channel(clinic.id, { kind: 'pagerduty', name: 'PagerDuty', secret: ROUTING_KEY });
    const { alertId } = await criticalAlert(clinic.id, T);
    nextServiceStatus = 503;
    await sweepAt(T);
    const pdPage = async () => (await pagesOf(alertId)).pages.find((p) => p.notifier === 'pagerduty')!;
    expect(await pdPage()).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: 'PagerDuty answered HTTP 503',
      nextAttemptAt: plus(T, 1),
    });
    await sweepAt(plus(T, 1));
    expect(await pdPage()).toMatchObject({ status: 'sent', attempts: 2 });

    const other = await clinicWithAnne(plus(T, 2));
    await channel(other.clinic.id, { kind: 'pagerduty', name: 'PagerDuty', secret: ROUTING_KEY });
    const refused = await criticalAlert(other.clinic.id, plus(T, 2));
    nextServiceStatus = 400;
    await sweepAt(plus(T, 2));
    expect((await pagesOf(refused.alertId)).pages.find((p) => p.notifier === 'pagerduty')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'PagerDuty answered HTTP 400',
      nextAttemptAt: null,
    });
  });

  it('cancels the queued pages of a channel disabled meanwhile and sends nothing more through it', async () => {
    const T = WINDOWS[3];
    const { clinic } = await clinicWithAnne(T);
    const pd = await channel(clinic.id, { kind: 'pagerduty', name: 'PagerDuty', secret: ROUTING_KEY });
    const { alertId } = await criticalAlert(clinic.id, T);
    nextServiceStatus = 503;
    await sweepAt(T);
    const pdPage = async () => (await pagesOf(alertId)).pages.find((p) => p.notifier === 'pagerduty')!;
    expect(await pdPage()).toMatchObject({ status: 'queued', attempts: 1 });
    expect((await call('DELETE', `/api/clinics/${clinic.id}/notification-channels/${pd.id}`)).body).toMatchObject({ active: false });
    expect(await pdPage()).toMatchObject({ status: 'cancelled', lastError: 'not sent: the notification channel was disabled' });
    const before = serviceHits.length;
    await sweepAt(plus(T, 10)); // the next escalation step: nothing through the disabled channel
    expect(serviceHits).toHaveLength(before);
    expect((await pagesOf(alertId)).pages.filter((p) => p.notifier === 'pagerduty')).toHaveLength(1);
  });

  it('has a stand-in that refuses what PagerDuty and Opsgenie document as invalid', () => {
    const key = 'k'.repeat(32);
    expect(
      pagerDutyErrors({
        routing_key: key,
        event_action: 'trigger',
        dedup_key: 'a',
        payload: { summary: 'x', source: 's', severity: 'critical' },
      }),
    ).toEqual([]);
    expect(
      pagerDutyErrors({
        routing_key: 'short',
        event_action: 'snooze',
        dedup_key: 'd'.repeat(256),
        payload: { summary: 's'.repeat(1025), severity: 'urgent' },
      }),
    ).toEqual([
      'routing_key must be a 32-character integration key',
      'event_action must be trigger, acknowledge or resolve',
      'dedup_key must be a string of at most 255 characters',
      'payload is only for trigger',
    ]);
    expect(
      pagerDutyErrors({ routing_key: key, event_action: 'trigger', payload: { summary: 's'.repeat(1025), severity: 'urgent' } }),
    ).toEqual([
      'payload.summary must be 1-1024 characters',
      'payload.source is required',
      'payload.severity must be critical, error, warning or info',
    ]);
    expect(pagerDutyErrors({ routing_key: key, event_action: 'resolve' })).toEqual(['dedup_key is required to acknowledge or resolve']);
    expect(opsgenieCreateErrors({ message: 'm'.repeat(131), alias: 'a'.repeat(513), priority: 'P0', tags: ['t'.repeat(51)] })).toEqual([
      'message must be a string of at most 130 characters',
      'alias must be a string of at most 512 characters',
      'priority must be P1-P5',
      'tags: at most 20, each at most 50 characters',
    ]);
    expect(opsgenieCreateErrors({})).toEqual(['message is required']);
  });

  it('never answers, audits or logs a secret', async () => {
    // The run logged at debug level, requests included.
    expect(logLines.length).toBeGreaterThan(0);
    expect(answers.length).toBeGreaterThan(0);
    const audit = await queryRows(server.databaseUrl, 'SELECT changes::text AS changes FROM audit_log');
    for (const secret of SECRETS) {
      expect(logLines.filter((l) => l.includes(secret))).toEqual([]);
      expect(answers.filter((a) => a.includes(secret))).toEqual([]);
      expect(audit.filter((a) => (a.changes as string).includes(secret))).toEqual([]);
    }
  });
});
