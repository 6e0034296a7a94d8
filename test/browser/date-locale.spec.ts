// Date fields in the clinic's locale, in real Chromium set to en-US: a Paris clinic switched to de-DE on the settings screen shows
// and takes 31.01.2026 14:05, the picker writes into the same field, an impossible day is refused beside its field and records
// nothing, and a typed time records the right instant; axe-core and screenshots at desk and phone sizes.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Clinic, PumpDetail, FleetPump } from '@pumpwatch/shared';
import { seriousAxeViolations } from '../support/axe';
import { launchChromium } from '../support/chromium';
import { api } from '../support/http';
import { SCREENS } from '../support/screens';
import { DEMO_LOGINS } from '../support/test-accounts';
import { startTestServer, type TestServer } from '../support/test-server';
import { signInThroughPage } from './dashboard-sign-in';

const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/** An instant as a de-DE clinic in Paris writes it: `31.01.2026 14:05`. */
function parisGerman(ms: number): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(ms)
      .map((x) => [x.type, x.value]),
  );
  return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}`;
}

describe('date fields in the clinic locale', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let clinic: Clinic;
  let pumpId: string;

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchChromium()]);
    clinic = (await api(server.baseUrl).get<Clinic[]>('/api/clinics')).body[0];
    const fleet = (await api(server.baseUrl).get<FleetPump[]>('/api/pumps')).body;
    pumpId = fleet.find((row) => row.pump.clinicId === clinic.id && row.status === 'ok')!.pump.id;
    // The computer speaks American English: the clinic's locale, not the browser's, must decide. bypassCSP lets axe in.
    const context = await browser.newContext({ viewport: DESK, locale: 'en-US', timezoneId: 'America/New_York', bypassCSP: true });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lets an administrator set the clinic to de-DE, refusing a tag that is not a locale beside the field', async () => {
    expect(clinic.timeZone).toBe('Europe/Paris');
    await page.goto(`${server.baseUrl}/admin/settings`);
    await signInThroughPage(page, DEMO_LOGINS.admin);
    const form = page.locator('[data-testid="settings-form-locale"]');
    await form.waitFor({ timeout: 15_000 });
    expect(await form.locator('[data-testid="default-locale"]').innerText()).toContain('fr-FR');
    expect(await form.locator('[data-testid="locale-example"]').innerText()).toContain('31/01/2026');

    await form.locator('[data-testid="setting-locale"]').fill('deutsch bitte');
    await form.locator('[data-testid="save-locale"]').click();
    expect(await form.locator('[data-testid="error-locale"]').innerText()).toMatch(/BCP 47/);

    await form.locator('[data-testid="setting-locale"]').fill('de-DE');
    expect(await form.locator('[data-testid="locale-example"]').innerText()).toContain('31.01.2026 (DD.MM.YYYY), 31.01.2026 14:05');
    await form.locator('[data-testid="save-locale"]').click();
    await form.locator('[data-testid="saved-locale"]').waitFor({ timeout: 10_000 });
    const settings = await api(server.baseUrl).get(`/api/clinics/${clinic.id}/settings`);
    expect([settings.body.locale, settings.body.defaultLocale]).toEqual(['de-DE', 'fr-FR']);

    expect(await seriousAxeViolations(page)).toEqual([]);
    await form.scrollIntoViewIfNeeded();
    await form.screenshot({ path: `${SCREENS}/date-locale-settings-1440.png` });
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await form.screenshot({ path: `${SCREENS}/date-locale-settings-390.png` });
    await page.setViewportSize(DESK);
  });

  it('shows and takes the fill time as 31.01.2026 14:05, refuses 30.02, and records the typed instant', async () => {
    await page.goto(`${server.baseUrl}/pumps/${pumpId}`);
    await page.locator('[data-testid="open-fill-form"]').click();
    const form = page.locator('[data-testid="record-fill-form"]');
    const filledAt = form.locator('[data-field="filledAt"] input');
    await filledAt.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-field="filledAt"] input')?.getAttribute('data-locale') === 'de-DE');
    expect(await filledAt.getAttribute('placeholder')).toBe('DD.MM.YYYY HH:mm');
    expect(await filledAt.getAttribute('inputmode')).toBe('numeric');
    // The default (now) is already written the clinic's way, not 12/07/2026, 3:04 PM.
    expect(await filledAt.inputValue()).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);

    // The calendar button opens the browser's own picker; what it picks lands in the field in the clinic's format.
    await form.locator('[data-field="filledAt"] .date-input__calendar').click();
    await form.locator('[data-field="filledAt"] input.date-input__native').fill('2026-01-31T14:05');
    expect(await filledAt.inputValue()).toBe('31.01.2026 14:05');

    const before = (await api(server.baseUrl).get<PumpDetail>(`/api/pumps/${pumpId}`)).body.fills.length;
    await filledAt.fill('30.02.2026 10:00');
    await filledAt.blur();
    expect(await form.locator('[data-field="filledAt"] .date-input__problem').innerText()).toBe('Not a date: type DD.MM.YYYY HH:mm');
    await form.locator('[data-testid="submit-fill"]').click();
    expect(await form.locator('[data-testid="error-filledAt"]').innerText()).not.toBe('');
    expect(await filledAt.getAttribute('aria-invalid')).toBe('true');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await form.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENS}/date-locale-fill-refused-1440.png` });
    await page.setViewportSize(PHONE);
    await form.scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await page.screenshot({ path: `${SCREENS}/date-locale-fill-refused-390.png` });
    await page.setViewportSize(DESK);
    expect((await api(server.baseUrl).get<PumpDetail>(`/api/pumps/${pumpId}`)).body.fills.length).toBe(before);

    // Two hours ago, to the minute, typed as a Paris clinic writing German dates does.
    const atMs = Math.floor((Date.now() - 2 * 3_600_000) / 60_000) * 60_000;
    await filledAt.fill(parisGerman(atMs));
    await filledAt.blur();
    expect(await form.locator('[data-field="filledAt"] .date-input__problem').count()).toBe(0);
    await form.screenshot({ path: `${SCREENS}/date-locale-fill-typed-1440.png` });
    await form.locator('[data-testid="submit-fill"]').click();
    await form.waitFor({ state: 'detached', timeout: 15_000 });
    const fills = (await api(server.baseUrl).get<PumpDetail>(`/api/pumps/${pumpId}`)).body.fills;
    expect(fills.length).toBe(before + 1);
    expect(fills.map((f) => Date.parse(f.filledAt))).toContain(atMs);
  });

  it('keeps ISO typing working and shows date-only fields as DD.MM.YYYY', async () => {
    await page.goto(`${server.baseUrl}/patients/new`);
    const birth = page.locator('[data-field="birthDate"] input');
    await birth.waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('[data-field="birthDate"] input')?.getAttribute('data-locale') === 'de-DE');
    expect(await birth.getAttribute('placeholder')).toBe('DD.MM.YYYY');
    await birth.fill('1984-03-15');
    await birth.blur();
    expect(await birth.inputValue()).toBe('15.03.1984');
    await birth.fill('15.3.1984');
    await birth.blur();
    expect(await birth.inputValue()).toBe('15.03.1984');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
