// Browser test in real Chromium: a scheduler books a pump's earliest good refill slot from "needs booking" and sees it on the week calendar and the fleet page.
import type { Browser, Page } from 'playwright-core';
import { DAY_MS } from '@pumpwatch/shared';
import type { AppointmentResponse, Clinic, Clinician, FleetPump, RefillSlotsResponse } from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { startTestServer } from '../support/test-server';
import { fixtures } from '../support/fixtures';
import { api } from '../support/http';
import { DEMO_LOGINS } from '../support/test-accounts';
import { SCREENS } from '../support/screens';
import { signInThroughPage } from './dashboard-sign-in';

jest.setTimeout(180_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** `YYYY-MM-DD` of an instant in a zone (what the calendar's day columns are). */
function localDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

function mondayOf(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  const isoWeekday = ((new Date(ms).getUTCDay() + 6) % 7) + 1;
  return new Date(ms - (isoWeekday - 1) * DAY_MS).toISOString().slice(0, 10);
}

describe('refill scheduler in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let clinic: Clinic;
  let clinician: Clinician;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1600, height: 1100 } });

    // The demo clinic gets one nurse who refills every day 08:00-18:00 in the clinic's zone, so every pump has slots.
    const admin = api(server.baseUrl);
    clinic = (await admin.get<Clinic[]>('/api/clinics')).body[0];
    const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
    clinician = await fixtures(server.baseUrl).clinicianWithSessions(clinic.id, 'Nora Nurse (test)', everyDay);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('books the earliest good slot from the "needs booking" list and shows it on the calendar', async () => {
    const admin = api(server.baseUrl);
    const fleet = (await admin.get<FleetPump[]>('/api/pumps')).body;
    // A pump due in 10-40 days: its earliest good slot is on time, before the deadline minus the 7-day margin.
    const target = fleet.find(
      (f) => f.clinic.id === clinic.id && f.status === 'ok' && f.daysLeft !== null && f.daysLeft > 10 && f.daysLeft < 40,
    )!;
    expect(target).toBeDefined();
    const expected = (await admin.get<RefillSlotsResponse>(`/api/pumps/${target.pump.id}/refill-slots?limit=1`)).body.slots[0];
    expect(expected).toMatchObject({ clinicianId: clinician.id, timing: 'on_time' });

    await page.goto(`${server.baseUrl}/scheduler`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signInThroughPage(page, DEMO_LOGINS.scheduler);
    await page.waitForURL((url) => url.pathname === '/scheduler');
    await page.locator('[data-testid="scheduler-page"]').waitFor();
    expect(await page.locator('[data-testid="nav-scheduler"]').count()).toBe(1);

    const row = page.locator(`[data-testid="needs-booking-row"][data-pump-id="${target.pump.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    // The list is ordered by deadline, earliest first.
    const listed = await page
      .locator('[data-testid="needs-booking-row"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-pump-id')));
    const byId = new Map(fleet.map((f) => [f.pump.id, f]));
    const ms = listed.map((id) => Date.parse(byId.get(id!)!.refillDeadline!));
    for (let i = 1; i < ms.length; i++) expect(ms[i]).toBeGreaterThanOrEqual(ms[i - 1]);

    const button = row.locator('[data-testid="book-earliest"]');
    expect(await button.innerText()).toContain('Book earliest good slot');
    await button.click();

    const block = page.locator(`[data-testid="calendar-appointment"][data-pump-id="${target.pump.id}"]`);
    await block.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await block.getAttribute('data-status')).toBe('booked');
    expect(await block.getAttribute('data-timing')).toBe('on_time');
    expect(await block.innerText()).toContain(target.patient.displayName);
    expect(await page.locator('[data-testid="scheduler-flash"]').innerText()).toContain(target.patient.displayName);
    // Who booked it, as colleagues know them: the demo scheduler's name, never the account e-mail.
    expect(await block.locator('[data-testid="appointment-booked-by"]').innerText()).toBe('booked by Sam Scheduler (demo)');
    expect(await block.innerText()).not.toContain(DEMO_LOGINS.scheduler.email);
    for (const [name, viewport] of [
      ['1440', { width: 1440, height: 900 }],
      ['390', { width: 390, height: 844 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await block.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENS}/names-calendar-${name}.png` });
    }
    await page.setViewportSize({ width: 1600, height: 1100 });

    // On the calendar: the nurse's row, the slot's local day in the clinic's zone, that day's week.
    const day = localDate(expected.startsAt, clinic.timeZone);
    expect(await page.locator('[data-testid="calendar-week"]').getAttribute('data-monday')).toBe(mondayOf(day));
    const cell = await block.evaluate((el) => ({
      date: el.closest('td')?.getAttribute('data-date'),
      clinicianId: el.closest('tr')?.getAttribute('data-clinician-id'),
    }));
    expect(cell).toEqual({ date: day, clinicianId: clinician.id });

    // Booked exactly the slot the API ranked first, and the pump left the "needs booking" list.
    const booked = (await admin.get<AppointmentResponse[]>(`/api/appointments?clinicId=${clinic.id}&status=booked`)).body.filter(
      (a) => a.pumpId === target.pump.id,
    );
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({ clinicianId: clinician.id, startsAt: expected.startsAt, status: 'booked', timing: 'on_time' });
    expect(await block.getAttribute('data-appointment-id')).toBe(booked[0].id);
    await row.waitFor({ state: 'detached', timeout: 5_000 });
  });

  it('shows the booked date beside the deadline on the fleet page', async () => {
    const admin = api(server.baseUrl);
    const booked = (await admin.get<AppointmentResponse[]>(`/api/appointments?clinicId=${clinic.id}&status=booked`)).body;
    expect(booked).toHaveLength(1);

    await page.locator('[data-testid="nav-fleet"]').click();
    const cell = page.locator(`[data-testid="fleet-row"][data-pump-id="${booked[0].pumpId}"] [data-testid="fleet-booking"]`);
    await cell.waitFor({ timeout: 10_000 });
    expect(await cell.getAttribute('data-booked')).toBe('true');
    expect(await cell.innerText()).toMatch(/^Booked \d{4}-\d{2}-\d{2} \d{2}:\d{2} CES?T/);
  });

  it('books an overdue pump only with an override reason, and shows it in red with words', async () => {
    const admin = api(server.baseUrl);
    // The demo is a normal day with no overdue pump: a low-dose pump whose drug passed its 180-day stability 10 days ago (plenty of
    // drug left, so no withdrawal risk that would make it an emergency rather than a booking).
    const f = fixtures(server.baseUrl);
    const patient = await f.patient(clinic.id);
    const created = await f.pump(patient.id, { implantDate: new Date(Date.now() - 400 * DAY_MS).toISOString().slice(0, 10) });
    const filledAtMs = Date.now() - 190 * DAY_MS;
    await f.program(created.id, {
      effectiveFrom: new Date(filledAtMs - 3_600_000).toISOString(),
      steps: [{ startTime: '00:00', doseMcgPerDay: 100 }],
    });
    await f.fill(created.id, { filledAt: new Date(filledAtMs).toISOString(), concentrationMcgPerMl: 2000, volumeMl: 20 });
    const fleet = (await admin.get<FleetPump[]>('/api/pumps')).body;
    const overdue = fleet.find(
      (item) => item.pump.id === created.id && item.status === 'ok' && item.daysLeft !== null && item.daysLeft < 0,
    )!;
    expect(overdue).toBeDefined();

    await page.locator('[data-testid="nav-scheduler"]').click();
    const row = page.locator(`[data-testid="needs-booking-row"][data-pump-id="${overdue.pump.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.locator('[data-testid="book-earliest"]').click();

    // The earliest slot is after the deadline: nothing is booked until a reason is given.
    const error = row.locator('[data-testid="book-error"]');
    await error.waitFor();
    expect(await error.innerText()).toContain('AFTER THE REFILL DEADLINE');
    expect(
      (await admin.get<AppointmentResponse[]>(`/api/appointments?clinicId=${clinic.id}&status=booked`)).body.some(
        (a) => a.pumpId === overdue.pump.id,
      ),
    ).toBe(false);

    await row.locator('[data-testid="override-reason"]').fill('Patient in hospital until Friday; earliest visit possible');
    await row.locator('[data-testid="override-submit"]').click();

    const block = page.locator(`[data-testid="calendar-appointment"][data-pump-id="${overdue.pump.id}"]`);
    await block.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await block.getAttribute('data-timing')).toBe('after_deadline');
    expect(await block.locator('[data-testid="timing-badge"]').innerText()).toContain('AFTER THE REFILL DEADLINE');
    expect(await block.innerText()).toContain('Patient in hospital until Friday');
  });

  it('reschedules by picking a free slot, then cancels, and the pump needs booking again', async () => {
    const admin = api(server.baseUrl);
    const before = (await admin.get<AppointmentResponse[]>(`/api/appointments?clinicId=${clinic.id}&status=booked`)).body;
    const appointment = before.find((a) => a.timing === 'on_time')!;
    const block = page.locator(`[data-testid="calendar-appointment"][data-appointment-id="${appointment.id}"]`);
    // Week by week to the appointment's week, as a person would.
    const monday = mondayOf(localDate(appointment.startsAt, clinic.timeZone));
    const week = page.locator('[data-testid="calendar-week"]');
    for (let i = 0; i < 12; i++) {
      const shown = (await week.getAttribute('data-monday'))!;
      if (shown === monday) break;
      await page.locator(shown < monday ? '[data-testid="calendar-next"]' : '[data-testid="calendar-previous"]').click();
    }
    expect(await week.getAttribute('data-monday')).toBe(monday);
    await block.waitFor({ state: 'visible', timeout: 10_000 });
    await block.locator('[data-testid="appointment-reschedule"]').click();
    await page.locator('[data-testid="reschedule-banner"]').waitFor();

    // An earlier free slot (still on time, before the booking deadline), picked with one click; the week before when none is left in this one.
    const freeSlots = page.locator(
      `[data-testid="calendar-clinician"][data-clinician-id="${clinician.id}"] [data-testid="calendar-free-slot"]`,
    );
    const earlierStarts = async () =>
      (await freeSlots.evaluateAll((els) => els.map((el) => el.getAttribute('data-starts-at')!))).filter(
        (at) => Date.parse(at) < Date.parse(appointment.startsAt),
      );
    let candidates = await earlierStarts();
    if (candidates.length === 0) {
      await page.locator('[data-testid="calendar-previous"]').click();
      await page.waitForFunction(
        ({ clinicianId, before }) =>
          [...document.querySelectorAll(`[data-clinician-id="${clinicianId}"] [data-testid="calendar-free-slot"]`)].some(
            (el) => Date.parse(el.getAttribute('data-starts-at') ?? '') < before,
          ),
        { clinicianId: clinician.id, before: Date.parse(appointment.startsAt) },
        { timeout: 10_000 },
      );
      candidates = await earlierStarts();
    }
    const startsAt = candidates[candidates.length - 1];
    expect(startsAt).toBeDefined();
    await page.locator(`[data-testid="calendar-free-slot"][data-starts-at="${startsAt}"] [data-testid="move-here"]`).first().click();
    await page.locator('[data-testid="reschedule-banner"]').waitFor({ state: 'detached', timeout: 10_000 });
    await page
      .locator(`[data-testid="calendar-appointment"][data-appointment-id="${appointment.id}"][data-starts-at="${startsAt}"]`)
      .waitFor({ timeout: 10_000 });
    const moved = (await admin.get<AppointmentResponse>(`/api/appointments/${appointment.id}`)).body;
    expect(moved).toMatchObject({ status: 'booked', startsAt });

    await block.locator('[data-testid="appointment-cancel"]').click();
    await block.locator('[data-testid="cancel-reason"]').fill('Patient asked to move to another clinic');
    await block.locator('[data-testid="cancel-confirm"]').click();
    await block.waitFor({ state: 'detached', timeout: 10_000 });
    expect((await admin.get<AppointmentResponse>(`/api/appointments/${appointment.id}`)).body.status).toBe('cancelled');
    await page.locator(`[data-testid="needs-booking-row"][data-pump-id="${appointment.pumpId}"]`).waitFor({ timeout: 10_000 });
  });

  it('previews a fleet refill plan with its totals and books the on-time proposals when confirmed', async () => {
    const admin = api(server.baseUrl);
    const bookedBefore = (await admin.get<AppointmentResponse[]>(`/api/appointments?clinicId=${clinic.id}&status=booked`)).body.length;
    const panel = page.locator('[data-testid="refill-plan"]');
    await panel.locator('[data-testid="plan-propose"]').click();
    await panel.locator('[data-testid="plan-proposal"]').waitFor({ timeout: 20_000 });
    const rows = panel.locator('[data-testid="plan-row"]');
    const placed = Number(await panel.locator('[data-testid="plan-placed"]').innerText());
    expect(placed).toBeGreaterThan(0);
    expect(await rows.count()).toBe(placed);
    const timings = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-timing')));
    const onTime = timings.filter((t) => t === 'on_time').length;
    expect(onTime).toBeGreaterThan(0);

    await panel.locator('[data-testid="plan-confirm"]').click();
    await panel.locator('[data-testid="plan-booked"]').waitFor({ timeout: 20_000 });
    expect(await panel.locator('[data-testid="plan-booked"]').innerText()).toBe(`Booked ${onTime} appointment${onTime === 1 ? '' : 's'}.`);
    const bookedAfter = (await admin.get<AppointmentResponse[]>(`/api/appointments?clinicId=${clinic.id}&status=booked`)).body.length;
    expect(bookedAfter).toBe(bookedBefore + onTime);
  });
});
