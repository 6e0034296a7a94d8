// Browser test in real Chromium: a critical alert raised through the API reaches an open dashboard live and is acknowledged there; a dropped socket shows the disconnected banner until it is back.
// Issue 15: with more alerts than one page, the alerts page says how many are shown of how many per severity, shows more on demand,
// and a live raise moves the counts and the list without any reload of the list.
import { mkdirSync } from 'node:fs';
import type { Browser, Page, Request, WebSocket } from 'playwright-core';
import {
  WITHDRAWAL_SIGNS,
  type Alert,
  type AlertDetail,
  type AlertSeverity,
  type FleetPump,
  type TelemetryIngestResult,
} from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { EventsGateway } from '../../server/src/events/events.gateway';
import { ManualClock } from '../../server/src/infra/clock';
import { launchChromium } from '../support/chromium';
import { fixtures } from '../support/fixtures';
import { SCREENS } from '../support/screens';
import { startTestServer, TEST_ADMIN } from '../support/test-server';
import { api } from '../support/http';
import { DEMO_LOGINS } from '../support/test-accounts';
import { signInThroughPage } from './dashboard-sign-in';

jest.setTimeout(180_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;
type MarkedWindow = { __pumpwatchMarker?: string };

// Who acknowledged, as colleagues know them (the demo clinician's name; the audit row keeps the e-mail).
const CLINICIAN_LABEL = 'Dr Chris Clinician (demo)';

function nowIso(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** socket.io CONNECT packets ("40{...}") the page sent, over long-polling or WebSocket: their `auth` is the handshake. */
function recordHandshakes(page: Page): { auths: Record<string, unknown>[] } {
  const seen = { auths: [] as Record<string, unknown>[] };
  const note = (payload: string) => {
    // Engine.IO may batch packets with the record separator \x1e.
    for (const packet of payload.split('\x1e')) {
      if (!packet.startsWith('40')) continue;
      const json = packet.slice(2);
      seen.auths.push(json ? (JSON.parse(json) as Record<string, unknown>) : {});
    }
  };
  page.on('request', (request: Request) => {
    if (request.method() === 'POST' && request.url().includes('/socket.io/')) note(request.postData() ?? '');
  });
  page.on('websocket', (ws: WebSocket) => {
    ws.on('framesent', (frame) => {
      if (typeof frame.payload === 'string') note(frame.payload);
    });
  });
  return seen;
}

describe('alerts on the dashboard in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let handshakes: { auths: Record<string, unknown>[] };
  let mainFrameNavigations = 0;
  /** Event id of the acknowledgement in the first test: the page has received at least this far. */
  let acknowledgedEventId = 0;
  /** The pump whose motor stalled in the first test. */
  let stalled: FleetPump;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    handshakes = recordHandshakes(page);
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) mainFrameNavigations++;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a critical alert appears on an open dashboard without reload and is acknowledged there', async () => {
    const admin = api(server.baseUrl);
    const fleet = (await admin.get<FleetPump[]>('/api/pumps')).body;
    const target = fleet.find((f) => f.status === 'ok' && f.pump.modelId !== 'constant-flow' && f.telemetry?.deliveryInterrupted !== true)!;
    expect(target).toBeDefined();
    const before = (await admin.get<Alert[]>(`/api/alerts?pumpId=${target.pump.id}`)).body;
    expect(before.filter((a) => a.kind === 'delivery_interrupted')).toHaveLength(0);
    stalled = target;

    await page.goto(`${server.baseUrl}/`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signInThroughPage(page, DEMO_LOGINS.clinician);
    await page.locator('[data-testid="alerts-panel"]').waitFor();
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 10_000 });
    await page.evaluate(() => {
      (window as unknown as MarkedWindow).__pumpwatchMarker = 'still-here';
    });
    const navigationsBefore = mainFrameNavigations;

    // A gateway reports a motor stall: delivery stops, the alert engine raises a critical withdrawal-risk alert.
    const ingest = await admin.post<TelemetryIngestResult>('/api/telemetry', {
      readings: [{ serialNumber: target.pump.serialNumber, recordedAt: nowIso(), alarms: ['motor_stall'], batteryStatus: 'ok' }],
    });
    expect(ingest.status).toBe(200);
    expect(ingest.body).toMatchObject({ received: 1, new: 1, unknownSerials: [] });

    const item = page.locator(`[data-testid="alert-item"][data-kind="delivery_interrupted"][data-pump-id="${target.pump.id}"]`);
    await item.waitFor({ timeout: 15_000 });
    expect(await item.getAttribute('data-severity')).toBe('critical');
    expect(await item.getAttribute('data-status')).toBe('open');
    // Severity in words and icon, not colour alone; the patient is named and linked to the pump page.
    expect(await item.locator('[data-testid="alert-severity"]').innerText()).toContain('CRITICAL');
    expect(await item.locator('[data-testid="alert-patient-link"]').innerText()).toBe(target.patient.displayName);
    expect(await item.locator('[data-testid="alert-patient-link"]').getAttribute('href')).toBe(`/pumps/${target.pump.id}`);
    // A withdrawal-risk alert carries the checklist of early signs and the patient's risk factors.
    // Every sign of the label's checklist (hypotension, autonomic dysreflexia, rigidity and rhabdomyolysis included, issue 13).
    expect(await item.locator('[data-testid="withdrawal-sign"]').count()).toBe(WITHDRAWAL_SIGNS.length);
    expect(WITHDRAWAL_SIGNS.length).toBeGreaterThanOrEqual(14);
    expect(await item.locator('[data-testid="withdrawal-risk-factor"]').count()).toBe(3);
    // Critical and unacknowledged: the tab title flashes (one change per second, well under 3 flashes per second).
    await page.waitForFunction(() => document.title.startsWith('⚠ CRITICAL ALERT'), undefined, { timeout: 5_000, polling: 100 });
    // The fleet row shows the alarm as a badge in words too.
    expect(await page.locator(`[data-testid="fleet-row"][data-pump-id="${target.pump.id}"] [data-badge="alarm"]`).innerText()).toContain(
      'DELIVERY STOPPED',
    );

    await item.locator('[data-testid="alert-acknowledge"]').click();
    await item.locator('[data-testid="alert-acknowledge-note"]').fill('Calling the patient now');
    await item.locator('[data-testid="alert-acknowledge-submit"]').click();
    await page
      .locator(`[data-testid="alert-item"][data-alert-id="${await item.getAttribute('data-alert-id')}"][data-status="acknowledged"]`)
      .waitFor({ timeout: 5_000 });
    expect(await item.locator('[data-testid="alert-acknowledged-by"]').innerText()).toContain(CLINICIAN_LABEL);

    const alertId = (await item.getAttribute('data-alert-id'))!;
    const stored = (await admin.get<AlertDetail>(`/api/alerts/${alertId}`)).body;
    expect(stored).toMatchObject({
      id: alertId,
      pumpId: target.pump.id,
      kind: 'delivery_interrupted',
      severity: 'critical',
      status: 'acknowledged',
      acknowledgementNote: 'Calling the patient now',
      acknowledgedBy: { type: 'user', label: CLINICIAN_LABEL },
    });
    expect(stored.history.map((h) => h.action)).toEqual(expect.arrayContaining(['raised', 'acknowledged']));
    acknowledgedEventId = stored.lastEventId;

    // All without a reload of the page.
    expect(await page.evaluate(() => (window as unknown as MarkedWindow).__pumpwatchMarker)).toBe('still-here');
    expect(mainFrameNavigations).toBe(navigationsBefore);
  });

  it('shows the disconnected banner while the server has dropped the socket, even when muted, and hides it after reconnecting with lastEventId', async () => {
    const banner = page.locator('[data-testid="disconnected-banner"]');
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 10_000 });
    expect(await banner.count()).toBe(0);

    // Muting silences the sound only: the banner must still show.
    await page.locator('[data-testid="alarm-mute-toggle"]').click();
    expect(await page.locator('[data-testid="alarm-mute-toggle"]').getAttribute('aria-pressed')).toBe('true');
    // Remembered for this user in this browser (one key per user).
    expect(
      await page.evaluate(() =>
        Object.keys(window.localStorage)
          .filter((k) => k.startsWith('pumpwatch.alertSound.muted.'))
          .map((k) => window.localStorage.getItem(k)),
      ),
    ).toEqual(['true']);

    const handshakesBefore = handshakes.auths.length;
    expect(acknowledgedEventId).toBeGreaterThan(0);
    server.app.get(EventsGateway).server.disconnectSockets();

    await banner.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await banner.getAttribute('role')).toBe('alert');
    expect(await banner.innerText()).toContain('Disconnected — reconnecting…');

    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 15_000 });
    await banner.waitFor({ state: 'detached', timeout: 5_000 });

    // The new handshake asked for what was missed after the highest event id the page had received.
    const reconnect = handshakes.auths.slice(handshakesBefore);
    expect(reconnect.length).toBeGreaterThanOrEqual(1);
    const lastEventId = reconnect[reconnect.length - 1].lastEventId;
    expect(typeof lastEventId).toBe('number');
    expect(lastEventId as number).toBeGreaterThanOrEqual(acknowledgedEventId);

    await page.locator('[data-testid="alarm-mute-toggle"]').click();
    expect(await page.locator('[data-testid="alarm-mute-toggle"]').getAttribute('aria-pressed')).toBe('false');
  });

  it('shows the telemetry of the stalled pump on its page: alarm badge and timeline, battery, reported volumes on the chart', async () => {
    const hourMs = 3_600_000;
    const readings = [2, 1].map((hoursAgo) => ({
      serialNumber: stalled.pump.serialNumber,
      recordedAt: new Date(Math.floor((Date.now() - hoursAgo * hourMs) / 1000) * 1000).toISOString(),
      reservoirVolumeMl: Math.max(0, Math.round(((stalled.volumeMl ?? 5) + 0.1) * 10) / 10),
    }));
    expect((await api(server.baseUrl).post('/api/telemetry', { readings })).status).toBe(200);

    // Through the alert's link: the pump page opens inside the dashboard.
    await page
      .locator(
        `[data-testid="alert-item"][data-kind="delivery_interrupted"][data-pump-id="${stalled.pump.id}"] [data-testid="alert-patient-link"]`,
      )
      .click();
    await page.locator(`[data-testid="pump-page"][data-pump-id="${stalled.pump.id}"]`).waitFor();
    const telemetry = page.locator('[data-testid="pump-telemetry"]');
    await telemetry.locator('[data-testid="alarm-episode"][data-code="motor_stall"][data-active="true"]').waitFor({ timeout: 10_000 });
    expect(await telemetry.locator('[data-testid="pump-telemetry-badges"] [data-badge="alarm"]').innerText()).toContain('DELIVERY STOPPED');
    expect(await telemetry.locator('[data-testid="telemetry-battery"]').innerText()).toContain('OK');
    expect(await telemetry.locator('[data-testid="telemetry-last-contact"]').innerText()).not.toContain('never');
    await page.locator('[data-testid="forecast-chart"] .recharts-scatter-symbol').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="forecast-chart"] .recharts-scatter-symbol').count()).toBe(2);
  });

  it('shows "No one on call" and takes it down as soon as a shift covering now is added, then back when it is cancelled', async () => {
    const admin = api(server.baseUrl);
    const clinicId = stalled.clinic.id;
    // The demo starts with its clinician on call: cancel the shifts covering now, and the banner comes up.
    const covering = (
      await admin.get<{ id: string }[]>(
        `/api/on-call-shifts?clinicId=${clinicId}&from=${new Date(Date.now() - 60_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`,
      )
    ).body;
    expect(covering.length).toBeGreaterThan(0);
    for (const demoShift of covering) expect((await admin.post(`/api/on-call-shifts/${demoShift.id}/cancel`, {})).status).toBe(200);
    await page.goto(`${server.baseUrl}/`);
    const banner = page.locator('[data-testid="no-one-on-call"]');
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
    const clinicians = (await admin.get<{ id: string; active: boolean }[]>(`/api/clinicians?clinicId=${clinicId}`)).body;
    const onDuty = clinicians.find((c) => c.active);
    expect(onDuty).toBeDefined();
    const hourMs = 3_600_000;
    const shift = await admin.post<{ id: string }>('/api/on-call-shifts', {
      clinicianId: onDuty!.id,
      startsAt: new Date(Date.now() - hourMs).toISOString(),
      endsAt: new Date(Date.now() + 8 * hourMs).toISOString(),
    });
    expect(shift.status).toBe(201);
    // Pushed (on_call.changed): well before the banner's one-minute re-read.
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    expect((await admin.post(`/api/on-call-shifts/${shift.body.id}/cancel`, {})).status).toBe(200);
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
  });

  it("hides an alert on the user's other open dashboard as soon as it is snoozed on one", async () => {
    await page.goto(`${server.baseUrl}/`);
    const other = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const second = await other.newPage();
      await second.goto(`${server.baseUrl}/`);
      await second.waitForURL((url) => url.pathname === '/sign-in');
      await signInThroughPage(second, DEMO_LOGINS.clinician);
      const firstItem = second.locator('[data-testid="alert-item"]').first();
      await firstItem.waitFor({ timeout: 10_000 });
      const alertId = (await firstItem.getAttribute('data-alert-id')) as string;
      const onFirstPage = page.locator(`[data-testid="alert-item"][data-alert-id="${alertId}"]`);
      await onFirstPage.waitFor({ timeout: 10_000 });
      await firstItem.locator('[data-testid="alert-snooze"]').click();
      await second.locator(`[data-testid="alert-item"][data-alert-id="${alertId}"]`).waitFor({ state: 'detached', timeout: 5_000 });
      // The first page was not reloaded: the alert.snoozed event hid it.
      await onFirstPage.waitFor({ state: 'detached', timeout: 5_000 });
    } finally {
      await other.close();
    }
  });
});

describe('a long alert list in Chromium: counts and "show more"', () => {
  const DAY_MS = 86_400_000;
  // 20 mL of 500 mcg/mL at 100 mcg/day: the refill deadline is 90 days after the fill; the refill alert is critical within 2 days of
  // it, urgent within 7, a warning within 21 (shared/src/clinical-config.ts). Fills so many days before "now" give each severity.
  const GROUPS: { severity: AlertSeverity; daysToDeadline: number; pumps: number }[] = [
    { severity: 'critical', daysToDeadline: 1, pumps: 2 },
    { severity: 'urgent', daysToDeadline: 5, pumps: 40 },
    { severity: 'warning', daysToDeadline: 14, pumps: 30 },
  ];
  const start = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const clock = new ManualClock(start.toISOString());
  let server: Server;
  let browser: Browser;
  let f: ReturnType<typeof fixtures>;
  let engine: AlertEngine;
  let clinicId: string;
  const fmt = (n: number) => n.toLocaleString('en-US');
  const newPump = async (daysToDeadline: number, minutes: number) => {
    const patient = await f.patient(clinicId);
    const pump = await f.pump(patient.id);
    await f.program(pump.id, { effectiveFrom: new Date(start.getTime() - 100 * DAY_MS).toISOString() });
    await f.fill(pump.id, { filledAt: new Date(start.getTime() - (90 - daysToDeadline) * DAY_MS + minutes * 60_000).toISOString() });
    return pump as { id: string };
  };
  const listAll = async (): Promise<{ alerts: Alert[]; counts: Record<AlertSeverity, number>; total: number }> => {
    const res = await f.http.get<Alert[]>('/api/alerts?limit=1000&includeSnoozed=true');
    expect(res.status).toBe(200);
    return {
      alerts: res.body,
      counts: JSON.parse(res.headers.get('x-severity-counts') as string),
      total: Number(res.headers.get('x-total-count')),
    };
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ clock, sessionHours: 24 * 30 }), launchChromium()]);
    f = fixtures(server.baseUrl);
    engine = server.app.get(AlertEngine);
    clinicId = (await f.clinic({ name: 'Long List Clinic' })).id;
    for (const group of GROUPS) {
      for (let i = 0; i < group.pumps; i++) await newPump(group.daysToDeadline, i);
    }
    await engine.processPendingEvents();
    await engine.sweep();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('says how many of each severity are shown, shows 100 more on demand, and follows a live raise without reloading the list', async () => {
    const before = await listAll();
    // More than one page, every severity present (the refill alerts alone: 2 critical, 40 urgent, 30 warning; patient alerts add more).
    expect(before.total).toBe(before.alerts.length);
    expect(before.total).toBeGreaterThan(100);
    expect(before.counts.critical).toBeGreaterThanOrEqual(2);
    const firstPage = before.alerts.slice(0, 100);
    const shownOf = (alerts: Alert[], s: AlertSeverity) => alerts.filter((a) => a.severity === s).length;
    const expectedText = (alerts: Alert[], counts: Record<AlertSeverity, number>) => {
      const total = counts.critical + counts.urgent + counts.warning;
      if (alerts.length >= total) return `Showing all ${fmt(total)} alerts.`;
      const parts = (['critical', 'urgent', 'warning'] as const)
        .filter((s) => counts[s] > 0)
        .map((s) =>
          shownOf(alerts, s) === counts[s] ? `all ${fmt(counts[s])} ${s}` : `${fmt(shownOf(alerts, s))} of ${fmt(counts[s])} ${s}`,
        );
      return `Showing ${fmt(alerts.length)} of ${fmt(total)} alerts: ${parts.join(', ')}.`;
    };

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const alertReads: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname === '/api/alerts') alertReads.push(request.url());
    });
    await page.goto(`${server.baseUrl}/alerts`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signInThroughPage(page, TEST_ADMIN);
    if (new URL(page.url()).pathname !== '/alerts') await page.goto(`${server.baseUrl}/alerts`);
    const panel = page.locator('[data-testid="alerts-page"] [data-testid="alerts-panel"]');
    const shown = panel.locator('[data-testid="alerts-shown"]');
    await shown.waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 10_000 });

    // The first page: 100 alerts on screen, the text says which part of which severity, the badges the server's counts.
    expect(await shown.innerText()).toBe(expectedText(firstPage, before.counts));
    expect(await panel.locator('[data-testid="alert-item"]').count()).toBe(100);
    for (const s of ['critical', 'urgent', 'warning'] as const) {
      expect(await panel.locator(`[data-testid="alert-count-${s}"]`).innerText()).toMatch(
        new RegExp(`${s}: ${fmt(before.counts[s])}$`, 'i'),
      );
    }
    mkdirSync(SCREENS, { recursive: true });
    await page.screenshot({ path: `${SCREENS}/p6-alerts-1440.png` });

    // "Show more" adds the next page, in order, after the first.
    const more = panel.locator('[data-testid="alerts-show-more"]');
    expect(await more.innerText()).toBe(`Show ${fmt(Math.min(100, before.total - 100))} more`);
    expect(await panel.locator('[data-testid="alerts-not-loaded"]').innerText()).toBe(`${fmt(before.total - 100)} more not shown yet`);
    await more.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENS}/p6-alerts-more-1440.png` });
    await more.click();
    const secondPage = before.alerts.slice(0, 200);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="alerts-page"] [data-testid="alert-item"]').length === n,
      secondPage.length,
      { timeout: 10_000 },
    );
    expect(await shown.innerText()).toBe(expectedText(secondPage, before.counts));
    const listedIds = await panel
      .locator('[data-testid="alert-item"]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-alert-id')));
    expect(new Set(listedIds)).toEqual(new Set(secondPage.map((a) => a.id)));
    expect(await more.count()).toBe(before.total > 200 ? 1 : 0);

    // A new urgent alert raised a minute later: patched in by its event, the urgent count one up, the list not read again.
    const readsBefore = alertReads.length;
    clock.set(new Date(start.getTime() + 60_000).toISOString());
    const pump = await newPump(5, 30);
    await engine.processPendingEvents();
    await engine.sweep();
    const after = await listAll();
    const raised = after.alerts.find((a) => a.pumpId === pump.id && a.kind === 'refill_due') as Alert;
    expect(raised.severity).toBe('urgent');
    await panel.locator(`[data-testid="alert-item"][data-alert-id="${raised.id}"]`).waitFor({ timeout: 10_000 });
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid="alerts-page"] [data-testid="alert-count-urgent"]')?.textContent?.endsWith(text),
      `: ${fmt(after.counts.urgent)}`,
      { timeout: 10_000 },
    );
    expect(after.counts.urgent).toBe(before.counts.urgent + 1);
    // No read of the list since (a re-read of the counts alone, limit=1, would be allowed; none was needed here).
    expect(alertReads.slice(readsBefore).filter((url) => new URL(url).searchParams.get('limit') !== '1')).toEqual([]);

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.setViewportSize({ width: 390, height: 844 });
    await shown.waitFor();
    const widest = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(widest).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SCREENS}/p6-alerts-390.png` });
    await page.goto(`${server.baseUrl}/`);
    const fleetPanel = page.locator('[data-testid="alerts-panel"]');
    await fleetPanel.locator('[data-testid="alerts-shown"]').waitFor({ timeout: 15_000 });
    expect(await fleetPanel.locator('[data-testid="alerts-shown"]').innerText()).toMatch(
      new RegExp(`^Showing \\d+ of ${fmt(after.total)} alerts: `),
    );
    expect(await fleetPanel.locator('[data-testid="all-alerts-link"]').innerText()).toBe(`Show all ${fmt(after.total)} alerts`);
    await page.screenshot({ path: `${SCREENS}/p6-fleet-390.png` });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: `${SCREENS}/p6-fleet-1440.png` });
    await page.close();
  });
});
