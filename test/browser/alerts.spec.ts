// Browser test in real Chromium: a critical alert raised through the API reaches an open dashboard live and is acknowledged there; a dropped socket shows the disconnected banner until it is back.
import type { Browser, Page, Request, WebSocket } from 'playwright-core';
import { WITHDRAWAL_SIGNS, type Alert, type AlertDetail, type FleetPump, type TelemetryIngestResult } from '@pumpwatch/shared';
import { EventsGateway } from '../../server/src/events/events.gateway';
import { launchChromium } from '../support/chromium';
import { startTestServer } from '../support/test-server';
import { api } from '../support/http';
import { DEMO_LOGINS } from '../support/test-accounts';
import { signInThroughPage } from './dashboard-sign-in';

jest.setTimeout(180_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;
type MarkedWindow = { __pumpwatchMarker?: string };

/** Who acknowledged, as the server labels a user in an alert's trail: the account's email. */
const CLINICIAN_LABEL = DEMO_LOGINS.clinician.email;

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
    expect(await page.locator(`[data-testid="fleet-row"][data-pump-id="${target.pump.id}"] [data-badge="alarm"]`).innerText()).toContain('DELIVERY STOPPED');

    await item.locator('[data-testid="alert-acknowledge"]').click();
    await item.locator('[data-testid="alert-acknowledge-note"]').fill('Calling the patient now');
    await item.locator('[data-testid="alert-acknowledge-submit"]').click();
    await page.locator(`[data-testid="alert-item"][data-alert-id="${await item.getAttribute('data-alert-id')}"][data-status="acknowledged"]`).waitFor({ timeout: 5_000 });
    expect(await item.locator('[data-testid="alert-acknowledged-by"]').innerText()).toContain(CLINICIAN_LABEL);

    const alertId = (await item.getAttribute('data-alert-id'))!;
    const stored = (await admin.get<AlertDetail>(`/api/alerts/${alertId}`)).body;
    expect(stored).toMatchObject({
      id: alertId, pumpId: target.pump.id, kind: 'delivery_interrupted', severity: 'critical', status: 'acknowledged',
      acknowledgementNote: 'Calling the patient now', acknowledgedBy: { type: 'user', label: CLINICIAN_LABEL },
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
    expect(await page.evaluate(() => window.localStorage.getItem('pumpwatch.alertSound.muted'))).toBe('true');

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
    await page.locator(`[data-testid="alert-item"][data-kind="delivery_interrupted"][data-pump-id="${stalled.pump.id}"] [data-testid="alert-patient-link"]`).click();
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
    const covering = (await admin.get<{ id: string }[]>(`/api/on-call-shifts?clinicId=${clinicId}&from=${new Date(Date.now() - 60_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`)).body;
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
      clinicianId: onDuty!.id, startsAt: new Date(Date.now() - hourMs).toISOString(), endsAt: new Date(Date.now() + 8 * hourMs).toISOString(),
    });
    expect(shift.status).toBe(201);
    // Pushed (on_call.changed): well before the banner's one-minute re-read.
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    expect((await admin.post(`/api/on-call-shifts/${shift.body.id}/cancel`, {})).status).toBe(200);
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
  });

  it('hides an alert on the user\'s other open dashboard as soon as it is snoozed on one', async () => {
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
