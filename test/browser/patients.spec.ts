// Browser test in real Chromium: the patients screens (issue 16) — the list and its filter, adding a patient, editing one and seeing the
// result, a patient's active and explanted pumps, the pump page's links to its patient and to booking its refill, the screens hidden for a
// role without the permission, and no sideways scroll on a 390 px phone; screenshots of each screen at 1440x900 and 390x844.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Clinic, FleetPump, Patient, Pump } from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { startTestServer } from '../support/test-server';
import { api } from '../support/http';
import { SCREENS } from '../support/screens';
import { DEMO_LOGINS } from '../support/test-accounts';
import { signInThroughPage } from './dashboard-sign-in';

jest.setTimeout(240_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;

const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

describe('patients screens in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let clinic: Clinic;
  let demoPump: FleetPump;
  let addedPatientId: string;

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchChromium()]);
    clinic = (await api(server.baseUrl).get<Clinic[]>('/api/clinics')).body[0];
    demoPump = (await api(server.baseUrl).get<FleetPump[]>(`/api/pumps?clinicId=${clinic.id}`)).body[0];
    page = await browser.newPage({ viewport: DESK });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Screenshots at the desk and the phone size, proving the phone one does not scroll sideways; back to the desk size after. */
  async function shoot(name: string, ready: string): Promise<void> {
    await page.locator(ready).first().waitFor();
    await page.screenshot({ path: `${SCREENS}/i16-patients-${name}-1440.png` });
    await page.setViewportSize(PHONE);
    await page.locator(ready).first().waitFor();
    await page.screenshot({ path: `${SCREENS}/i16-patients-${name}-390.png` });
    // The widest elements are named when the page is too wide, to find the culprit at once.
    const wide = await page.evaluate(
      (width) =>
        [...document.querySelectorAll('main *')]
          .filter((el) => el.getBoundingClientRect().right > width + 1)
          .slice(-5)
          .map((el) => `${el.tagName}.${el.className}`),
      PHONE.width,
    );
    expect([name, await page.evaluate(() => document.documentElement.scrollWidth), wide]).toEqual([name, expect.any(Number), []]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.setViewportSize(DESK);
  }

  async function signOut(): Promise<void> {
    await page.locator('[data-testid="sign-out"]').click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
  }

  it('lists the patients from the nav link and filters them by name or MRN', async () => {
    await page.goto(`${server.baseUrl}/`);
    await signInThroughPage(page, DEMO_LOGINS.clinician);
    await page.locator('[data-testid="nav-patients"]').click();
    await page.waitForURL((url) => url.pathname === '/patients');
    const rows = page.locator('[data-testid="patient-row"]');
    await rows.first().waitFor();
    const all = await rows.count();
    expect(all).toBeGreaterThan(5);
    await shoot('list', '[data-testid="patient-row"]');

    await page.locator('[data-testid="patients-filter"]').fill(demoPump.patient.mrn.toLowerCase());
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="patient-row"]').length === 1);
    expect(await rows.first().getAttribute('data-patient-id')).toBe(demoPump.patient.id);
    expect(await page.locator('[data-testid="patients-count"]').innerText()).toContain(
      `1 patient matching “${demoPump.patient.mrn.toLowerCase()}”`,
    );
    expect(new URL(page.url()).searchParams.get('q')).toBe(demoPump.patient.mrn.toLowerCase());

    await page.locator('[data-testid="patients-filter"]').fill('no such patient anywhere');
    await page.locator('text=No patient matches this name or MRN.').waitFor();
  });

  it('adds a patient: refused fields are named beside them, then the patient page shows what was recorded', async () => {
    await page.goto(`${server.baseUrl}/patients`);
    await page.locator('[data-testid="add-patient"]').click();
    await page.waitForURL((url) => url.pathname === '/patients/new');
    const form = page.locator('[data-testid="patient-form"]');
    await form.locator('[data-testid="submit-patient"]').click();
    expect(await form.locator('[data-testid="error-displayName"]').innerText()).not.toBe('');
    expect(await form.locator('[data-testid="error-mrn"]').innerText()).not.toBe('');
    expect(await form.locator('[data-testid="error-birthDate"]').innerText()).not.toBe('');
    await shoot('add-errors', '[data-testid="error-displayName"]');

    await form.locator('[data-field="displayName"] input').fill('Élodie Testard');
    // The MRN of a patient already in the clinic: the API's 409 lands beside the MRN field.
    await form.locator('[data-field="mrn"] input').fill(demoPump.patient.mrn);
    await form.locator('[data-field="birthDate"] input').fill('1984-03-15');
    await form.locator('[data-field="sex"] select').selectOption('female');
    await form.locator('[data-field="weightKg"] input').fill('58');
    await form.locator('[data-field="heightCm"] input').fill('165');
    await form.locator('[data-field="spasticityOrigin"] select').selectOption('spinal');
    await form.locator('[data-testid="risk-previousWithdrawal"]').selectOption('yes');
    await form.locator('[data-testid="risk-communicationDifficulty"]').selectOption('no');
    await form.locator('[data-testid="submit-patient"]').click();
    await form.locator('[data-testid="error-mrn"]', { hasText: 'is already used by another patient of this clinic' }).waitFor();

    await form.locator('[data-field="mrn"] input').fill('I16-NEW-1');
    await form.locator('[data-testid="submit-patient"]').click();
    await page.waitForURL((url) => /^\/patients\/[0-9a-f-]{36}$/.test(url.pathname));
    addedPatientId = page.url().split('/patients/')[1];
    await page.locator('[data-testid="patient-saved"]').waitFor();
    expect(await page.locator('#patient-title').innerText()).toContain('Élodie Testard');
    expect(await page.locator('[data-testid="patient-risk-factors"]').innerText()).toContain('Previous withdrawal');
    expect(await page.locator('[data-testid="patient-weight"]').innerText()).toBe('58.0 kg');
    expect(await page.locator('[data-testid="patient-origin"]').innerText()).toBe('spinal');
    expect(await page.locator('[data-testid="patient-communicationDifficulty"]').innerText()).toBe('no');
    expect(await page.locator('[data-testid="patient-spinalCordInjuryT6OrAbove"]').innerText()).toBe('not recorded');
    await page.locator('[data-testid="patient-pumps"]').locator('text=No pump registered for this patient.').waitFor();
    const stored = (await api(server.baseUrl).get<Patient>(`/api/patients/${addedPatientId}`)).body;
    expect(stored).toMatchObject({
      mrn: 'I16-NEW-1',
      weightKg: 58,
      heightCm: 165,
      previousWithdrawal: true,
      communicationDifficulty: false,
      spinalCordInjuryT6OrAbove: null,
    });
  });

  it('edits the patient and shows the result; only the changed fields are sent', async () => {
    await page.goto(`${server.baseUrl}/patients/${addedPatientId}`);
    await page.locator('[data-testid="edit-patient"]').click();
    await page.waitForURL((url) => url.pathname === `/patients/${addedPatientId}/edit`);
    const form = page.locator('[data-testid="patient-form"]');
    await form.locator('[data-field="weightKg"] input').fill('500');
    await form.locator('[data-testid="submit-patient"]').click();
    expect(await form.locator('[data-testid="error-weightKg"]').innerText()).toBe('must be at most 400');
    await shoot('edit', '[data-testid="patient-form"]');

    const sent: unknown[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PATCH') sent.push(r.postDataJSON());
    });
    await form.locator('[data-field="displayName"] input').fill('Élodie Testard-Roux');
    await form.locator('[data-field="weightKg"] input').fill('60.5');
    await form.locator('[data-field="heightCm"] input').fill('');
    await form.locator('[data-testid="risk-spinalCordInjuryT6OrAbove"]').selectOption('yes');
    await form.locator('[data-testid="submit-patient"]').click();
    await page.waitForURL((url) => url.pathname === `/patients/${addedPatientId}`);
    await page.locator('[data-testid="patient-saved"]').waitFor();
    expect(sent).toEqual([{ displayName: 'Élodie Testard-Roux', weightKg: 60.5, heightCm: null, spinalCordInjuryT6OrAbove: true }]);
    expect(await page.locator('#patient-title').innerText()).toContain('Élodie Testard-Roux');
    expect(await page.locator('[data-testid="patient-weight"]').innerText()).toBe('60.5 kg');
    expect(await page.locator('[data-testid="patient-height"]').innerText()).toBe('not recorded');
    expect(await page.locator('[data-testid="patient-risk-factors"]').innerText()).toContain('SCI T6 or above');

    await page.goto(`${server.baseUrl}/patients?q=testard`);
    await page.locator(`[data-testid="patient-row"][data-patient-id="${addedPatientId}"]`).waitFor();
    expect(await page.locator('[data-testid="patient-row"]').count()).toBe(1);
  });

  it("shows the patient's active pump with its deadline and the explanted one it replaced", async () => {
    const http = api(server.baseUrl);
    const old = (
      await http.post<Pump>('/api/pumps', {
        patientId: addedPatientId,
        modelId: 'synchromed-ii-20',
        serialNumber: 'I16-OLD-1',
        implantDate: '2024-02-01',
      })
    ).body;
    const active = (
      await http.post<Pump>('/api/pumps', {
        patientId: addedPatientId,
        modelId: 'synchromed-ii-40',
        serialNumber: 'I16-NEW-2',
        implantDate: '2026-01-10',
        replacesPumpId: old.id,
        explantReason: 'replacement',
      })
    ).body;
    await page.goto(`${server.baseUrl}/patients/${addedPatientId}`);
    const pumps = page.locator('[data-testid="patient-pump"]');
    await pumps.nth(1).waitFor();
    expect([await pumps.nth(0).getAttribute('data-pump-id'), await pumps.nth(0).getAttribute('data-active')]).toEqual([active.id, 'true']);
    expect([await pumps.nth(1).getAttribute('data-pump-id'), await pumps.nth(1).getAttribute('data-active')]).toEqual([old.id, 'false']);
    expect(await pumps.nth(1).innerText()).toContain('(replaced)');
    await pumps.nth(0).locator('[data-testid="urgency-badge"]').waitFor();
    await shoot('page', '[data-testid="patient-pump"]');
  });

  it('goes from a pump page to its patient in one click, and to booking its refill in one more', async () => {
    await page.goto(`${server.baseUrl}/pumps/${demoPump.pump.id}`);
    await page.locator('[data-testid="pump-patient-link"]').click();
    await page.waitForURL((url) => url.pathname === `/patients/${demoPump.patient.id}`);
    const own = page.locator(`[data-testid="patient-pump"][data-pump-id="${demoPump.pump.id}"]`);
    await own.waitFor();
    expect(await own.getAttribute('data-active')).toBe('true');
    // Dates and times on screen are the clinic's, with its zone abbreviation (CET or CEST for Europe/Paris), never a zone name.
    expect(await page.locator('[data-testid="patient-details"]').innerText()).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d CES?T/);

    await page.goto(`${server.baseUrl}/pumps/${demoPump.pump.id}`);
    const book = page.locator('[data-testid="pump-book-refill"]');
    await book.click();
    await page.waitForURL((url) => url.pathname === '/scheduler');
    const url = new URL(page.url());
    expect([url.searchParams.get('clinic'), url.searchParams.get('pump')]).toEqual([demoPump.pump.clinicId, demoPump.pump.id]);
    await page.locator('[data-testid="needs-booking"]').waitFor();
    await signOut();
  });

  it('hides adding, editing and booking from staff, who still read the list and the patient', async () => {
    await page.goto(`${server.baseUrl}/patients`);
    await signInThroughPage(page, DEMO_LOGINS.staff);
    await page.locator('[data-testid="patient-row"]').first().waitFor();
    expect(await page.locator('[data-testid="nav-patients"]').count()).toBe(1);
    expect(await page.locator('[data-testid="add-patient"]').count()).toBe(0);

    await page.goto(`${server.baseUrl}/patients/${demoPump.patient.id}`);
    await page.locator('[data-testid="patient-pump"]').first().waitFor();
    expect(await page.locator('[data-testid="edit-patient"]').count()).toBe(0);
    expect(await page.locator('[data-testid="patient-pump-book-refill"]').count()).toBe(0);

    await page.goto(`${server.baseUrl}/pumps/${demoPump.pump.id}`);
    await page.locator('[data-testid="pump-patient-link"]').waitFor();
    expect(await page.locator('[data-testid="pump-book-refill"]').count()).toBe(0);

    for (const path of ['/patients/new', `/patients/${addedPatientId}/edit`]) {
      await page.goto(`${server.baseUrl}${path}`);
      await page.locator('[data-testid="not-allowed"]').waitFor();
      expect(await page.locator('[data-testid="patient-form"]').count()).toBe(0);
    }
    await signOut();
  });

  it('lets the scheduler book from the patient page but not add or edit a patient', async () => {
    await page.goto(`${server.baseUrl}/patients/${demoPump.patient.id}`);
    await signInThroughPage(page, DEMO_LOGINS.scheduler);
    await page.locator('[data-testid="patient-pump-book-refill"]').waitFor();
    expect(await page.locator('[data-testid="edit-patient"]').count()).toBe(0);
    await page.goto(`${server.baseUrl}/patients`);
    await page.locator('[data-testid="patient-row"]').first().waitFor();
    expect(await page.locator('[data-testid="add-patient"]').count()).toBe(0);
    await signOut();
  });
});
