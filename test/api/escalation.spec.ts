// Paging and escalation on real PostgreSQL with a ManualClock and a real webhook receiver on 127.0.0.1: who is paged when, what
// stops it, restarts and concurrent sweeps, the signed webhook body, retries with backoff, /api/health and acknowledge links.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { clinicTime } from '@pumpwatch/shared';
import type { AlertDetail, AlertPages, ClinicRole, Page, PageSentEvent, WebhookPageBody } from '@pumpwatch/shared';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { createPumpWatchApp } from '../../server/src/app.factory';
import { ManualClock } from '../../server/src/infra/clock';
import { PagingService } from '../../server/src/paging/paging.service';
import { PagingSettings } from '../../server/src/paging/paging-settings';
import { fixtures, queryRows } from '../support/fixtures';
import { api, signIn } from '../support/http';
import { TEST_ADMIN } from '../support/test-accounts';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** `minutes` after an instant, as the API writes it. */
const plus = (instant: string, minutes: number): string => new Date(Date.parse(instant) + minutes * MINUTE).toISOString();

// Each test pump: 20 mL of 500 mcg/mL at 100 mcg/day = 0.2 mL/day; the 2 mL alarm after 18 / 0.2 = 90 days is its refill deadline.
// The refill rule is critical from 2 days before it (fill + 88 d), urgent from 7 (fill + 83 d), a warning from 21 (fill + 69 d).
const FILL_DAYS_BEFORE = { critical: 88, urgent: 83, warning: 69 } as const;
// Each test starts its own clinic 10 days after the previous one's start, so the clock only moves forward.
const BASE = Date.parse('2026-06-01T09:00:00.000Z');
let window = 0;
const nextWindow = (): string => new Date(BASE + ++window * 10 * DAY).toISOString();

interface Hit {
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: WebhookPageBody;
}

describe('paging and escalation', () => {
  const clock = new ManualClock(new Date(BASE));
  let database: TestDatabase;
  let app: NestExpressApplication;
  let baseUrl: string;
  let receiver: http.Server;
  let receiverUrl: string;
  const hits: Hit[] = [];
  /** Receiver paths that answer 500. */
  const failing = new Set<string>();
  const sockets: Socket[] = [];
  const testPumps: string[] = [];
  let counter = 0;

  /** A PumpWatch server on the test database (again after close() to play a restart), allowed to post pages over loopback http. */
  const startApp = async (): Promise<NestExpressApplication> => {
    const started = await createPumpWatchApp({
      databaseUrl: database.url,
      demo: false,
      clock,
      logLevel: 'silent',
      bootstrapAdmin: { ...TEST_ADMIN },
      sessionHours: 24 * 365,
    });
    started.get(PagingSettings).allowHttpLoopbackWebhooks = true;
    await started.listen(0, '127.0.0.1');
    return started;
  };
  const urlOf = (server: NestExpressApplication): string => `http://127.0.0.1:${(server.getHttpServer().address() as AddressInfo).port}`;
  const f = () => fixtures(baseUrl);
  const sweep = (on: NestExpressApplication = app) => on.get(PagingService).sweep();
  const sweepAt = async (instant: string, on: NestExpressApplication = app) => {
    clock.set(instant);
    return sweep(on);
  };
  /** Evaluates the alert rules at `instant` (what the alert engine's minute sweep does). */
  const evaluateAt = async (instant: string) => {
    clock.set(instant);
    await app.get(AlertEngine).sweep();
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startApp();
    baseUrl = urlOf(app);
    receiver = http.createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        raw += chunk;
      });
      req.on('end', () => {
        hits.push({ path: req.url ?? '', headers: req.headers, rawBody: raw, body: JSON.parse(raw) as WebhookPageBody });
        res.statusCode = failing.has(req.url ?? '') ? 500 : 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    await database?.drop();
  });
  // A test's pumps are explanted afterwards: their alerts resolve and their escalations stop, so later tests page only their own.
  afterEach(async () => {
    if (testPumps.length === 0) return;
    await queryRows(database.url, 'UPDATE pumps SET explanted_at = $2 WHERE id = ANY($1::uuid[]) AND explanted_at IS NULL', [
      testPumps,
      clock.now(),
    ]);
    testPumps.length = 0;
    await app.get(AlertEngine).sweep();
    await sweep();
  });

  /** A user with one role in the clinic; `signedIn`: with a chosen password and a session (so their socket may connect). */
  const member = async (clinicId: string, role: ClinicRole, label: string, signedIn = false) => {
    const email = `${label}-${++counter}@pumpwatch.test`;
    const created = await f().http.post('/api/users', {
      email,
      displayName: label,
      password: 'initial-password-1',
      clinicRoles: [{ clinicId, role }],
    });
    expect(created.status).toBe(201);
    let token: string | null = null;
    if (signedIn) {
      token = await signIn(baseUrl, email, 'initial-password-1');
      expect(
        (
          await api(baseUrl, { token }).post('/api/auth/password', {
            currentPassword: 'initial-password-1',
            newPassword: 'chosen-password-1',
          })
        ).status,
      ).toBe(200);
    }
    return { id: created.body.id as string, email, token };
  };

  const created = async (path: string, body: unknown) => {
    const res = await f().http.post(path, body);
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  interface ClinicSetup {
    clinicId: string;
    anne: { id: string; email: string; token: string | null } | null;
    carla: { id: string; email: string; token: string | null } | null;
    admin: { id: string; email: string; token: string | null } | null;
    anneClinicianId: string | null;
    carlaClinicianId: string | null;
    hookPath: string;
    secret: string | null;
  }

  /**
   * A clinic paging by the default policy: Anne primary on call, Carla backup (both with accounts), an administrator, and a webhook
   * endpoint on the test receiver; shifts cover [start - 1 h, start + 6 d).
   */
  const setupClinic = async (
    start: string,
    options: { primary?: boolean; backup?: boolean; admin?: boolean; webhook?: boolean } = {},
  ): Promise<ClinicSetup> => {
    const { primary = true, backup = true, admin = true, webhook = true } = options;
    clock.set(start);
    const clinic = await f().clinic();
    const setup: ClinicSetup = {
      clinicId: clinic.id,
      anne: null,
      carla: null,
      admin: null,
      anneClinicianId: null,
      carlaClinicianId: null,
      hookPath: `/hook/${clinic.id}`,
      secret: null,
    };
    const shift = { startsAt: plus(start, -60), endsAt: new Date(Date.parse(start) + 6 * DAY).toISOString() };
    if (primary) {
      setup.anne = await member(clinic.id, 'clinician', 'anne', true);
      setup.anneClinicianId = (
        await created('/api/clinicians', {
          clinicId: clinic.id,
          displayName: 'Anne Primary',
          profession: 'nurse',
          userId: setup.anne.id,
          pagerContact: '+41 79 111 11 11',
        })
      ).id;
      await created('/api/on-call-shifts', { clinicianId: setup.anneClinicianId, tier: 'primary', ...shift });
    }
    if (backup) {
      setup.carla = await member(clinic.id, 'clinician', 'carla');
      setup.carlaClinicianId = (
        await created('/api/clinicians', {
          clinicId: clinic.id,
          displayName: 'Carla Backup',
          profession: 'physician',
          userId: setup.carla.id,
        })
      ).id;
      await created('/api/on-call-shifts', { clinicianId: setup.carlaClinicianId, tier: 'backup', ...shift });
    }
    if (admin) setup.admin = await member(clinic.id, 'admin', 'maria-admin');
    if (webhook)
      setup.secret = (
        await created(`/api/clinics/${clinic.id}/webhooks`, { name: 'Pager gateway', url: `${receiverUrl}${setup.hookPath}` })
      ).secret;
    return setup;
  };

  /** A pump whose refill alert has `severity` at `at`, raised by the alert engine at `at`. */
  const alertAt = async (
    clinicId: string,
    severity: keyof typeof FILL_DAYS_BEFORE,
    at: string,
    patientName = `Zebulon Quartermain ${++counter}`,
  ) => {
    clock.set(at);
    const patient = await f().patient(clinicId, { displayName: patientName, mrn: `MRN-PAGE-${++counter}` });
    const pump = await f().pump(patient.id);
    testPumps.push(pump.id);
    const filledAt = new Date(Date.parse(at) - FILL_DAYS_BEFORE[severity] * DAY);
    await f().program(pump.id, { effectiveFrom: new Date(filledAt.getTime() - 60 * MINUTE).toISOString() });
    await f().fill(pump.id, { filledAt: filledAt.toISOString(), volumeMl: 20, concentrationMcgPerMl: 500 });
    await evaluateAt(at);
    const alerts = (await f().http.get(`/api/alerts?pumpId=${pump.id}`)).body as AlertDetail[];
    expect(alerts.map((a) => [a.kind, a.severity])).toEqual([['refill_due', severity]]);
    return { alertId: alerts[0].id, patient, pump };
  };

  const pagesOf = async (alertId: string): Promise<AlertPages> => {
    const res = await f().http.get(`/api/alerts/${alertId}/pages`);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Pages as [step, level target, recipient, notifier, status], in the order they were recorded. */
  const summary = (pages: Page[]) => pages.map((p) => [p.step, p.levelTarget, p.recipient?.displayName ?? null, p.notifier, p.status]);
  const hitsOf = (setup: ClinicSetup) => hits.filter((h) => h.path === setup.hookPath);
  const health = async () =>
    (await api(baseUrl, { token: null }).get('/api/health')).body.info.paging as {
      status: string;
      lastSweepAt: string | null;
      failedPagesLast24h: number;
    };

  it('pages the primary at once, the backup after 10 min, the clinic admins after 20, repeats them every 10 until acknowledged, then stops', async () => {
    const T = nextWindow();
    const s = await setupClinic(T);
    const { alertId } = await alertAt(s.clinicId, 'critical', T);
    const socket = io(baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: s.anne!.token! } });
    sockets.push(socket);
    const pageEvents: PageSentEvent[] = [];
    socket.on('page.sent', (event: PageSentEvent) => pageEvents.push(event));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });

    await sweepAt(T);
    expect(summary((await pagesOf(alertId)).pages)).toEqual([
      [0, 'on_call', 'Anne Primary', 'in_app', 'sent'],
      [0, 'on_call', 'Anne Primary', 'webhook', 'sent'],
    ]);
    await sweepAt(plus(T, 9.99));
    expect((await pagesOf(alertId)).pages).toHaveLength(2);
    await sweepAt(plus(T, 10));
    await sweepAt(plus(T, 19));
    await sweepAt(plus(T, 20));
    await sweepAt(plus(T, 30));
    await sweepAt(plus(T, 40));
    const adminName = 'maria-admin';
    expect(summary((await pagesOf(alertId)).pages)).toEqual([
      [0, 'on_call', 'Anne Primary', 'in_app', 'sent'],
      [0, 'on_call', 'Anne Primary', 'webhook', 'sent'],
      [1, 'backup', 'Carla Backup', 'in_app', 'sent'],
      [1, 'backup', 'Carla Backup', 'webhook', 'sent'],
      [2, 'clinic_admins', adminName, 'in_app', 'sent'],
      [2, 'clinic_admins', adminName, 'webhook', 'sent'],
      [3, 'clinic_admins', adminName, 'in_app', 'sent'],
      [3, 'clinic_admins', adminName, 'webhook', 'sent'],
      [4, 'clinic_admins', adminName, 'in_app', 'sent'],
      [4, 'clinic_admins', adminName, 'webhook', 'sent'],
    ]);
    const sentAt = (await pagesOf(alertId)).pages.filter((p) => p.notifier === 'webhook').map((p) => p.sentAt);
    expect(sentAt).toEqual([T, plus(T, 10), plus(T, 20), plus(T, 30), plus(T, 40)]);
    expect(hitsOf(s).map((h) => [h.body.step, h.body.level, h.body.recipient.displayName])).toEqual([
      [0, 'on_call', 'Anne Primary'],
      [1, 'backup', 'Carla Backup'],
      [2, 'clinic_admins', adminName],
      [3, 'clinic_admins', adminName],
      [4, 'clinic_admins', adminName],
    ]);

    clock.set(plus(T, 45));
    expect((await f().http.post(`/api/alerts/${alertId}/acknowledge`, { note: 'on my way' })).status).toBe(200);
    await sweepAt(plus(T, 50));
    await sweepAt(plus(T, 60));
    const after = await pagesOf(alertId);
    expect(after.pages).toHaveLength(10);
    expect(after.escalation).toMatchObject({
      step: 5,
      stoppedAt: plus(T, 45),
      stopReason: 'acknowledged',
      nextDueAt: null,
      noOneOnCall: false,
    });
    expect(hitsOf(s)).toHaveLength(5);

    // In-app pages reached the dashboards as page.sent; Anne's own page names her account.
    const started = Date.now();
    while (pageEvents.filter((e) => e.page.alertId === alertId).length < 10 && Date.now() - started < 3000)
      await new Promise((r) => setTimeout(r, 10));
    const mine = pageEvents.filter((e) => e.page.alertId === alertId && e.page.recipient?.userId === s.anne!.id);
    expect(mine.map((e) => [e.page.step, e.page.notifier, e.page.status]).sort()).toEqual([
      [0, 'in_app', 'sent'],
      [0, 'webhook', 'sent'],
    ]);
    expect(JSON.stringify(pageEvents)).not.toContain('+41 79');

    const audit = await queryRows<{ action: string; actor_label: string }>(
      database.url,
      `SELECT action, actor_label FROM audit_log WHERE entity_type = 'alert_escalation' AND entity_id = $1 ORDER BY id`,
      [alertId],
    );
    expect(audit.map((a) => [a.action, a.actor_label])).toEqual([
      ['escalation.started', 'system'],
      ...Array(5).fill(['escalation.paged', 'system']),
      ['escalation.stopped', 'system'],
    ]);
  });

  it("pages an urgent alert only once it has waited the clinic's urgentPageAfterMinutes, and never a warning", async () => {
    const T = nextWindow();
    const s = await setupClinic(T);
    const policy = {
      levels: [
        { target: 'on_call', afterMinutes: 0 },
        { target: 'backup', afterMinutes: 10 },
        { target: 'clinic_admins', afterMinutes: 20 },
      ],
      repeatTopLevelEveryMinutes: 10,
      urgentPageAfterMinutes: 15,
    };
    expect((await f().http.call('PUT', `/api/clinics/${s.clinicId}/escalation-policy`, policy)).status).toBe(200);
    const urgent = await alertAt(s.clinicId, 'urgent', T);
    const warning = await alertAt(s.clinicId, 'warning', T);

    await sweepAt(T);
    expect(await pagesOf(urgent.alertId)).toMatchObject({ escalation: { step: 0, nextDueAt: plus(T, 15), lastPagedAt: null }, pages: [] });
    await sweepAt(plus(T, 14.99));
    expect((await pagesOf(urgent.alertId)).pages).toEqual([]);
    await sweepAt(plus(T, 15));
    expect(summary((await pagesOf(urgent.alertId)).pages)).toEqual([
      [0, 'on_call', 'Anne Primary', 'in_app', 'sent'],
      [0, 'on_call', 'Anne Primary', 'webhook', 'sent'],
    ]);
    expect((await pagesOf(urgent.alertId)).escalation?.nextDueAt).toBe(plus(T, 25));

    for (const minutes of [25, 35, 60, 24 * 60]) await sweepAt(plus(T, minutes));
    expect(await pagesOf(warning.alertId)).toEqual({ alertId: warning.alertId, escalation: null, pages: [] });
    expect(hitsOf(s).every((h) => h.body.alertId === urgent.alertId)).toBe(true);
  });

  it('pages an urgent alert waiting for its first page at once when it becomes critical', async () => {
    const T = nextWindow();
    const s = await setupClinic(T);
    const { alertId, pump } = await alertAt(s.clinicId, 'urgent', T);
    await sweepAt(T);
    expect((await pagesOf(alertId)).escalation).toMatchObject({ nextDueAt: plus(T, 30), lastPagedAt: null });
    // 3.4 mL left, 1.4 mL above the alarm: ten times the dose reaches it in 0.7 days, so the refill is due within 2 days.
    clock.set(plus(T, 5));
    await f().program(pump.id, {
      effectiveFrom: plus(T, 5),
      steps: [{ startTime: '00:00', doseMcgPerDay: 1000 }],
      doseChangeReason: 'ten times the dose (dose guard, issue 7)',
    });
    await app.get(AlertEngine).processPendingEvents();
    expect((await f().http.get(`/api/alerts/${alertId}`)).body).toMatchObject({ severity: 'critical', status: 'open' });
    await sweepAt(plus(T, 5));
    const after = await pagesOf(alertId);
    expect(after.escalation).toMatchObject({ pagingStartedAt: plus(T, 5), step: 1, nextDueAt: plus(T, 15) });
    expect(summary(after.pages)).toEqual([
      [0, 'on_call', 'Anne Primary', 'in_app', 'sent'],
      [0, 'on_call', 'Anne Primary', 'webhook', 'sent'],
    ]);
    const rescheduled = await queryRows<{ changes: Record<string, { before: unknown; after: unknown }> }>(
      database.url,
      `SELECT changes FROM audit_log WHERE action = 'escalation.rescheduled' AND entity_id = $1`,
      [alertId],
    );
    expect(rescheduled.map((r) => r.changes.nextDueAt)).toEqual([{ before: plus(T, 30), after: plus(T, 5) }]);
  });

  it('starts at the backup when no primary shift covers now, keeps the admins at 20 min, and says no one is on call', async () => {
    const T = nextWindow();
    const s = await setupClinic(T, { primary: false });
    const { alertId } = await alertAt(s.clinicId, 'critical', T);
    await sweepAt(T);
    const first = await pagesOf(alertId);
    expect(summary(first.pages)).toEqual([
      [1, 'backup', 'Carla Backup', 'in_app', 'sent'],
      [1, 'backup', 'Carla Backup', 'webhook', 'sent'],
    ]);
    expect(first.escalation).toMatchObject({ noOneOnCall: true, step: 2, nextDueAt: plus(T, 20) });
    expect((await f().http.get(`/api/clinics/${s.clinicId}/on-call-now`)).body).toMatchObject({
      noOneOnCall: true,
      primary: [],
      backup: [{ displayName: 'Carla Backup' }],
    });
    await sweepAt(plus(T, 10));
    expect((await pagesOf(alertId)).pages).toHaveLength(2);
    await sweepAt(plus(T, 20));
    expect(
      summary((await pagesOf(alertId)).pages)
        .slice(2)
        .map((p) => p.slice(0, 2)),
    ).toEqual([
      [2, 'clinic_admins'],
      [2, 'clinic_admins'],
    ]);
  });

  it("records a failed page when no level reaches anybody, keeps trying at each level's time, and counts the failures in /api/health", async () => {
    const T = nextWindow();
    const s = await setupClinic(T, { primary: false, backup: false, admin: false });
    const { alertId } = await alertAt(s.clinicId, 'critical', T);
    const before = (await health()).failedPagesLast24h;
    await sweepAt(T);
    const [page] = (await pagesOf(alertId)).pages;
    expect(page).toMatchObject({
      step: 0,
      level: null,
      recipient: null,
      notifier: 'none',
      status: 'failed',
      lastError: expect.stringContaining('no level of the escalation policy reaches anybody'),
    });
    await sweepAt(plus(T, 10));
    expect((await pagesOf(alertId)).pages.map((p) => [p.step, p.status])).toEqual([
      [0, 'failed'],
      [1, 'failed'],
    ]);
    expect(await health()).toEqual({ status: 'up', lastSweepAt: plus(T, 10), failedPagesLast24h: before + 2 });
    expect(hitsOf(s)).toEqual([]);
  });

  it('neither drops nor repeats a page across a restart, nor when the instance holding a due escalation dies before committing', async () => {
    const T = nextWindow();
    const s = await setupClinic(T);
    const { alertId } = await alertAt(s.clinicId, 'critical', T);
    await sweepAt(T);
    expect((await pagesOf(alertId)).pages).toHaveLength(2);

    // The server stops; the backup's page falls due while none runs.
    await app.close();
    clock.set(plus(T, 10));
    app = await startApp();
    baseUrl = urlOf(app);
    await sweepAt(plus(T, 10));
    await sweepAt(plus(T, 10));
    expect(summary((await pagesOf(alertId)).pages).map((p) => p.slice(0, 3))).toEqual([
      [0, 'on_call', 'Anne Primary'],
      [0, 'on_call', 'Anne Primary'],
      [1, 'backup', 'Carla Backup'],
      [1, 'backup', 'Carla Backup'],
    ]);
    expect(hitsOf(s).map((h) => h.body.step)).toEqual([0, 1]);

    // Another instance claims the admins' due escalation row, then dies before committing: the row stays due and is paged once.
    clock.set(plus(T, 20));
    const dying = new Client({ connectionString: database.url });
    await dying.connect();
    try {
      await dying.query('BEGIN');
      await dying.query('SELECT * FROM alert_escalations WHERE alert_id = $1 FOR UPDATE', [alertId]);
      await sweep();
      expect((await pagesOf(alertId)).pages).toHaveLength(4);
      await dying.query('ROLLBACK');
    } finally {
      await dying.end();
    }
    await sweep();
    await sweep();
    expect(
      summary((await pagesOf(alertId)).pages)
        .slice(4)
        .map((p) => p.slice(0, 2)),
    ).toEqual([
      [2, 'clinic_admins'],
      [2, 'clinic_admins'],
    ]);
    expect(hitsOf(s).map((h) => h.body.step)).toEqual([0, 1, 2]);
  });

  it('pages each step once when two instances sweep at the same time', async () => {
    const T = nextWindow();
    const s = await setupClinic(T);
    const { alertId } = await alertAt(s.clinicId, 'critical', T);
    const second = await startApp();
    try {
      for (const minutes of [0, 10, 20]) {
        clock.set(plus(T, minutes));
        await Promise.all([sweep(app), sweep(second), sweep(app), sweep(second)]);
      }
    } finally {
      await second.close();
    }
    const pages = (await pagesOf(alertId)).pages;
    expect(pages.map((p) => [p.step, p.notifier, p.status, p.attempts])).toEqual([
      [0, 'in_app', 'sent', 1],
      [0, 'webhook', 'sent', 1],
      [1, 'in_app', 'sent', 1],
      [1, 'webhook', 'sent', 1],
      [2, 'in_app', 'sent', 1],
      [2, 'webhook', 'sent', 1],
    ]);
    expect(hitsOf(s).map((h) => h.body.step)).toEqual([0, 1, 2]);
    const sentEvents = await queryRows<{ n: number }>(
      database.url,
      `SELECT count(*)::int AS n FROM events WHERE type = 'page.sent' AND payload->'page'->>'alertId' = $1`,
      [alertId],
    );
    expect(sentEvents[0].n).toBe(6);
  });

  it('posts the page to the webhook signed with the endpoint secret over timestamp and raw body, with no patient data', async () => {
    const T = nextWindow();
    const s = await setupClinic(T);
    const { alertId, patient } = await alertAt(s.clinicId, 'critical', T, 'Ophelia Wintergreen');
    await sweepAt(T);
    const [hit] = hitsOf(s);
    const [, webhookPage] = (await pagesOf(alertId)).pages;
    const timestamp = String(Math.floor(Date.parse(T) / 1000));
    expect(hit.headers).toMatchObject({
      'content-type': 'application/json',
      'x-pumpwatch-timestamp': timestamp,
      'x-pumpwatch-page-id': webhookPage.id,
      'idempotency-key': webhookPage.id,
      'x-pumpwatch-signature': `sha256=${createHmac('sha256', s.secret!).update(`${timestamp}.${hit.rawBody}`).digest('hex')}`,
    });
    expect(hit.body).toEqual({
      type: 'page',
      pageId: webhookPage.id,
      alertId,
      kind: 'refill_due',
      severity: 'critical',
      clinicId: s.clinicId,
      step: 0,
      level: 'on_call',
      recipient: { clinicianId: s.anneClinicianId, userId: s.anne!.id, displayName: 'Anne Primary', pagerContact: '+41 79 111 11 11' },
      acknowledgeUrl: expect.stringMatching(new RegExp(`^${baseUrl}/api/alerts/acknowledge-link\\?token=[A-Za-z0-9_-]{43}$`)),
      acknowledgeExpiresAt: new Date(Date.parse(T) + DAY).toISOString(),
    });
    for (const secret of ['Ophelia', 'Wintergreen', patient.mrn, patient.birthDate]) expect(hit.rawBody).not.toContain(secret);
    // A signature over another timestamp does not match: the timestamp cannot be replaced to replay the body later.
    const replayed = createHmac('sha256', s.secret!)
      .update(`${Number(timestamp) + 600}.${hit.rawBody}`)
      .digest('hex');
    expect(hit.headers['x-pumpwatch-signature']).not.toBe(`sha256=${replayed}`);
    // The secret is shown once: never listed, never in the audit trail.
    const listed = await f().http.get(`/api/clinics/${s.clinicId}/webhooks`);
    expect(listed.body).toEqual([expect.objectContaining({ name: 'Pager gateway', active: true })]);
    expect(JSON.stringify(listed.body)).not.toContain(s.secret!);
    const audit = await queryRows<{ changes: unknown }>(database.url, `SELECT changes FROM audit_log WHERE clinic_id = $1`, [s.clinicId]);
    expect(JSON.stringify(audit)).not.toContain(s.secret!);
  });

  it('retries a failing webhook after 1, 2 and 4 min, then records the page as failed and counts it in /api/health', async () => {
    const T = nextWindow();
    const s = await setupClinic(T);
    failing.add(s.hookPath);
    const { alertId } = await alertAt(s.clinicId, 'critical', T);
    const before = (await health()).failedPagesLast24h;
    const webhookPage = async () => (await pagesOf(alertId)).pages.find((p) => p.notifier === 'webhook' && p.step === 0)!;

    await sweepAt(T);
    expect(await webhookPage()).toMatchObject({
      status: 'queued',
      attempts: 1,
      nextAttemptAt: plus(T, 1),
      lastError: 'the endpoint answered HTTP 500',
    });
    await sweepAt(plus(T, 0.99));
    expect(hitsOf(s)).toHaveLength(1);
    await sweepAt(plus(T, 1));
    expect(await webhookPage()).toMatchObject({ status: 'queued', attempts: 2, nextAttemptAt: plus(T, 3) });
    await sweepAt(plus(T, 3));
    expect(await webhookPage()).toMatchObject({ status: 'queued', attempts: 3, nextAttemptAt: plus(T, 7) });
    await sweepAt(plus(T, 7));
    expect(await webhookPage()).toMatchObject({
      status: 'failed',
      attempts: 4,
      nextAttemptAt: null,
      lastAttemptAt: plus(T, 7),
      lastError: 'the endpoint answered HTTP 500',
    });
    await sweepAt(plus(T, 8));
    expect(hitsOf(s).map((h) => [h.body.pageId, h.headers['x-pumpwatch-timestamp']])).toEqual(
      [0, 1, 3, 7].map((m) => [expect.any(String), String(Math.floor(Date.parse(plus(T, m)) / 1000))]),
    );
    expect(new Set(hitsOf(s).map((h) => h.body.pageId)).size).toBe(1);
    // At-least-once: every retry of the page carries the same Idempotency-Key, the page id, for the receiver to deduplicate on.
    expect(hitsOf(s).map((h) => h.headers['idempotency-key'])).toEqual(hitsOf(s).map(() => hitsOf(s)[0].body.pageId));
    expect((await pagesOf(alertId)).pages.find((p) => p.notifier === 'in_app')?.status).toBe('sent');
    expect(await health()).toEqual({ status: 'up', lastSweepAt: plus(T, 8), failedPagesLast24h: before + 1 });
    const whole = await api(baseUrl, { token: null }).get('/api/health');
    expect(whole.status).toBe(200);
    expect(whole.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    const outcomes = await queryRows<{ action: string }>(
      database.url,
      `SELECT action FROM audit_log WHERE entity_type = 'page' AND entity_id = $1 ORDER BY id`,
      [(await webhookPage()).id],
    );
    expect(outcomes.map((o) => o.action)).toEqual(['page.retry_scheduled', 'page.retry_scheduled', 'page.retry_scheduled', 'page.failed']);
    failing.delete(s.hookPath);
  });

  it('acknowledges with the link once: the page it opens changes nothing, the POST acknowledges as the paged clinician and stops paging', async () => {
    const T = nextWindow();
    const s = await setupClinic(T);
    const { alertId } = await alertAt(s.clinicId, 'critical', T, 'Rosalind Featherstone');
    await sweepAt(T);
    const link = new URL(hitsOf(s)[0].body.acknowledgeUrl);
    const token = link.searchParams.get('token')!;
    const anonymous = api(baseUrl, { token: null });

    const page = await anonymous.get(`${link.pathname}${link.search}`);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.body).toContain('Acknowledge this alert?');
    expect(page.body).not.toContain('Featherstone');
    expect((await f().http.get(`/api/alerts/${alertId}`)).body.status).toBe('open');

    clock.set(plus(T, 3));
    const acknowledged = await anonymous.post('/api/alerts/acknowledge-link', { token });
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toEqual({
      alertId,
      outcome: 'acknowledged',
      kind: 'refill_due',
      severity: 'critical',
      status: 'acknowledged',
      acknowledgedAt: plus(T, 3),
      // Named as the dashboard names people; the audit row and the link's use keep the e-mail.
      acknowledgedBy: 'anne (pager link)',
    });
    const detail = (await f().http.get(`/api/alerts/${alertId}`)).body as AlertDetail;
    expect(detail).toMatchObject({ status: 'acknowledged', acknowledgedBy: { userId: s.anne!.id } });
    expect(detail.history.map((h) => h.action)).toEqual(['raised', 'acknowledged']);
    // Stopped at once, before any sweep: nobody else is paged at 10 min.
    expect((await pagesOf(alertId)).escalation).toMatchObject({ stoppedAt: plus(T, 3), stopReason: 'acknowledged' });
    await sweepAt(plus(T, 10));
    expect((await pagesOf(alertId)).pages).toHaveLength(2);

    const again = await anonymous.post('/api/alerts/acknowledge-link', { token });
    expect([again.status, again.body.fields]).toEqual([
      409,
      [{ field: 'token', message: `was already used at ${clinicTime(plus(T, 3), 'Europe/Paris')}` }],
    ]); // the fixture clinic's zone
    const form = await fetch(`${baseUrl}/api/alerts/acknowledge-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    expect([form.status, await form.text()]).toEqual([409, expect.stringContaining('was already used')]);
    expect((await anonymous.post('/api/alerts/acknowledge-link', { token: 'x'.repeat(43) })).status).toBe(404);
    const used = await queryRows<{ used_by_label: string; actor_id: string }>(
      database.url,
      `SELECT l.used_by_label, a.actor_id FROM acknowledge_links l JOIN audit_log a ON a.action = 'acknowledge_link.used' AND a.entity_id = l.page_id::text WHERE l.alert_id = $1`,
      [alertId],
    );
    expect(used).toEqual([{ used_by_label: `${s.anne!.email} (pager link)`, actor_id: s.anne!.id }]);
  });

  it('acknowledges as "pager link" for a clinician without an account, from the confirmation form, and refuses an expired link', async () => {
    const T = nextWindow();
    const s = await setupClinic(T, { primary: false, backup: false, admin: false });
    const dora = (
      await created('/api/clinicians', { clinicId: s.clinicId, displayName: 'Dora Pager', profession: 'nurse', pagerContact: 'pager 4711' })
    ).id;
    await created('/api/on-call-shifts', { clinicianId: dora, startsAt: plus(T, -60), endsAt: plus(T, 3 * 24 * 60) });
    const single = { levels: [{ target: 'on_call', afterMinutes: 0 }], repeatTopLevelEveryMinutes: 10, urgentPageAfterMinutes: 30 };
    expect((await f().http.call('PUT', `/api/clinics/${s.clinicId}/escalation-policy`, single)).status).toBe(200);
    const { alertId } = await alertAt(s.clinicId, 'critical', T);
    await sweepAt(T);
    expect(summary((await pagesOf(alertId)).pages)).toEqual([[0, 'on_call', 'Dora Pager', 'webhook', 'sent']]);
    expect(hitsOf(s)[0].body.recipient).toEqual({ clinicianId: dora, userId: null, displayName: 'Dora Pager', pagerContact: 'pager 4711' });
    const firstToken = new URL(hitsOf(s)[0].body.acknowledgeUrl).searchParams.get('token')!;

    // A day and a minute later the first link has expired; the repeats that fell due meanwhile are paged once, with a fresh link.
    const later = plus(T, 24 * 60 + 1);
    clock.set(later);
    const expired = await api(baseUrl, { token: null }).post('/api/alerts/acknowledge-link', { token: firstToken });
    expect([expired.status, expired.body.fields[0].field]).toEqual([422, 'token']);
    await sweepAt(later);
    await sweepAt(later);
    const pages = (await pagesOf(alertId)).pages;
    // Steps 1 to 144 fell due every 10 min over the 1441 min: only the latest, 144 (due at 1440 min), is paged.
    expect(pages.map((p) => p.step)).toEqual([0, 144]);
    const fresh = new URL(hitsOf(s)[1].body.acknowledgeUrl).searchParams.get('token')!;
    const form = await fetch(`${baseUrl}/api/alerts/acknowledge-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: fresh }).toString(),
    });
    expect([form.status, form.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await form.text()).toContain('Alert acknowledged');
    expect((await f().http.get(`/api/alerts/${alertId}`)).body).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: { userId: null, label: 'pager link: Dora Pager' },
    });
    const audit = await queryRows<{ actor_type: string; actor_label: string }>(
      database.url,
      `SELECT actor_type, actor_label FROM audit_log WHERE action = 'alert.acknowledged' AND entity_id = $1`,
      [alertId],
    );
    expect(audit).toEqual([{ actor_type: 'system', actor_label: 'pager link: Dora Pager' }]);
  });

  it('pages again at once, as a new episode, when an acknowledged urgent alert becomes critical and opens again', async () => {
    const T = nextWindow();
    const s = await setupClinic(T);
    const { alertId } = await alertAt(s.clinicId, 'urgent', T);
    await sweepAt(T);
    expect((await f().http.post(`/api/alerts/${alertId}/acknowledge`, {})).status).toBe(200);
    await sweepAt(plus(T, 1));
    expect((await pagesOf(alertId)).escalation).toMatchObject({ episode: 1, stopReason: 'acknowledged' });

    // Five days later the refill is 2 days away: critical, open again until acknowledged.
    const critical = plus(T, 5 * 24 * 60);
    await evaluateAt(critical);
    expect((await f().http.get(`/api/alerts/${alertId}`)).body).toMatchObject({ status: 'open', severity: 'critical' });
    await sweepAt(critical);
    const after = await pagesOf(alertId);
    expect(after.escalation).toMatchObject({ episode: 2, stoppedAt: null, pagingStartedAt: critical, step: 1 });
    expect(after.pages.map((p) => [p.episode, p.step, p.recipient?.displayName, p.notifier])).toEqual([
      [2, 0, 'Anne Primary', 'in_app'],
      [2, 0, 'Anne Primary', 'webhook'],
    ]);
  });

  it('manages webhook endpoints: https only, secret shown once, disabling cancels queued pages and stops further ones', async () => {
    const T = nextWindow();
    const s = await setupClinic(T);
    app.get(PagingSettings).allowHttpLoopbackWebhooks = false;
    try {
      const refused = await f().http.post(`/api/clinics/${s.clinicId}/webhooks`, { name: 'Plain', url: `${receiverUrl}/plain` });
      expect([refused.status, refused.body.fields]).toEqual([422, [{ field: 'url', message: 'must be an https:// URL' }]]);
    } finally {
      app.get(PagingSettings).allowHttpLoopbackWebhooks = true;
    }
    const [endpoint] = (await f().http.get(`/api/clinics/${s.clinicId}/webhooks`)).body as { id: string }[];
    failing.add(s.hookPath);
    const { alertId } = await alertAt(s.clinicId, 'critical', T);
    await sweepAt(T);
    const disabled = await f().http.post(`/api/clinics/${s.clinicId}/webhooks/${endpoint.id}/disable`);
    expect(disabled.body).toMatchObject({ id: endpoint.id, active: false, disabledAt: T });
    expect((await pagesOf(alertId)).pages.find((p) => p.notifier === 'webhook')).toMatchObject({
      status: 'cancelled',
      lastError: 'not sent: the webhook endpoint was disabled',
    });
    await sweepAt(plus(T, 10));
    expect((await pagesOf(alertId)).pages.filter((p) => p.step === 1).map((p) => p.notifier)).toEqual(['in_app']);
    expect(hitsOf(s)).toHaveLength(1);
    failing.delete(s.hookPath);
    expect((await f().http.post(`/api/clinics/${s.clinicId}/webhooks/${endpoint.id}/disable`)).body).toMatchObject({
      active: false,
      disabledAt: T,
    });
    expect((await f().http.post(`/api/clinics/${s.clinicId}/webhooks/6f1c1d2e-0000-4000-8000-000000000000/disable`)).status).toBe(404);
  });
});
