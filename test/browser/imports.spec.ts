// Browser test in real Chromium (issue 17): upload a spreadsheet, see the refused rows first with their column and reason,
// confirm, and find the imported pumps with their refill deadlines in the fleet; at 1440 and 390 px.
import type { Browser, Page } from 'playwright-core';
import { IMPORT_COLUMNS } from '@pumpwatch/shared';
import { seriousAxeViolations } from '../support/axe';
import { launchChromium } from '../support/chromium';
import { fixtures } from '../support/fixtures';
import { startTestServer, TEST_ADMIN } from '../support/test-server';
import { signInThroughPage } from './dashboard-sign-in';
import { SCREENS } from '../support/screens';

jest.setTimeout(240_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;
const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** 12 rows of a Berlin clinic (refills 3-14 days ago, 09:30), 3 of them bad: unknown model, a 25 mL fill into 20 mL, a 12-hour time. */
function spreadsheet(): Buffer {
  const lines = [IMPORT_COLUMNS.join(';')];
  for (let i = 0; i < 12; i++) {
    const filled = new Date(Date.now() - (3 + i) * DAY_MS);
    const day = `${pad(filled.getUTCDate())}.${pad(filled.getUTCMonth() + 1)}.${filled.getUTCFullYear()}`;
    const model = i === 4 ? 'Medstream 9' : 'synchromed-ii-20';
    const volume = i === 7 ? '25' : '18';
    const time = i === 9 ? '9:30 PM' : '09:30';
    lines.push(
      [
        `BR-${i}`,
        `Import Patient ${String.fromCharCode(65 + i)}`,
        '12.03.1968',
        i % 2 ? 'male' : 'female',
        '72,5',
        model,
        `BRW-${1000 + i}`,
        '2022-04-01',
        `${day} ${time}`,
        '500',
        volume,
        String(120 + 10 * i),
      ].join(';'),
    );
  }
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

describe('spreadsheet import page in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    await fixtures(server.baseUrl).clinic({ name: 'Berlin Pump Clinic', timeZone: 'Europe/Berlin' });
    // The dashboard's CSP allows only its own scripts; axe is injected by the test.
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true })).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the dry run with the refused rows first, imports the others on confirm, and the fleet shows them', async () => {
    await page.goto(`${server.baseUrl}/import`);
    await signInThroughPage(page, TEST_ADMIN);
    await page.locator('[data-testid="nav-import"]').first().waitFor({ state: 'attached', timeout: 15_000 });
    await page.locator('[data-testid="import-form"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="import-template"]').getAttribute('href')).toBe('/api/imports/template.csv');

    await page
      .locator('[data-testid="import-file"]')
      .setInputFiles({ name: 'berlin-pumps.csv', mimeType: 'text/csv', buffer: spreadsheet() });
    await page.locator('[data-testid="import-check"]').click();
    await page.locator('[data-testid="import-rows"]').waitFor({ timeout: 60_000 });

    const rows = page.locator('[data-testid="import-row"]');
    expect(await rows.count()).toBe(12);
    // Refused first, in file order, each naming its column and reason in words (not colour alone).
    const outcomes = await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-row'), tr.getAttribute('data-outcome')]));
    expect(outcomes.slice(0, 3)).toEqual([
      ['6', 'refused'],
      ['9', 'refused'],
      ['11', 'refused'],
    ]);
    expect(outcomes.slice(3).every(([, outcome]) => outcome === 'create')).toBe(true);
    const refusedText = await rows.evaluateAll((trs) => trs.slice(0, 3).map((tr) => (tr as HTMLElement).innerText));
    expect(refusedText[0]).toMatch(/Refused[\s\S]*pumpModel is not a known pump model/);
    expect(refusedText[1]).toMatch(/Refused[\s\S]*volumeMl must not exceed the reservoir capacity \(20 mL\)/);
    expect(refusedText[2]).toMatch(/Refused[\s\S]*lastFilledAt has a time in an unknown format \(9:30 PM\)/);
    expect(await page.locator('[data-testid="import-summary"]').innerText()).toMatch(
      /3 refused[\s\S]*12 rows: 9 new, 0 to update, 0 unchanged/,
    );
    expect(await page.locator('[data-testid="import-confirm"]').innerText()).toBe('Import 9 rows (without the 3 refused)');
    await page.screenshot({ path: `${SCREENS}/import-dry-run-1440.png`, fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    // The page never scrolls sideways on a phone: the table scrolls inside its own box.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SCREENS}/import-dry-run-390.png`, fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.locator('[data-testid="import-confirm"]').click();
    const done = page.locator('[data-testid="import-done"]');
    await done.waitFor({ timeout: 60_000 });
    expect(await done.innerText()).toMatch(/Imported: 9 new, 0 updated, 0 unchanged/);
    await page.screenshot({ path: `${SCREENS}/import-confirmed-1440.png` });

    await page.locator('[data-testid="import-fleet-link"]').click();
    await page.waitForURL((url) => url.pathname === '/');
    const fleetRows = page.locator('[data-testid="fleet-row"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="fleet-row"]').length === 9, undefined, { timeout: 30_000 });
    const days = await page.locator('[data-testid="fleet-days-left"]').allInnerTexts();
    expect(days).toHaveLength(9);
    expect(days.every((text) => /\d/.test(text))).toBe(true);
    expect(await fleetRows.first().innerText()).toMatch(/Import Patient/);
    await page.screenshot({ path: `${SCREENS}/import-fleet-1440.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SCREENS}/import-fleet-390.png` });
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
