// Browser test in real Chromium: the API documentation page loads under the CSP, its Authorize dialog lists the bearer token and
// the session cookie, and a bearer token entered there signs in the "Try it out" calls.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SESSION_COOKIE } from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { signIn } from '../support/http';
import { SCREENS } from '../support/screens';
import { TEST_ADMIN } from '../support/test-accounts';
import { useTestServer } from '../support/test-server';

jest.setTimeout(120_000);

describe('API documentation page in Chromium', () => {
  const server = useTestServer();
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    fs.mkdirSync(SCREENS, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('loads /api/docs with every operation summary, nothing refused by the Content-Security-Policy', async () => {
    await page.goto(`${server.baseUrl}/api/docs`);
    await page.locator('.swagger-ui .info .title', { hasText: 'PumpWatch API' }).waitFor();
    await page
      .locator('.opblock-summary-description', { hasText: 'Record a refill (drug, concentration, volume, aspirated residual)' })
      .waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(100);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);

    // The refill's example body: a labelled baclofen strength and a reservoir-sized volume.
    const fills = page
      .locator('.opblock')
      .filter({ has: page.locator('.opblock-summary-path', { hasText: /^\/api\/pumps\/\{id\}\/fills$/ }) })
      .filter({ has: page.locator('.opblock-summary-method', { hasText: 'POST' }) });
    await fills.locator('.opblock-summary').click();
    const example = fills.locator('.opblock-section-request-body .body-param__example, .opblock-section-request-body pre').first();
    await example.waitFor();
    await expect(example.innerText()).resolves.toMatch(/"concentrationMcgPerMl": 1000/);
    await example.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENS, 'openapi-fill-example-1440.png') });
    await fills.locator('.opblock-summary').click();
  });

  it('opens the Authorize dialog listing the bearer token and the session cookie', async () => {
    await page.locator('button.authorize').first().click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.waitFor();
    const schemes = dialog.locator('.auth-container h4');
    await expect(schemes.allInnerTexts()).resolves.toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^bearer\s+\(http, Bearer\)/),
        expect.stringMatching(/^sessionCookie\s+\(apiKey\)/),
        expect.stringMatching(/^csrfToken\s+\(apiKey\)/),
      ]),
    );
    await expect(dialog.innerText()).resolves.toContain(`Name: ${SESSION_COOKIE}`);
    await expect(dialog.innerText()).resolves.toContain('In: cookie');
    await dialog.locator('.modal-ux-content').evaluate((element) => {
      element.scrollTop = 0;
    });
    await page.screenshot({ path: path.join(SCREENS, 'openapi-authorize-1440.png') });
  });

  it('signs the "Try it out" calls with the bearer token entered in the dialog', async () => {
    const token = await signIn(server.baseUrl, TEST_ADMIN.email, TEST_ADMIN.password);
    const dialog = page.locator('.dialog-ux .modal-ux');
    const bearer = dialog.locator('.auth-container').filter({ has: page.locator('h4', { hasText: /^bearer/ }) });
    await bearer.locator('input').fill(token);
    await bearer.locator('button.authorize').click();
    await bearer.locator('button', { hasText: 'Logout' }).waitFor();
    await dialog.locator('button.close-modal').click();
    await dialog.waitFor({ state: 'detached' });

    const me = page.locator('.opblock').filter({ has: page.locator('.opblock-summary-path', { hasText: /^\/api\/auth\/me$/ }) });
    await me.locator('.opblock-summary').click();
    await me.locator('button.try-out__btn').click();
    const answered = page.waitForResponse((response) => response.url().endsWith('/api/auth/me'));
    await me.locator('button.execute').click();
    expect((await answered).status()).toBe(200);
    await me.locator('.live-responses-table .response-col_status', { hasText: '200' }).waitFor();
    await expect(me.locator('.live-responses-table').innerText()).resolves.toContain(TEST_ADMIN.email);
    await me.locator('.live-responses-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENS, 'openapi-try-it-out-1440.png') });
  });

  it('fits a 390 px phone without scrolling sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.baseUrl}/api/docs`);
    await page.locator('.swagger-ui .info .title', { hasText: 'PumpWatch API' }).waitFor();
    await page.screenshot({ path: path.join(SCREENS, 'openapi-docs-390.png') });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
