// Browser test in real Chromium: a clinician on the fleet page is given a role in a second clinic by an administrator; without a
// reload the dashboard shows that clinic's pump in the fleet and its open critical alert above it (the server ends the socket, the
// dashboard re-reads its session and views on reconnect).
import type { Browser } from 'playwright-core';
import type { Alert } from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { launchChromium } from '../support/chromium';
import { fixtures, MEMBER_PASSWORD } from '../support/fixtures';
import { SCREENS } from '../support/screens';
import { startTestServer } from '../support/test-server';
import { signInThroughPage } from './dashboard-sign-in';

type Server = Awaited<ReturnType<typeof startTestServer>>;

const DAY_MS = 86_400_000;

describe('a clinic role given while the dashboard is open', () => {
  let server: Server;
  let browser: Browser;
  let f: ReturnType<typeof fixtures>;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    f = fixtures(server.baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows the new clinic's pump and open critical alert without a reload", async () => {
    const home = await f.clinic({ name: 'Home Clinic' });
    const joined = await f.clinic({ name: 'Joined Clinic' });
    await f.pump((await f.patient(home.id)).id);
    // 20 mL of 500 mcg/mL at 100 mcg/day: the deadline is 90 days after the fill; a day before it the refill alert is critical.
    const patient = await f.patient(joined.id);
    const pump = await f.pump(patient.id);
    await f.program(pump.id, { effectiveFrom: new Date(Date.now() - 100 * DAY_MS).toISOString() });
    await f.fill(pump.id, { filledAt: new Date(Date.now() - 89 * DAY_MS).toISOString() });
    await server.app.get(AlertEngine).processPendingEvents();
    const critical = (await f.http.get<Alert[]>('/api/alerts?limit=1000')).body.find(
      (a) => a.pump?.id === pump.id && a.severity === 'critical',
    );
    expect(critical).toBeDefined();
    const member = await f.member(home.id, 'clinician', 'Joining Clinician', { email: `joining-${Date.now()}@pumpwatch.test` });

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${server.baseUrl}/`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signInThroughPage(page, { email: member.email, password: MEMBER_PASSWORD });
    await page.locator('[data-testid="fleet-row"]').first().waitFor();
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ state: 'attached' });
    const row = page.locator(`[data-testid="fleet-row"][data-pump-id="${pump.id}"]`);
    const alert = page.locator(`[data-testid="alerts-panel"] [data-alert-id="${critical!.id}"]`);
    expect([await row.count(), await alert.count()]).toEqual([0, 0]);
    await page.evaluate(() => ((window as unknown as { beforeTheRole: boolean }).beforeTheRole = true));

    expect((await f.http.call('PUT', `/api/users/${member.id}/clinic-roles/${joined.id}`, { role: 'clinician' })).status).toBe(200);
    await row.waitFor({ timeout: 20_000 });
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.getAttribute('data-severity')).toBe('critical');
    // Nothing reloaded the page: the document marked before the role is still the one on screen.
    expect(await page.evaluate(() => (window as unknown as { beforeTheRole?: boolean }).beforeTheRole)).toBe(true);
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ state: 'attached' });
    await page.screenshot({ path: `${SCREENS}/clinic-role-given-390.png` });
    await page.close();
  });
});
