// Browser test in real Chromium (issue 16): every page as an administrator at 1440x900 and 390x844 has no serious or critical axe-core
// violation and, on the phone, no sideways scroll; the header fits one bar on a phone with the critical count in sight and a menu that
// opens, traps nothing and closes on Escape; the skip link comes first; the alarm mute is remembered per user across reloads.
// Screenshots of the header (test-results/screens or PUMPWATCH_SCREENSHOT_DIR): i16-shell-1440.png, i16-shell-390-closed.png, i16-shell-390-open.png.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Clinic, FleetPump } from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { startTestServer } from '../support/test-server';
import { api } from '../support/http';
import { SCREENS } from '../support/screens';
import { DEMO_LOGINS } from '../support/test-accounts';
import { seriousAxeViolations } from '../support/axe';
import { signInThroughPage } from './dashboard-sign-in';

jest.setTimeout(300_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;

const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/**
 * Pages excluded from the sideways-scroll check only (axe still runs on them); none now. The scheduler was 658 px wide at 390 px: the
 * absolutely placed .visually-hidden labels inside its wide tables escaped their scrolling .table-wrap (fixed in scheduling.css).
 */
const SIDEWAYS_ON_PHONE_KNOWN = new Set<string>();
/** The phone header's height: one bar, the rest behind the menu button. */
const PHONE_BAR_MAX_PX = 64;

describe('accessibility and the header in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pages: [string, string][];

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchChromium()]);
    const clinic = (await api(server.baseUrl).get<Clinic[]>('/api/clinics')).body[0];
    const pump = (await api(server.baseUrl).get<FleetPump[]>(`/api/pumps?clinicId=${clinic.id}`)).body[0];
    const clinician = (await api(server.baseUrl).get<{ id: string }[]>(`/api/clinicians?clinicId=${clinic.id}`)).body[0];
    // Every page of the dashboard an administrator can open (the sign-in page is checked before signing in).
    pages = [
      ['fleet', '/'],
      ['pump', `/pumps/${pump.pump.id}`],
      ['patient', `/patients/${pump.patient.id}`],
      ['patients', '/patients'],
      ['add-patient', '/patients/new'],
      ['edit-patient', `/patients/${pump.patient.id}/edit`],
      ['alerts', '/alerts'],
      ['scheduler', '/scheduler'],
      ['availability', `/scheduler/clinicians/${clinician.id}`],
      ['add-pump', '/pumps/new'],
      ['clinicians', '/clinicians'],
      ['on-call', '/on-call'],
      ['escalation', '/on-call/escalation'],
      ['users', '/admin/users'],
      ['machine-tokens', '/admin/machine-tokens'],
      ['calendar-feeds', '/admin/calendar-feeds'],
      ['audit', '/admin/audit'],
      ['settings', '/admin/settings'],
      ['import', '/import'],
      ['password', '/account/password'],
    ];
    // The dashboard's CSP allows only its own scripts; axe is injected by the test.
    context = await browser.newContext({ viewport: DESK, bypassCSP: true });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The page has drawn its heading and nothing is still loading. */
  async function settled(): Promise<void> {
    try {
      await page.locator('main h1').first().waitFor({ timeout: 30_000 });
      // The lazy page's own fallback is gone (a list's "Loading more…" may stay).
      await page.waitForFunction(() => !document.querySelector('main > p[role="status"]'), undefined, { timeout: 15_000 });
    } catch (error) {
      const shown = await page.evaluate(() => document.querySelector('main')?.textContent ?? '(no main)').catch(() => '(page busy)');
      throw new Error(`${page.url()} did not settle: ${shown.slice(0, 300)} (${String(error)})`, { cause: error });
    }
    await page.waitForTimeout(300);
  }

  async function expectAccessible(name: string, viewport: { width: number; height: number }): Promise<void> {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(150);
    const findings = await seriousAxeViolations(page);
    // What the person sees first on every page, at both sizes, for the look before an issue is resolved.
    await page.screenshot({ path: `${SCREENS}/page-${name}-${viewport.width}.png` });
    expect([name, viewport.width, findings]).toEqual([name, viewport.width, []]);
    if (viewport.width === PHONE.width && !SIDEWAYS_ON_PHONE_KNOWN.has(name)) {
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      if (scrollWidth > PHONE.width) {
        // The widest elements are named, to find the culprit at once (a table scrolling inside its own box is not one).
        const wide = await page.evaluate(
          (width) =>
            [...document.querySelectorAll('body *')]
              .filter((el) => el.getBoundingClientRect().right > width + 1)
              .slice(0, 5)
              .map((el) => `${el.tagName}.${el.className}`),
          PHONE.width,
        );
        expect([name, scrollWidth, wide]).toEqual([name, PHONE.width, []]);
      }
      expect(scrollWidth).toBeLessThanOrEqual(PHONE.width);
    }
  }

  it('has no serious or critical violation on the sign-in page, at 1440 and 390 px, and the skip link comes first', async () => {
    await page.goto(`${server.baseUrl}/sign-in`);
    await page.locator('[data-testid="sign-in-form"]').waitFor();
    await expectAccessible('sign-in', DESK);
    await expectAccessible('sign-in', PHONE);
    await page.setViewportSize(DESK);
    await signInThroughPage(page, DEMO_LOGINS.admin);
    // Signed in, the first Tab of a page reaches the skip link, and following it moves focus to the main content.
    await page.waitForURL((url) => url.pathname === '/');
    await page.locator('main h1').first().waitFor();
    await page.locator('body').click({ position: { x: 5, y: 880 } });
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.outerHTML)).toContain('Skip to content');
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#main');
  });

  it.each([
    'fleet',
    'pump',
    'patient',
    'patients',
    'add-patient',
    'edit-patient',
    'alerts',
    'scheduler',
    'availability',
    'add-pump',
    'clinicians',
    'on-call',
    'escalation',
    'users',
    'machine-tokens',
    'calendar-feeds',
    'audit',
    'settings',
    'import',
    'password',
  ])('has no serious or critical violation and no sideways scroll on the %s page (1440 and 390 px)', async (name) => {
    const path = pages.find(([n]) => n === name)![1];
    await page.setViewportSize(DESK);
    await page.goto(`${server.baseUrl}${path}`);
    await settled();
    expect(new URL(page.url()).pathname).toBe(path);
    await expectAccessible(name, DESK);
    await expectAccessible(name, PHONE);
    await page.setViewportSize(DESK);
  });

  it('keeps the desk header to a row of daily pages and status and a row of administration, no link broken over lines', async () => {
    await page.setViewportSize(DESK);
    await page.goto(`${server.baseUrl}/`);
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="nav-alerts-critical"]').waitFor({ timeout: 10_000 });
    await page.locator('.app-header [data-testid="on-call-now-item"]').first().waitFor();
    const header = (await page.locator('.app-header').boundingBox())!;
    expect(header.height).toBeLessThanOrEqual(110);
    // Each link on one line: its height is one line of text, whatever the number of links.
    const heights = await page.locator('.app-header nav a').evaluateAll((links) => links.map((a) => a.getClientRects().length));
    expect(heights.every((n) => n === 1)).toBe(true);
    for (const id of [
      'nav-fleet',
      'nav-alerts',
      'nav-patients',
      'nav-scheduler',
      'nav-admin-users',
      'nav-admin-audit',
      'connection-status',
      'alarm-mute-toggle',
      'sign-out',
    ]) {
      expect([id, await page.locator(`[data-testid="${id}"]`).isVisible()]).toEqual([id, true]);
    }
    expect(await page.locator('[data-testid="header-menu-button"]').isVisible()).toBe(false);
    await page.screenshot({ path: `${SCREENS}/i16-shell-1440.png`, clip: { x: 0, y: 0, width: DESK.width, height: 260 } });
  });

  it('collapses the phone header to one bar with the critical count and on-call status, and a menu that opens every link', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.baseUrl}/`);
    await page.locator('[data-testid="nav-alerts-critical"]').waitFor({ state: 'attached', timeout: 10_000 });
    const header = (await page.locator('.app-header').boundingBox())!;
    expect(header.height).toBeLessThanOrEqual(PHONE_BAR_MAX_PX);
    const count = page.locator('[data-testid="header-critical-count"]');
    expect(await count.isVisible()).toBe(true);
    const critical = Number(await count.getAttribute('data-count'));
    expect(critical).toBeGreaterThan(0);
    expect((await count.textContent())?.replace(/\s+/g, ' ')).toContain(`${critical} critical`);
    expect(await page.locator('.app-header [data-testid="on-call-now-item"]').first().isVisible()).toBe(true);
    expect(await page.locator('[data-testid="nav-fleet"]').isVisible()).toBe(false);
    await page.screenshot({ path: `${SCREENS}/i16-shell-390-closed.png` });

    const button = page.locator('[data-testid="header-menu-button"]');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    const menuId = (await button.getAttribute('aria-controls'))!;
    expect(await page.evaluate((id) => document.getElementById(id)?.getAttribute('data-testid'), menuId)).toBe('header-menu');
    await button.click();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    // Focus moves into the menu, and every link and the mute and user actions are there.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('nav-fleet');
    for (const id of [
      'nav-fleet',
      'nav-alerts',
      'nav-patients',
      'nav-scheduler',
      'nav-on-call',
      'nav-clinicians',
      'nav-add-pump',
      'nav-admin-users',
      'nav-admin-machine-tokens',
      'nav-admin-calendar-feeds',
      'nav-admin-audit',
      'nav-admin-settings',
      'alarm-mute-toggle',
      'sign-out',
      'change-password-link',
    ]) {
      expect([id, await page.locator(`[data-testid="${id}"]`).count()]).toEqual([id, 1]);
      await page.locator(`[data-testid="${id}"]`).scrollIntoViewIfNeeded();
      expect([id, await page.locator(`[data-testid="${id}"]`).isVisible()]).toEqual([id, true]);
    }
    await page.evaluate(() => document.querySelector('[data-testid="header-menu"]')?.scrollTo(0, 0));
    await page.screenshot({ path: `${SCREENS}/i16-shell-390-open.png` });
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    // Escape closes it and gives focus back to the button.
    await page.keyboard.press('Escape');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('[data-testid="nav-fleet"]').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('header-menu-button');

    // A link followed from the menu opens its page and closes the menu.
    await button.click();
    await page.locator('[data-testid="nav-alerts"]').click();
    await page.waitForURL((url) => url.pathname === '/alerts');
    // Closed once the new page is rendered (the URL changes a moment before).
    await page.locator('[data-testid="header-menu-button"][aria-expanded="false"]').waitFor({ timeout: 5_000 });
    // The critical count in the bar is a link to the alerts: one tap from any page.
    await page.goto(`${server.baseUrl}/patients`);
    await count.click();
    await page.waitForURL((url) => url.pathname === '/alerts');
    await page.setViewportSize(DESK);
  });

  it('shows focus on every control of the header and remembers the alarm mute of each user across a reload', async () => {
    await page.setViewportSize(DESK);
    await page.goto(`${server.baseUrl}/`);
    const mute = page.locator('[data-testid="alarm-mute-toggle"]');
    await mute.waitFor();
    // Keyboard focus is drawn (an outline) on the links and buttons of the header.
    for (const id of ['nav-fleet', 'nav-admin-users', 'alarm-mute-toggle', 'sign-out']) {
      await page.locator(`[data-testid="${id}"]`).focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      const outline = await page
        .locator(`[data-testid="${id}"]`)
        .evaluate((el) => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth);
      expect([id, outline]).toEqual([id, 'solid 3px']);
    }
    if ((await mute.getAttribute('aria-pressed')) === 'true') await mute.click();
    await mute.click();
    expect(await mute.getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    await page.locator('[data-testid="alarm-mute-toggle"][aria-pressed="true"]').waitFor({ timeout: 10_000 });

    // Another person signing in at the same browser keeps their own setting: the sound is on for them.
    await page.locator('[data-testid="sign-out"]').click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signInThroughPage(page, DEMO_LOGINS.clinician);
    await page.locator('[data-testid="alarm-mute-toggle"]').waitFor();
    expect(await page.locator('[data-testid="alarm-mute-toggle"]').getAttribute('aria-pressed')).toBe('false');
    await page.locator('[data-testid="sign-out"]').click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signInThroughPage(page, DEMO_LOGINS.admin);
    await page.locator('[data-testid="alarm-mute-toggle"][aria-pressed="true"]').waitFor({ timeout: 10_000 });
    await mute.click();
    expect(await mute.getAttribute('aria-pressed')).toBe('false');
  });
});
