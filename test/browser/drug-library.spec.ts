// Browser test in real Chromium (issue 13): the fill form asks for a limit-override reason when the drug library's soft limit is
// passed, and the pump page's program and fill histories show "limit override: <reason>" with the limit gone past.
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { fixtures } from '../support/fixtures';
import { startTestServer, TEST_ADMIN } from '../support/test-server';
import { signInThroughPage } from './dashboard-sign-in';
import { SCREENS } from '../support/screens';

jest.setTimeout(180_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;

const DAY_MS = 86_400_000;
const at = (days: number): string => new Date(Math.floor((Date.now() + days * DAY_MS) / 60_000) * 60_000).toISOString();

describe('drug library limit overrides on the pump page in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let pumpId: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    const f = fixtures(server.baseUrl);
    const clinic = await f.clinic({ name: 'Library Clinic' });
    const patient = await f.patient(clinic.id, { displayName: 'Sam Spinal', spasticityOrigin: 'spinal' });
    const pump = await f.pump(patient.id, { implantDate: at(-400).slice(0, 10), modelId: 'synchromed-ii-40' });
    pumpId = pump.id;
    await f.fill(pump.id, { filledAt: at(-30), volumeMl: 40, concentrationMcgPerMl: 2000 });
    // 1,200 mcg/day for a spinal origin: above the 1000 soft limit, confirmed with a reason.
    await f.program(pump.id, {
      effectiveFrom: at(-30),
      steps: [{ startTime: '00:00', doseMcgPerDay: 1200 }],
      doseChangeReason: 'Refractory spasticity after SCI; neurosurgery agrees',
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks the fill form for a limit-override reason and shows both overrides in the histories', async () => {
    await page.goto(`${server.baseUrl}/pumps/${pumpId}`);
    await signInThroughPage(page, TEST_ADMIN);
    const programNote = page.locator('[data-testid="program-history"] [data-testid="limit-override"]');
    await programNote.waitFor({ timeout: 15_000 });
    expect(await programNote.innerText()).toMatch(
      /limit override: Refractory spasticity after SCI; neurosurgery agrees[\s\S]*1200 mcg\/day is above the drug library's soft limit of 1000 mcg\/day/,
    );

    await page.locator('[data-testid="open-fill-form"]').click();
    const form = page.locator('[data-testid="record-fill-form"]');
    await form.locator('select').first().selectOption('other');
    await form.locator('[data-field="concentrationMcgPerMl"] input').fill('1500');
    await form.locator('[data-testid="submit-fill"]').click();
    const reason = form.locator('[data-testid="limit-override-reason"]');
    await reason.waitFor({ timeout: 10_000 });
    expect(await form.locator('[data-testid="error-limitOverrideReason"]').innerText()).toMatch(
      /required to go past the drug library's soft limit/,
    );
    await page.screenshot({ path: `${SCREENS}/13b-fill-form-override-1440.png`, fullPage: false });
    await reason.locator('textarea').fill('Compounded 1500 mcg/mL from pharmacy');
    await form.locator('[data-testid="submit-fill"]').click();
    const fillNote = page.locator('[data-testid="fill-history"] [data-testid="limit-override"]');
    await fillNote.waitFor({ timeout: 10_000 });
    expect(await fillNote.innerText()).toMatch(
      /limit override: Compounded 1500 mcg\/mL from pharmacy[\s\S]*not a labelled maintenance concentration/,
    );

    await page.locator('[data-testid="program-history"]').scrollIntoViewIfNeeded();
    await page.waitForTimeout(200); // paint before the screenshot
    await page.screenshot({ path: `${SCREENS}/13b-histories-1440.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-testid="fill-history"]').scrollIntoViewIfNeeded();
    await page.waitForTimeout(200);
    await page.screenshot({ path: `${SCREENS}/13b-histories-390.png`, fullPage: true });
    await page.locator('[data-testid="fill-history"]').screenshot({ path: `${SCREENS}/13b-fill-history-390.png` });
    await page.locator('[data-testid="program-history"]').screenshot({ path: `${SCREENS}/13b-program-history-390.png` });
    // Nothing of the notes is wider than the phone.
    const widest = await page
      .locator('[data-testid="limit-override"]')
      .evaluateAll((els) => Math.max(...els.map((el) => el.getBoundingClientRect().right)));
    expect(widest).toBeLessThanOrEqual(390);
  });
});
