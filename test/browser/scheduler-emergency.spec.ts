// Browser test in real Chromium (issue 12): a pump whose motor stalled is never offered a routine slot; the scheduler sees it as an
// emergency (red, icon and words, its reason, links to the pump and its alert) above "Needs booking" and in the refill plan's answer.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { DAY_MS } from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { launchChromium } from '../support/chromium';
import { fixtures, MEMBER_PASSWORD } from '../support/fixtures';
import { api } from '../support/http';
import { useTestServer } from '../support/test-server';
import { signInThroughPage } from './dashboard-sign-in';
import { SCREENS } from '../support/screens';

jest.setTimeout(180_000);

describe('scheduler emergencies in Chromium', () => {
  const server = useTestServer({ sessionHours: 24 });
  let browser: Browser;
  let page: Page;
  let stalled: { id: string; serialNumber: string };
  let routine: { id: string };
  let scheduler: { email: string };

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    browser = await launchChromium();
    const f = fixtures(server.baseUrl);
    const clinic = await f.clinic({ name: 'Night Clinic', timeZone: 'Europe/Paris' });
    const nowMs = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    // 20 mL at 500 mcg/mL, 0.2 mL/day: the alarm 90 days after the fill, so a fill 70 days ago leaves a 20-day deadline.
    const pumpDue = async (displayName: string) => {
      const pump = await f.pump((await f.patient(clinic.id, { displayName })).id);
      await f.program(pump.id, { effectiveFrom: iso(nowMs - 80 * DAY_MS) });
      await f.fill(pump.id, { filledAt: iso(nowMs - 70 * DAY_MS) });
      return pump;
    };
    stalled = await pumpDue('Zoé Stalled-Motor');
    routine = await pumpDue('Rita Routine');
    await f.clinicianWithSessions(
      clinic.id,
      'Nora Nurse',
      [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' })),
    );
    const gateway = api(server.baseUrl, {
      token: (await f.http.post('/api/machine-tokens', { clinicId: clinic.id, name: 'ward gateway' })).body.token,
    });
    const sent = await gateway.post('/api/telemetry', {
      readings: [
        { serialNumber: stalled.serialNumber, recordedAt: iso(nowMs - 10 * 60_000), alarms: ['motor_stall'], batteryStatus: 'ok' },
      ],
    });
    expect(sent.status).toBe(200);
    // The engine raises the delivery_interrupted alert after commit; wait for it, so the plan can link it.
    await server.app.get(AlertEngine).processPendingEvents();
    scheduler = await f.member(clinic.id, 'scheduler', 'night-scheduler');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lists the stalled pump as an emergency, never with a slot, on the scheduler page and in the plan', async () => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${server.baseUrl}/scheduler`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signInThroughPage(page, { email: scheduler.email, password: MEMBER_PASSWORD });
    await page.waitForURL((url) => url.pathname === '/scheduler');

    const emergencies = page.locator('[data-testid="needs-booking-emergencies"]');
    await emergencies.waitFor({ timeout: 10_000 });
    const row = emergencies.locator(`[data-testid="emergency-row"][data-pump-id="${stalled.id}"]`);
    expect(await row.innerText()).toContain('EMERGENCY');
    expect(await row.innerText()).toContain('Zoé Stalled-Motor');
    expect(await row.locator('[data-testid="emergency-reason"]').first().innerText()).toBe(
      'Delivery interrupted: the pump reports motor stall',
    );
    expect(await row.locator('[data-testid="emergency-pump-link"]').getAttribute('href')).toBe(`/pumps/${stalled.id}`);
    expect(await row.locator('[data-testid="emergency-alert-link"]').count()).toBe(1);
    // The routine pump waits for a slot; the stalled one is offered none.
    await page.locator(`[data-testid="needs-booking-row"][data-pump-id="${routine.id}"]`).waitFor();
    expect(await page.locator(`[data-testid="needs-booking-row"][data-pump-id="${stalled.id}"]`).count()).toBe(0);
    // Red, and not by colour alone: the badge's words and the stop icon are in the text.
    const colour = await row.locator('.emergency__badge').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(colour).toBe('rgb(165, 15, 21)');
    await emergencies.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENS}/A-scheduler-emergency-1440.png` });

    await page.locator('[data-testid="plan-propose"]').click();
    const planEmergencies = page.locator('[data-testid="plan-emergencies"]');
    await planEmergencies.waitFor({ timeout: 10_000 });
    const planRow = planEmergencies.locator(`[data-testid="emergency-row"][data-pump-id="${stalled.id}"]`);
    expect(await planRow.innerText()).toContain('Delivery interrupted: the pump reports motor stall');
    // Its alert, once the engine raised it, is linked.
    expect(await planRow.locator('[data-testid="emergency-alert-link"]').count()).toBe(1);
    await page.locator(`[data-testid="plan-row"][data-pump-id="${routine.id}"]`).waitFor();
    expect(await page.locator(`[data-testid="plan-row"][data-pump-id="${stalled.id}"]`).count()).toBe(0);
    await planEmergencies.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENS}/A-plan-emergency-1440.png` });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-testid="needs-booking-emergencies"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENS}/A-scheduler-emergency-390.png` });
    // Nothing wider than the phone: the emergency card wraps.
    const width = await page.locator('[data-testid="needs-booking-emergencies"]').evaluate((el) => el.getBoundingClientRect().right);
    expect(width).toBeLessThanOrEqual(390);
    await page.close();
  });
});
