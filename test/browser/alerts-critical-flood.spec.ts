// Browser test in real Chromium: a flood of critical alerts (a regional service's) on the fleet page. The panel shows the first 12
// critical incidents, the unacknowledged ones first, and says how many there are with a link to the alerts page, which lists all.
import type { Browser } from 'playwright-core';
import type { Alert } from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { ManualClock } from '../../server/src/infra/clock';
import { launchChromium } from '../support/chromium';
import { fixtures } from '../support/fixtures';
import { SCREENS } from '../support/screens';
import { startTestServer, TEST_ADMIN } from '../support/test-server';
import { signInThroughPage } from './dashboard-sign-in';

type Server = Awaited<ReturnType<typeof startTestServer>>;

const DAY_MS = 86_400_000;
/** Critical incidents seeded: more than the fleet page's 12 (client/src/features/fleet/fleet-page.tsx). */
const CRITICAL_PUMPS = 15;
const SHOWN_ON_FLEET_PAGE = 12;
const ACKNOWLEDGED = 3;

describe('a flood of critical alerts on the fleet page', () => {
  const start = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const clock = new ManualClock(start.toISOString());
  let server: Server;
  let browser: Browser;
  let f: ReturnType<typeof fixtures>;
  let acknowledgedPumps: Set<string>;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ clock, sessionHours: 24 * 30 }), launchChromium()]);
    f = fixtures(server.baseUrl);
    const clinicId = (await f.clinic({ name: 'Regional Flood Clinic' })).id;
    // 20 mL of 500 mcg/mL at 100 mcg/day: the deadline is 90 days after the fill; one day before it the refill alert is critical.
    for (let i = 0; i < CRITICAL_PUMPS; i++) {
      const patient = await f.patient(clinicId);
      const pump = await f.pump(patient.id);
      await f.program(pump.id, { effectiveFrom: new Date(start.getTime() - 100 * DAY_MS).toISOString() });
      await f.fill(pump.id, { filledAt: new Date(start.getTime() - 89 * DAY_MS + i * 60_000).toISOString() });
    }
    const engine = server.app.get(AlertEngine);
    await engine.processPendingEvents();
    await engine.sweep();
    // The most recently raised ones acknowledged: listed first by recency, they must still yield to the unacknowledged ones.
    const critical = (await f.http.get<Alert[]>('/api/alerts?limit=1000')).body.filter((a) => a.severity === 'critical');
    expect(critical).toHaveLength(CRITICAL_PUMPS);
    acknowledgedPumps = new Set<string>();
    for (const alert of critical.slice(0, ACKNOWLEDGED)) {
      expect((await f.http.post(`/api/alerts/${alert.id}/acknowledge`, { note: 'Refill booked' })).status).toBe(200);
      if (alert.pump) acknowledgedPumps.add(alert.pump.id);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows 12 critical incidents, unacknowledged first, says how many there are, and the alerts page lists every one', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${server.baseUrl}/`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signInThroughPage(page, TEST_ADMIN);
    const panel = page.locator('[data-testid="alerts-panel"]');
    const cut = panel.locator('[data-testid="alerts-critical-cut"]');
    await cut.waitFor({ timeout: 15_000 });
    expect(await cut.innerText()).toBe(
      `⚠ ${CRITICAL_PUMPS} critical incidents: ${SHOWN_ON_FLEET_PAGE} shown here, unacknowledged first. See all ${CRITICAL_PUMPS} on the alerts page`,
    );
    const criticalCards = panel.locator('[data-testid="alert-incident"][data-severity="critical"]');
    expect(await criticalCards.count()).toBe(SHOWN_ON_FLEET_PAGE);
    // Every card shown is one nobody acknowledged yet (12 open of 15; the 3 acknowledged wait on the alerts page).
    const statuses = await criticalCards
      .locator('[data-testid="alert-item"]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-status')));
    expect(statuses).toHaveLength(SHOWN_ON_FLEET_PAGE);
    expect(new Set(statuses)).toEqual(new Set(['open']));
    const shownPumps = await criticalCards
      .locator('[data-testid="alert-patient-link"]')
      .evaluateAll((els) => els.map((el) => (el.getAttribute('href') ?? '').replace('/pumps/', '')));
    expect(shownPumps.filter((id) => acknowledgedPumps.has(id))).toEqual([]);
    // The counts still say every critical one, and the fleet follows at once.
    expect(await panel.locator('[data-testid="alert-count-critical"]').innerText()).toContain(`${CRITICAL_PUMPS}`);
    expect(await panel.locator('[data-testid="alerts-shown"]').innerText()).toContain(
      `${SHOWN_ON_FLEET_PAGE} of ${CRITICAL_PUMPS} critical`,
    );
    await page.locator('[data-testid="fleet-row"]').first().waitFor();
    await page.screenshot({ path: `${SCREENS}/critical-flood-fleet-1440.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SCREENS}/critical-flood-fleet-390.png` });

    await cut.locator('[data-testid="alerts-critical-cut-link"]').click();
    await page.waitForURL((url) => url.pathname === '/alerts');
    const listed = page.locator('[data-testid="alerts-page"] [data-testid="alert-incident"][data-severity="critical"]');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="alerts-page"] [data-testid="alert-incident"][data-severity="critical"]').length === n,
      CRITICAL_PUMPS,
      { timeout: 15_000 },
    );
    expect(await listed.count()).toBe(CRITICAL_PUMPS);
    expect(await page.locator('[data-testid="alerts-critical-cut"]').count()).toBe(0);
    await page.screenshot({ path: `${SCREENS}/critical-flood-alerts-390.png` });
    await page.close();
  });
});
