// Browser test in real Chromium: an administrator sets a clinician's weekly sessions, adds a room (a duplicate refused beside its field) and creates a calendar feed shown once.
import type { Browser, Page } from 'playwright-core';
import type { Clinic, Clinician, ClinicianAvailability, Room } from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { startTestServer } from '../support/test-server';
import { fixtures } from '../support/fixtures';
import { api } from '../support/http';
import { DEMO_LOGINS } from '../support/test-accounts';
import { signInThroughPage } from './dashboard-sign-in';

jest.setTimeout(180_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('scheduling setup in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let clinic: Clinic;
  let clinician: Clinician;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });

    // A clinician of our own with one known session, so the editor starts from a fixed state.
    const admin = api(server.baseUrl);
    clinic = (await admin.get<Clinic[]>('/api/clinics')).body[0];
    clinician = await fixtures(server.baseUrl).clinicianWithSessions(clinic.id, 'Sam Setup (test)', [
      { weekday: 1, start: '08:00', end: '12:00' },
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The weekly rows as the editor shows them: [weekday, start, end]. */
  async function weeklyRows(): Promise<[string, string, string][]> {
    return page
      .locator('[data-testid="weekly-row"]')
      .evaluateAll((rows) =>
        rows.map(
          (row) =>
            [
              (row.querySelector('[data-testid="weekly-weekday"]') as HTMLSelectElement).value,
              (row.querySelector('[data-testid="weekly-start"]') as HTMLInputElement).value,
              (row.querySelector('[data-testid="weekly-end"]') as HTMLInputElement).value,
            ] as [string, string, string],
        ),
      );
  }

  it('adds a Saturday session in the availability editor and keeps it after a reload', async () => {
    await page.goto(`${server.baseUrl}/scheduler?clinic=${clinic.id}`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signInThroughPage(page, DEMO_LOGINS.admin);
    await page.waitForURL((url) => url.pathname === '/scheduler');
    await page.locator(`[data-testid="clinician-availability-link"][data-clinician-id="${clinician.id}"]`).click();
    await page.waitForURL((url) => url.pathname === `/scheduler/clinicians/${clinician.id}`);

    const form = page.locator('[data-testid="availability-form"]');
    await form.waitFor();
    expect(await weeklyRows()).toEqual([['1', '08:00', '12:00']]);

    // An end before the start is refused beside the end field, nothing sent.
    await form.locator('[data-testid="add-weekly"]').click();
    const added = form.locator('[data-testid="weekly-row"]').nth(1);
    await added.locator('[data-testid="weekly-weekday"]').selectOption('6');
    await added.locator('[data-testid="weekly-start"]').fill('11:00');
    await added.locator('[data-testid="weekly-end"]').fill('09:00');
    await form.locator('[data-testid="save-availability"]').click();
    expect(await form.locator('[data-testid="error-weekly.1.end"]').innerText()).toBe('must be after start');

    await added.locator('[data-testid="weekly-start"]').fill('09:00');
    await added.locator('[data-testid="weekly-end"]').fill('11:00');
    await form.locator('[data-testid="save-availability"]').click();
    await page.locator('[data-testid="availability-saved"]').waitFor();
    expect(await form.locator('.field__error').count()).toBe(0);

    await page.reload();
    await page.locator('[data-testid="availability-form"]').waitFor();
    expect(await weeklyRows()).toEqual([
      ['1', '08:00', '12:00'],
      ['6', '09:00', '11:00'],
    ]);

    const stored = (await api(server.baseUrl).get<ClinicianAvailability>(`/api/clinicians/${clinician.id}/availability`)).body;
    expect(stored.weekly).toEqual([
      { weekday: 1, start: '08:00', end: '12:00' },
      { weekday: 6, start: '09:00', end: '11:00' },
    ]);
    expect(stored.overrides).toEqual([]);
  });

  it('adds a room and lists it; the same name again is refused beside the name field', async () => {
    await page.goto(`${server.baseUrl}/scheduler?clinic=${clinic.id}`);
    const setup = page.locator('[data-testid="clinic-setup"]');
    await setup.locator('[data-testid="add-room-form"]').waitFor();

    const form = setup.locator('[data-testid="add-room-form"]');
    await form.locator('[data-testid="room-name"]').fill('Refill room B');
    await form.locator('[data-testid="submit-room"]').click();
    await setup.locator('[data-testid="room-row"]', { hasText: 'Refill room B' }).waitFor();
    expect(await form.locator('[data-testid="room-name"]').inputValue()).toBe('');

    await form.locator('[data-testid="room-name"]').fill('Refill room B');
    await form.locator('[data-testid="submit-room"]').click();
    expect(await form.locator('[data-testid="error-name"]').innerText()).toBe('is already the name of a room of this clinic');

    const rooms = (await api(server.baseUrl).get<Room[]>(`/api/rooms?clinicId=${clinic.id}`)).body;
    expect(rooms.filter((r) => r.name === 'Refill room B')).toHaveLength(1);
  });

  it('creates a calendar feed whose link is shown once and works, then revokes it', async () => {
    await page.locator('[data-testid="nav-admin-calendar-feeds"]').click();
    await page.waitForURL((url) => url.pathname === '/admin/calendar-feeds');
    const form = page.locator('[data-testid="create-feed-form"]');
    await form.waitFor();
    await form.locator('[data-testid="feed-clinician"]').selectOption(clinician.id);
    await form.locator('[data-testid="feed-name"]').fill("Sam's phone");
    await form.locator('[data-testid="submit-feed"]').click();

    const shown = page.locator('[data-testid="new-feed-url"]');
    await shown.waitFor();
    expect(await shown.innerText()).toContain('shown only this once');
    const url = await shown.locator('[data-testid="new-feed-value"]').inputValue();
    expect(url.startsWith(`${server.baseUrl}/api/calendar.ics?token=`)).toBe(true);
    expect((await fetch(url)).status).toBe(200);

    const row = page.locator('[data-testid="feed-row"]', { hasText: "Sam's phone" });
    await row.waitFor();
    expect(await row.innerText()).toContain('Sam Setup (test)');
    await row.locator('[data-testid="revoke-feed"]').click();
    await row.locator('[data-testid="confirm-revoke-feed"]').click();
    await page.locator('[data-testid="feed-row"][data-revoked="true"]', { hasText: "Sam's phone" }).waitFor();
    expect((await fetch(url)).status).toBe(404);
  });
});
