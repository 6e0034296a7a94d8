// Browser test in real Chromium (issue 16): the scheduler opened from a pump's "Book refill" link (?pump=) shows that pump's ranked slots;
// a scheduler books a slot that is not the first one, with a chosen clinician and room; a clinic closure added on the setup panel takes
// its day out of the slots; at 390 px the page does not scroll sideways. Screenshots: scheduler-1440.png, scheduler-390.png (SCREENS).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { AppointmentResponse, Clinic, Clinician, FleetPump, RefillSlotsResponse, Room } from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { startTestServer } from '../support/test-server';
import { fixtures } from '../support/fixtures';
import { api } from '../support/http';
import { SCREENS } from '../support/screens';
import { DEMO_LOGINS } from '../support/test-accounts';
import { signInThroughPage } from './dashboard-sign-in';

jest.setTimeout(240_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** `YYYY-MM-DD` of an instant in a zone. */
function localDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

describe('choosing a refill slot in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let clinic: Clinic;
  let nora: Clinician;
  let otto: Clinician;
  let room: Room;
  const admin = () => api(server.baseUrl);
  const bookedOf = async (pumpId: string) =>
    (await admin().get<AppointmentResponse[]>(`/api/appointments?clinicId=${clinic.id}&status=booked`)).body.filter(
      (a) => a.pumpId === pumpId,
    );
  /** Pumps of the demo clinic due in 10-40 days, none booked: their best slots are on time. */
  const duePumps = async () =>
    (await admin().get<FleetPump[]>('/api/pumps')).body.filter(
      (f) =>
        f.clinic.id === clinic.id &&
        f.status === 'ok' &&
        f.urgency !== 'delivery_interrupted' &&
        f.daysLeft !== null &&
        f.daysLeft > 10 &&
        f.daysLeft < 40 &&
        !f.nextAppointment,
    );

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    clinic = (await admin().get<Clinic[]>('/api/clinics')).body[0];
    // Two nurses: Nora every day 08:00-18:00, Otto weekday afternoons; and a room to book.
    const f = fixtures(server.baseUrl);
    nora = await f.clinicianWithSessions(
      clinic.id,
      'Nora Nurse (test)',
      [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' })),
    );
    otto = await f.clinicianWithSessions(
      clinic.id,
      'Otto Nurse (test)',
      [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '13:00', end: '17:00' })),
    );
    room = (await admin().post<Room>('/api/rooms', { clinicId: clinic.id, name: 'Refill room 2 (test)' })).body;

    await page.goto(`${server.baseUrl}/sign-in`);
    await signInThroughPage(page, DEMO_LOGINS.scheduler);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("opens with ?pump= showing that pump's ranked slots, and books the third one", async () => {
    const target = (await duePumps())[0];
    expect(target).toBeDefined();
    const ranked = (await admin().get<RefillSlotsResponse>(`/api/pumps/${target.pump.id}/refill-slots?limit=10`)).body.slots;
    expect(ranked.length).toBeGreaterThanOrEqual(3);

    // The link the pump page's "Book refill" opens.
    await page.goto(`${server.baseUrl}/scheduler?clinic=${clinic.id}&pump=${target.pump.id}`);
    const panel = page.locator(`[data-testid="pump-booking"][data-pump-id="${target.pump.id}"]`);
    await panel.waitFor({ timeout: 15_000 });
    const options = panel.locator('[data-testid="slot-option"]');
    await options.first().waitFor({ timeout: 10_000 });
    expect(await panel.locator('h2').innerText()).toBe(`Book the refill of ${target.patient.displayName}`);
    // Shown in the API's order, each with its clinician, its time in the clinic's zone with the abbreviation, and why it ranks there.
    const shown = await options.evaluateAll((els) => els.map((el) => el.getAttribute('data-starts-at')));
    expect(shown).toEqual(ranked.map((s) => s.startsAt));
    const first = await options.first().innerText();
    expect(first).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} CES?T/);
    expect(first).toContain('before the booking deadline');
    expect(first).toContain(ranked[0].clinicianName);
    expect(first).toContain('on time');

    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: path.join(SCREENS, 'scheduler-1440.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    // The phone: no sideways scroll, the widest elements named if there is.
    const phone = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      wide: [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > 391 && !el.closest('.table-wrap'))
        .slice(0, 5)
        .map((el) => `${el.tagName}.${el.className}`),
    }));
    expect(phone).toEqual({ scrollWidth: 390, wide: [] });
    await page.screenshot({ path: path.join(SCREENS, 'scheduler-390.png') });
    await page.locator('[data-testid="needs-booking"]').screenshot({ path: path.join(SCREENS, 'scheduler-390-needs-booking.png') });
    await page.locator('[data-testid="calendar"]').screenshot({ path: path.join(SCREENS, 'scheduler-390-calendar.png') });
    await page.setViewportSize({ width: 1440, height: 900 });

    const third = ranked[2];
    await options.nth(2).locator('[data-testid="slot-book"]').click();
    await panel.locator('[data-testid="pump-booking-booked"]').waitFor({ timeout: 10_000 });
    const booked = await bookedOf(target.pump.id);
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({ startsAt: third.startsAt, clinicianId: third.clinicianId, status: 'booked', timing: third.timing });
    // On the week calendar, highlighted.
    const block = page.locator(`[data-testid="calendar-appointment"][data-appointment-id="${booked[0].id}"]`);
    await block.waitFor({ state: 'visible', timeout: 10_000 });
  });

  it('chooses a clinician and a room in a needs-booking row\'s picker and books its second slot; "Book earliest good slot" stays first', async () => {
    await page.goto(`${server.baseUrl}/scheduler?clinic=${clinic.id}`);
    const target = (await duePumps())[0];
    const row = page.locator(`[data-testid="needs-booking-row"][data-pump-id="${target.pump.id}"]`);
    await row.waitFor({ timeout: 15_000 });
    const buttons = await row.locator('button').evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')));
    expect(buttons.slice(0, 2)).toEqual(['book-earliest', 'choose-slot']);
    await row.locator('[data-testid="choose-slot"]').click();
    const picker = page.locator(`[data-testid="needs-booking-picker"][data-pump-id="${target.pump.id}"]`);
    await picker.locator('[data-testid="slot-option"]').first().waitFor({ timeout: 10_000 });

    await picker.locator('[data-testid="slot-clinician-filter"]').selectOption(otto.id);
    await picker.locator(`[data-testid="slot-option"][data-clinician-id="${otto.id}"]`).first().waitFor({ timeout: 10_000 });
    await page.waitForFunction(
      (id) =>
        [...document.querySelectorAll('[data-testid="needs-booking-picker"] [data-testid="slot-option"]')].every(
          (el) => el.getAttribute('data-clinician-id') === id,
        ),
      otto.id,
      { timeout: 10_000 },
    );
    const ottoSlots = (await admin().get<RefillSlotsResponse>(`/api/pumps/${target.pump.id}/refill-slots?clinicianId=${otto.id}&limit=10`))
      .body.slots;
    await picker.locator('[data-testid="slot-room"]').selectOption(room.id);
    const second = picker.locator('[data-testid="slot-option"]').nth(1);
    expect(await second.getAttribute('data-starts-at')).toBe(ottoSlots[1].startsAt);
    expect(await second.innerText()).toContain('Otto Nurse (test)');
    await second.locator('[data-testid="slot-book"]').click();
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    const booked = await bookedOf(target.pump.id);
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({ startsAt: ottoSlots[1].startsAt, clinicianId: otto.id, roomId: room.id });
    expect(await page.locator('[data-testid="scheduler-flash"]').innerText()).toContain('Otto Nurse (test)');
    // Nora is the first choice otherwise; unused here.
    expect(nora.id).not.toBe(otto.id);
  });

  it("adds a closure on the setup panel, shows it in the reader's date format, and the picker offers no slot that day", async () => {
    const target = (await duePumps())[0];
    const best = (await admin().get<RefillSlotsResponse>(`/api/pumps/${target.pump.id}/refill-slots?limit=1`)).body.slots[0];
    const day = localDate(best.startsAt, clinic.timeZone);

    await page.goto(`${server.baseUrl}/scheduler?clinic=${clinic.id}`);
    const form = page.locator('[data-testid="add-closure-form"]');
    await form.waitFor({ timeout: 15_000 });
    await form.locator('[data-testid="closure-start"]').fill(day);
    await form.locator('[data-testid="closure-label"]').fill('Staff training day');
    await form.locator('[data-testid="submit-closure"]').click();
    const listed = page.locator(`[data-testid="closure-row"][data-start-date="${day}"]`);
    await listed.waitFor({ timeout: 10_000 });
    const expectedDate = await page.evaluate(
      (d) =>
        new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(
          new Date(`${d}T12:00:00Z`),
        ),
      day,
    );
    expect(await listed.innerText()).toContain(`Staff training day — ${expectedDate}`);
    await page.locator('[data-testid="clinic-setup"]').screenshot({ path: path.join(SCREENS, 'scheduler-1440-closures.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    await page.locator('[data-testid="clinic-setup"]').screenshot({ path: path.join(SCREENS, 'scheduler-390-closures.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    const closures = (await admin().get<{ startDate: string; endDate: string; label: string }[]>(`/api/clinics/${clinic.id}/closures`))
      .body;
    expect(closures).toEqual([expect.objectContaining({ startDate: day, endDate: day, label: 'Staff training day' })]);

    const row = page.locator(`[data-testid="needs-booking-row"][data-pump-id="${target.pump.id}"]`);
    await row.locator('[data-testid="choose-slot"]').click();
    const options = page.locator(`[data-testid="needs-booking-picker"][data-pump-id="${target.pump.id}"] [data-testid="slot-option"]`);
    await options.first().waitFor({ timeout: 10_000 });
    const starts = await options.evaluateAll((els) => els.map((el) => el.getAttribute('data-starts-at')!));
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.filter((s) => localDate(s, clinic.timeZone) === day)).toEqual([]);
    expect(starts[0]).not.toBe(best.startsAt);
  });
});
