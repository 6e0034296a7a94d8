// Browser test in real Chromium (issue 12): alerts that get attention without wearing people out. A critical alert raised live sounds
// (Web Audio) on a clinician's dashboard and never on a staff user's; it is listed first with its "new" mark until someone looks at
// it; the tab title counts the unacknowledged critical alerts, flashing only for the roles that can act; a pump's reservoir alerts
// form one incident card; a page whose code chunk fails to load shows a reload button, never a blank page.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Alert, FleetPump, PumpDetail, TelemetryIngestResult } from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { startTestServer } from '../support/test-server';
import { api } from '../support/http';
import { DEMO_LOGINS } from '../support/test-accounts';
import { signInThroughPage } from './dashboard-sign-in';
import { SCREENS } from '../support/screens';

jest.setTimeout(180_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;
type AudioWindow = { __audio: { contexts: number; oscillatorStarts: number } };

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const FLASH_PREFIX = '⚠ CRITICAL ALERT · ';

function nowIso(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
}

/** Counts every AudioContext made and every oscillator started by the page: the alarm is Web Audio tones, nothing else plays. */
async function instrumentAudio(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const counts = { contexts: 0, oscillatorStarts: 0 };
    (window as unknown as AudioWindow).__audio = counts;
    const Original = window.AudioContext;
    if (!Original) return;
    window.AudioContext = class extends Original {
      constructor(options?: AudioContextOptions) {
        super(options);
        counts.contexts++;
      }
    };
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (this: OscillatorNode, when?: number) {
      counts.oscillatorStarts++;
      return start.call(this, when);
    };
  });
}

/** The x-last-event-id of every first read the page received, and the auth of every socket.io CONNECT packet it sent, in order. */
function recordResume(page: Page): { readIds: number[]; handshakes: Record<string, unknown>[] } {
  const seen = { readIds: [] as number[], handshakes: [] as Record<string, unknown>[] };
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    const header = response.headers()['x-last-event-id'];
    if ((path === '/api/alerts' || path === '/api/pumps') && header !== undefined) seen.readIds.push(Number(header));
  });
  const note = (payload: string) => {
    for (const packet of payload.split('\x1e')) {
      if (packet.startsWith('40')) seen.handshakes.push(packet.length > 2 ? (JSON.parse(packet.slice(2)) as Record<string, unknown>) : {});
    }
  };
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/socket.io/')) note(request.postData() ?? '');
  });
  page.on('websocket', (ws) =>
    ws.on('framesent', (frame) => {
      if (typeof frame.payload === 'string') note(frame.payload);
    }),
  );
  return seen;
}

/** Two animation frames: the page has painted after a resize or scroll, so the picture is not half drawn. */
const painted = (page: Page) =>
  page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));

const audioOf = (page: Page) => page.evaluate(() => ({ ...(window as unknown as AudioWindow).__audio }));

describe('alert attention in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let clinician: Page;
  let staff: Page;
  let stalled: FleetPump;
  const resumes = new Map<Page, ReturnType<typeof recordResume>>();

  const openAs = async (login: { email: string; password: string }, path = '/alerts'): Promise<Page> => {
    const context = await browser.newContext({ viewport: DESKTOP });
    contexts.push(context);
    await instrumentAudio(context);
    const page = await context.newPage();
    resumes.set(page, recordResume(page));
    await page.goto(`${server.baseUrl}${path}`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signInThroughPage(page, login);
    await page.locator('[data-testid="alerts-panel"]').waitFor();
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 10_000 });
    return page;
  };

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchChromium()]);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  it('sounds a newly raised critical alert for a clinician of its clinic, never for staff; it is listed first with its "new" mark', async () => {
    const admin = api(server.baseUrl);
    const fleet = (await admin.get<FleetPump[]>('/api/pumps')).body;
    stalled = fleet.find((f) => f.status === 'ok' && f.pump.modelId !== 'constant-flow' && f.telemetry?.deliveryInterrupted !== true)!;
    expect(stalled).toBeDefined();

    [clinician, staff] = [await openAs(DEMO_LOGINS.clinician), await openAs(DEMO_LOGINS.staff)];
    // Nothing falls between the first read and the socket: the first handshake resumes from the first read's x-last-event-id.
    for (const page of [clinician, staff]) {
      const { readIds, handshakes } = resumes.get(page)!;
      expect(readIds.length).toBeGreaterThanOrEqual(1);
      expect(handshakes[0]).toEqual({ lastEventId: Math.min(...readIds) });
    }
    // The browsers start audio only after a gesture on the page: both users click the page once.
    for (const page of [clinician, staff]) await page.locator('#alerts-title').click();
    // Staff may not acknowledge: no mute button, since there is nothing to mute.
    expect(await staff.locator('[data-testid="alarm-mute-toggle"]').count()).toBe(0);
    expect(await clinician.locator('[data-testid="alarm-mute-toggle"]').count()).toBe(1);
    const clinicianBefore = await audioOf(clinician);

    const ingest = await admin.post<TelemetryIngestResult>('/api/telemetry', {
      readings: [{ serialNumber: stalled.pump.serialNumber, recordedAt: nowIso(), alarms: ['motor_stall'], batteryStatus: 'ok' }],
    });
    expect(ingest.status).toBe(200);

    const newAlert = (page: Page) =>
      page.locator(`[data-testid="alert-item"][data-kind="delivery_interrupted"][data-pump-id="${stalled.pump.id}"]`);
    await Promise.all([newAlert(clinician).waitFor({ timeout: 15_000 }), newAlert(staff).waitFor({ timeout: 15_000 })]);
    // The clinician hears it at once: one beep is three tones.
    await clinician.waitForFunction(
      (before) => (window as unknown as AudioWindow).__audio.oscillatorStarts >= before + 3,
      clinicianBefore.oscillatorStarts,
      { timeout: 5_000, polling: 50 },
    );
    expect((await audioOf(clinician)).contexts).toBeGreaterThanOrEqual(1);
    // The staff page shows the same alert and made no Web Audio call at all, not even an audio context.
    expect(await audioOf(staff)).toEqual({ contexts: 0, oscillatorStarts: 0 });

    for (const page of [clinician, staff]) {
      const top = page.locator('[data-testid="alert-incident"]').first();
      expect(await top.locator('[data-testid="alert-item"]').first().getAttribute('data-kind')).toBe('delivery_interrupted');
      expect(await top.getAttribute('data-new')).toBe('true');
      expect(await top.locator('[data-testid="alert-new"]').innerText()).toContain('NEW');
    }
  });

  it('counts the unacknowledged critical alerts in the tab title, flashing for the clinician only', async () => {
    const critical = (await api(server.baseUrl).get<Alert[]>('/api/alerts?severity=critical&status=open')).body.length;
    expect(critical).toBeGreaterThanOrEqual(1);
    const plain = `(${critical}) Alerts — PumpWatch`;
    // Titles over two seconds, sampled every 100 ms: the flash changes once a second.
    const titlesOf = (page: Page) =>
      page.evaluate(
        () =>
          new Promise<string[]>((resolve) => {
            const seen = new Set<string>();
            const timer = setInterval(() => seen.add(document.title), 100);
            setTimeout(() => {
              clearInterval(timer);
              resolve([...seen]);
            }, 2_200);
          }),
      );
    const [clinicianTitles, staffTitles] = await Promise.all([titlesOf(clinician), titlesOf(staff)]);
    expect(staffTitles).toEqual([plain]);
    expect(new Set(clinicianTitles)).toEqual(new Set([plain, `${FLASH_PREFIX}${plain}`]));
  });

  it('takes the "new" mark away once someone looks at the card, and keeps it away after a reload', async () => {
    const card = clinician.locator('[data-testid="alert-incident"]').first();
    const alertId = (await card.locator('[data-testid="alert-item"]').first().getAttribute('data-alert-id'))!;
    await card.locator('[data-testid="incident-title"], .alert-item__title').first().click();
    await clinician.locator(`[data-testid="alert-incident"][data-new="false"] [data-alert-id="${alertId}"]`).waitFor({ timeout: 5_000 });
    expect(await card.locator('[data-testid="alert-new"]').count()).toBe(0);
    await clinician.reload();
    await clinician.locator(`[data-testid="alert-item"][data-alert-id="${alertId}"]`).waitFor({ timeout: 10_000 });
    expect(await clinician.locator(`[data-testid="alert-incident"][data-new="true"] [data-alert-id="${alertId}"]`).count()).toBe(0);
    // Looked at in the clinician's browser only: the staff user's browser still marks it.
    expect(await staff.locator(`[data-testid="alert-incident"][data-new="true"] [data-alert-id="${alertId}"]`).count()).toBe(1);
  });

  it('shows a pump\'s "near empty" and "refill overdue" as one incident card with both reasons, each acknowledgeable', async () => {
    const admin = api(server.baseUrl);
    const fleet = (await admin.get<FleetPump[]>('/api/pumps')).body;
    const target = fleet.find((f) => f.status === 'ok' && f.pump.modelId === 'synchromed-ii-20' && f.pump.id !== stalled.pump.id)!;
    expect(target).toBeDefined();
    const detail = (await admin.get<PumpDetail>(`/api/pumps/${target.pump.id}`)).body;
    const lastFill = detail.fills[detail.fills.length - 1];
    // A refill that left the reservoir below the 2 mL alarm volume: the deadline has passed, the worst case runs empty within 72 h.
    const fill = await admin.post(`/api/pumps/${target.pump.id}/fills`, {
      filledAt: nowIso(),
      concentrationMcgPerMl: lastFill.concentrationMcgPerMl,
      volumeMl: 0.5,
    });
    expect(fill.status).toBe(201);
    const card = clinician.locator(`[data-testid="alert-incident"][data-incident-key="${target.pump.id}:reservoir"]`);
    await card.locator('[data-testid="incident-reason"]').nth(1).waitFor({ timeout: 15_000 });
    const kinds = await card.locator('[data-testid="alert-item"]').evaluateAll((items) => items.map((i) => i.getAttribute('data-kind')));
    expect(kinds).toEqual(expect.arrayContaining(['reservoir_near_empty', 'refill_due']));
    expect(
      await clinician
        .locator(`[data-testid="alert-incident"] [data-testid="alert-item"][data-pump-id="${target.pump.id}"][data-kind="refill_due"]`)
        .count(),
    ).toBe(1);
    // One card, not two: no other card of this pump holds a reservoir alert.
    expect(await clinician.locator(`[data-testid="alert-incident"][data-incident-key="${target.pump.id}:reservoir"]`).count()).toBe(1);
    // Each alert keeps its own actions.
    expect(await card.locator('[data-testid="alert-acknowledge"]').count()).toBe(kinds.length);
    expect(await card.locator('[data-testid="incident-acknowledge-all"]').innerText()).toContain(`Acknowledge all ${kinds.length}`);

    await clinician.evaluate(() => window.scrollTo(0, 0));
    await painted(clinician);
    await clinician.screenshot({ path: `${SCREENS}/C-alerts-1440.png` });
    await clinician.setViewportSize(PHONE);
    expect(await clinician.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await painted(clinician);
    await clinician.screenshot({ path: `${SCREENS}/C-alerts-390.png` });
    await card.scrollIntoViewIfNeeded();
    await painted(clinician);
    await clinician.screenshot({ path: `${SCREENS}/C-alerts-390-incident.png` });

    await clinician.goto(`${server.baseUrl}/`);
    await clinician.locator('[data-testid="alerts-panel"] [data-testid="alert-incident"]').first().waitFor({ timeout: 10_000 });
    await clinician.locator('[data-testid="alerts-panel"]').scrollIntoViewIfNeeded();
    await painted(clinician);
    await clinician.screenshot({ path: `${SCREENS}/C-fleet-alerts-390.png` });
    await clinician.setViewportSize(DESKTOP);
    await clinician.evaluate(() => window.scrollTo(0, 0));
    await painted(clinician);
    await clinician.screenshot({ path: `${SCREENS}/C-fleet-alerts-1440.png` });

    // Acknowledging every reason of the card at once.
    await clinician
      .locator(`[data-testid="alert-incident"][data-incident-key="${target.pump.id}:reservoir"] [data-testid="incident-acknowledge-all"]`)
      .click();
    const incident = clinician.locator(`[data-testid="alert-incident"][data-incident-key="${target.pump.id}:reservoir"]`);
    await clinician.waitForFunction(
      (key) =>
        [...document.querySelectorAll(`[data-incident-key="${key}"] [data-testid="alert-item"]`)].every(
          (i) => i.getAttribute('data-status') === 'acknowledged',
        ),
      `${target.pump.id}:reservoir`,
      { timeout: 10_000 },
    );
    await incident.locator('[data-testid="incident-acknowledge-all"]').waitFor({ state: 'detached', timeout: 5_000 });
    const after = (await admin.get<Alert[]>(`/api/alerts?pumpId=${target.pump.id}`)).body.filter((a) => kinds.includes(a.kind));
    expect(after.map((a) => a.status)).toEqual(kinds.map(() => 'acknowledged'));
  });

  it("repeats the sound at the clinic's interval while a critical alert waits, also one already open at page load, and never once acknowledged", async () => {
    const admin = api(server.baseUrl);
    // The shortest repeat a clinic may choose (the default is 60 s): a second beep within 30 s can only come from this setting.
    expect((await admin.call('PATCH', `/api/clinics/${stalled.clinic.id}/settings`, { alertSoundRepeatSeconds: 15 })).status).toBe(200);
    const waiting = (await admin.get<Alert[]>('/api/alerts?severity=critical&status=open')).body;
    expect(waiting.length).toBeGreaterThanOrEqual(1);

    await clinician.reload();
    await clinician.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 10_000 });
    await clinician.locator(`[data-testid="alert-item"][data-alert-id="${waiting[0].id}"]`).waitFor({ timeout: 10_000 });
    const atLoad = (await audioOf(clinician)).oscillatorStarts;
    // Open critical alerts waiting at page load sound as soon as the browser lets the page play audio (the first click).
    await clinician.locator('#alerts-title').click();
    await clinician.waitForFunction((n) => (window as unknown as AudioWindow).__audio.oscillatorStarts >= n + 3, atLoad, {
      timeout: 5_000,
      polling: 50,
    });
    const first = (await audioOf(clinician)).oscillatorStarts;
    await clinician.waitForFunction((n) => (window as unknown as AudioWindow).__audio.oscillatorStarts >= n + 3, first, {
      timeout: 30_000,
      polling: 250,
    });

    // Someone acknowledges every one of them: the title loses its count and the sound stops for good.
    for (const alert of waiting) expect((await admin.post(`/api/alerts/${alert.id}/acknowledge`, {})).status).toBe(200);
    await clinician.waitForFunction(() => !/^(⚠ CRITICAL ALERT · )?\(\d+\) /.test(document.title), undefined, {
      timeout: 10_000,
      polling: 100,
    });
    const afterAck = (await audioOf(clinician)).oscillatorStarts;
    await clinician.waitForTimeout(17_000); // longer than the 15 s repeat
    expect((await audioOf(clinician)).oscillatorStarts).toBe(afterAck);
    expect((await audioOf(staff)).oscillatorStarts).toBe(0);
  });

  it("shows a reload button, not a blank page, when a page's code chunk fails to load", async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    contexts.push(context);
    const page = await context.newPage();
    // The server restarted on a new version: the old pump-page chunk is gone.
    await page.route(/\/assets\/pump-page-[^/]+\.js$/, (route) => route.fulfill({ status: 404, body: 'Not found' }));
    await page.goto(`${server.baseUrl}/pumps/${stalled.pump.id}`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signInThroughPage(page, DEMO_LOGINS.clinician);
    const error = page.locator('[data-testid="page-error"]');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.getAttribute('data-kind')).toBe('chunk');
    expect(await error.innerText()).toContain('This page could not be loaded');
    // The header and the alerts still work around it.
    expect(await page.locator('[data-testid="user-menu"]').count()).toBe(1);
    await painted(page);
    await page.screenshot({ path: `${SCREENS}/C-chunk-error-1440.png` });

    await page.unroute(/\/assets\/pump-page-[^/]+\.js$/);
    await page.locator('[data-testid="page-error-reload"]').click();
    await page.locator(`[data-testid="pump-page"][data-pump-id="${stalled.pump.id}"]`).waitFor({ timeout: 15_000 });
    expect(await error.count()).toBe(0);
  });
});
