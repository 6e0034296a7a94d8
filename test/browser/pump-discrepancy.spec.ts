// Browser test in real Chromium (issue 12): the pump page shows the pump's own reservoir estimate beside the forecast when they
// differ beyond the clinic's tolerance, in text with an icon, in the clinic's local time, with the deadline from the lower volume.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { PumpDetail } from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { startTestServer } from '../support/test-server';
import { api } from '../support/http';
import { fixtures } from '../support/fixtures';
import { TEST_ADMIN } from '../support/test-accounts';
import { signInThroughPage } from './dashboard-sign-in';
import { SCREENS } from '../support/screens';

jest.setTimeout(180_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const DAY_MS = 86_400_000;

/** An instant in Paris time with the zone's abbreviation (CET in winter, CEST in summer), as the dashboard writes it. */
function localTime(iso: string): string {
  const p = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  })
    .formatToParts(new Date(iso))
    .reduce<Record<string, string>>((acc, part) => ({ ...acc, [part.type]: part.value }), {});
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

describe('pump page with a reservoir discrepancy in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let pumpId: string;
  let recordedAt: string;
  let f: ReturnType<typeof fixtures>;
  let gateway: ReturnType<typeof api>;
  let serialNumber: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    mkdirSync(SCREENS, { recursive: true });
    f = fixtures(server.baseUrl);
    const clinic = await f.clinic({ name: 'Discrepancy Clinic', timeZone: 'Europe/Paris' });
    const patient = await f.patient(clinic.id, { displayName: 'Chloé Martin' });
    const pump = await f.pump(patient.id);
    pumpId = pump.id;
    serialNumber = pump.serialNumber;
    // 20 mL of 500 mcg/mL filled 20 days ago, 100 mcg/day = 0.2 mL/day: 19 days later the forecast holds 20 - 3.8 = 16.2 mL.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const filledAt = new Date(now - 20 * DAY_MS).toISOString();
    await f.program(pump.id, { effectiveFrom: new Date(now - 20 * DAY_MS - 3_600_000).toISOString() });
    await f.fill(pump.id, { filledAt, volumeMl: 20, concentrationMcgPerMl: 500 });
    recordedAt = new Date(now - DAY_MS).toISOString();
    gateway = api(server.baseUrl, {
      token: (await f.http.post('/api/machine-tokens', { clinicId: clinic.id, name: 'gateway' })).body.token,
    });
    // The pump reports 11.2 mL: 5.0 mL under the forecast, beyond the default max(2 mL, 10%).
    const ingest = await gateway.post('/api/telemetry', {
      readings: [{ serialNumber: pump.serialNumber, recordedAt, reservoirVolumeMl: 11.2 }],
    });
    expect(ingest.status).toBe(200);
    page = await browser.newPage({ viewport: DESKTOP });
    await page.goto(`${server.baseUrl}/sign-in`);
    await signInThroughPage(page, TEST_ADMIN);
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await server?.close();
  });

  it('says both volumes, when the pump reported, and that the deadline counts from the lower volume', async () => {
    const detail = (await api(server.baseUrl).get<PumpDetail>(`/api/pumps/${pumpId}`)).body;
    expect(detail.forecast).toMatchObject({
      deadlineReason: 'reported_reservoir',
      reportedReservoir: { reportedVolumeMl: 11.2, forecastVolumeMl: 16.2, discrepancy: true },
    });

    await page.goto(`${server.baseUrl}/pumps/${pumpId}`);
    const note = page.locator('[data-testid="reservoir-discrepancy-note"]');
    await note.waitFor();
    const text = (await note.innerText()).replace(/\s+/g, ' ');
    const at = localTime(recordedAt);
    expect(text).toContain(
      `⚠ Reservoir differs from the forecast. Forecast: 16.2 mL · Pump reports: 11.2 mL (at ${at}) — differs by 5.0 mL, deadline from the lower volume: ${localTime(detail.forecast?.refillDeadline as string)}.`,
    );
    expect(text).toContain('The record of programs, boluses or fills differs from what the pump does');
    await page.locator('[data-testid="pump-deadline"]', { hasText: 'lower volume the pump reports' }).waitFor();
    expect(await page.locator('[data-testid="pump-reported-volume"]').innerText()).toContain('11.2 mL');

    await page.screenshot({ path: `${SCREENS}/B-pump-discrepancy-1440.png` });
    await page.setViewportSize(PHONE);
    await note.waitFor();
    // The warning and the header figures fit the phone's width (nothing cut off or scrolled sideways).
    for (const testId of ['reservoir-discrepancy-note', 'pump-header', 'pump-reported-volume', 'pump-deadline']) {
      const box = await page.locator(`[data-testid="${testId}"]`).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
    }
    await page.screenshot({ path: `${SCREENS}/B-pump-discrepancy-390.png` });
    await page.screenshot({ path: `${SCREENS}/B-pump-discrepancy-390-full.png`, fullPage: true });
  });

  it("after a refill, the earlier low-reservoir alarm and the pump's earlier volume no longer count, and the page says why", async () => {
    const now = Math.floor(Date.now() / 1000) * 1000;
    const alarmAt = new Date(now - 2 * 3_600_000).toISOString();
    const filledAt = new Date(now - 3_600_000).toISOString();
    expect(
      (await gateway.post('/api/telemetry', { readings: [{ serialNumber, recordedAt: alarmAt, alarms: ['low_reservoir'] }] })).status,
    ).toBe(200);
    await f.fill(pumpId, { filledAt, volumeMl: 20, concentrationMcgPerMl: 500 });
    await page.setViewportSize(DESKTOP);
    await page.goto(`${server.baseUrl}/pumps/${pumpId}`);
    const answered = page.locator('[data-testid="alarms-answered-note"]');
    await answered.waitFor();
    expect((await answered.innerText()).replace(/\s+/g, ' ')).toBe(
      `✓ Low reservoir alarm reported ${localTime(alarmAt)}: answered by the refill of ${localTime(filledAt)}.`,
    );
    expect(await page.locator('[data-testid="reservoir-discrepancy-note"]').count()).toBe(0);
    expect(await page.locator('[data-testid="pump-reported-volume"]').count()).toBe(0);
    await page.screenshot({ path: `${SCREENS}/B-pump-refilled-1440.png` });
  });

  it('names who recorded and who cleared an MRI as colleagues know them, not by e-mail', async () => {
    const { clinicId } = (await api(server.baseUrl).get<PumpDetail>(`/api/pumps/${pumpId}`)).body.pump;
    const clinician = await f.member(clinicId, 'clinician', 'Dr Mira Magnet', { email: `mira-${Date.now()}@pumpwatch.test` });
    const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000).toISOString();
    const mri = await clinician.http.post(`/api/pumps/${pumpId}/events`, { kind: 'mri', at, note: '1.5T spine' });
    expect(mri.status).toBe(201);
    expect((await f.http.post(`/api/pumps/${pumpId}/events/${mri.body.id}/clear`, { note: 'valve reset' })).status).toBe(200);

    await page.setViewportSize(DESKTOP);
    await page.goto(`${server.baseUrl}/pumps/${pumpId}`);
    const event = page.locator('[data-testid="mri-event"]');
    await event.waitFor();
    const text = (await event.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('(recorded by Dr Mira Magnet: 1.5T spine)');
    expect(text).toMatch(/checked \d{4}-\d{2}-\d{2} \d{2}:\d{2} CES?T by Administrator: valve reset/);
    expect(text).not.toContain('@');
    await event.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENS}/names-pump-mri-1440.png` });
    await page.setViewportSize(PHONE);
    await event.scrollIntoViewIfNeeded();
    const box = await event.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
    await page.screenshot({ path: `${SCREENS}/names-pump-mri-390.png` });
  });
});
