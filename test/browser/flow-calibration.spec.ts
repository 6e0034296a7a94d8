// Browser test in real Chromium (issue 13): the pump page shows the flow factor learnt from the pump's refills with its interval
// count and what it means, the alarm at the measured flow, and a deadline that says the pump runs fast.
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

/** Two animation frames: the page has painted after a resize, so the picture is not half drawn. */
const painted = (page: Page) =>
  page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));

/** An instant in Paris time with the zone's abbreviation, as the dashboard writes it. */
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

describe('pump page with a flow factor learnt from its refills in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let pumpId: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    mkdirSync(SCREENS, { recursive: true });
    const f = fixtures(server.baseUrl);
    const clinic = await f.clinic({ name: 'Flow Clinic', timeZone: 'Europe/Paris' });
    const pump = await f.pump((await f.patient(clinic.id, { displayName: 'Bernard Lefèvre' })).id);
    pumpId = pump.id;
    // 100 mcg/day at 500 mcg/mL = 0.2 mL/day; 20 mL fills 75 days apart: 5 mL expected, 3.5 mL aspirated each time (10% fast).
    const now = Math.floor(Date.now() / 1000) * 1000;
    await f.program(pump.id, { effectiveFrom: new Date(now - 151 * DAY_MS).toISOString() });
    await f.fill(pump.id, { filledAt: new Date(now - 151 * DAY_MS).toISOString(), volumeMl: 20 });
    await f.fill(pump.id, { filledAt: new Date(now - 76 * DAY_MS).toISOString(), volumeMl: 20, aspiratedResidualMl: 3.5 });
    await f.fill(pump.id, { filledAt: new Date(now - DAY_MS).toISOString(), volumeMl: 20, aspiratedResidualMl: 3.5 });
    page = await browser.newPage({ viewport: DESKTOP });
    await page.goto(`${server.baseUrl}/sign-in`);
    await signInThroughPage(page, TEST_ADMIN);
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await server?.close();
  });

  it('says "Flow factor 1.08 (2 refills)", why, the alarm at the measured flow, and the deadline reason', async () => {
    const detail = (await api(server.baseUrl).get<PumpDetail>(`/api/pumps/${pumpId}`)).body;
    const calibrated = detail.forecast?.calibrated;
    expect(calibrated).toMatchObject({ flowFactor: 1.08, intervals: 2 });
    expect(detail.forecast).toMatchObject({ deadlineReason: 'calibrated_flow', refillDeadline: calibrated?.lowReservoirAlarmAt });

    await page.goto(`${server.baseUrl}/pumps/${pumpId}`);
    const factor = page.locator('[data-testid="pump-flow-factor"]');
    await factor.waitFor();
    expect((await factor.innerText()).replace(/\s+/g, ' ').trim()).toBe(
      '⚠ 1.08 (2 refills) Runs 8% faster than programmed at its refills: the deadline allows for it.',
    );
    expect(await page.locator('dt', { hasText: 'Flow factor' }).count()).toBe(1);
    const alarm = (await page.locator('[data-testid="pump-calibrated-alarm"]').innerText()).replace(/\s+/g, ' ');
    expect(alarm).toContain(localTime(calibrated?.lowReservoirAlarmAt as string));
    expect(alarm).toContain('worst case x 1.08');
    const deadline = (await page.locator('[data-testid="pump-deadline"]').innerText()).replace(/\s+/g, ' ');
    expect(deadline).toContain(localTime(detail.forecast?.refillDeadline as string));
    expect(deadline).toContain('pump runs fast (measured at refills)');
    await painted(page);
    await page.screenshot({ path: `${SCREENS}/13d-pump-flow-factor-1440.png` });

    await page.setViewportSize(PHONE);
    await factor.waitFor();
    // The figures fit the phone's width (nothing cut off or scrolled sideways).
    for (const testId of ['pump-header', 'pump-flow-factor', 'pump-calibrated-alarm', 'pump-deadline']) {
      const box = await page.locator(`[data-testid="${testId}"]`).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
    }
    await painted(page);
    await page.screenshot({ path: `${SCREENS}/13d-pump-flow-factor-390.png` });
    await page.screenshot({ path: `${SCREENS}/13d-pump-flow-factor-390-full.png`, fullPage: true });
  });
});
