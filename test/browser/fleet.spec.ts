// Browser test in real Chromium: the fleet page lists the demo pumps most dangerous first with the reasons, follows API changes live
// without a reload, filters (text, urgency chips) and sorts; the pump page's forecast chart is dated and its markers never overlap.
import type { Browser, Page } from 'playwright-core';
import { compareByUrgency, fleetRowMatchesQuery, foldForSearch } from '@pumpwatch/shared';
import type {
  ApiErrorBody,
  AppointmentResponse,
  Clinic,
  FleetPump,
  Fill,
  Program,
  PumpDetail,
  RefillSlotsResponse,
  Urgency,
} from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { startTestServer } from '../support/test-server';
import { adminToken } from '../support/http';
import { fixtures, queryRows } from '../support/fixtures';
import { TEST_ADMIN } from '../support/test-accounts';
import { signInThroughPage } from './dashboard-sign-in';
import { SCREENS } from '../support/screens';

jest.setTimeout(180_000);

/** Every urgency in words (a pump without a forecast past 24 h ranks with the critical ones: see compareByUrgency). */
const URGENCY_TEXT: Record<Urgency, string> = {
  delivery_interrupted: 'WITHDRAWAL RISK',
  no_forecast: 'NO FORECAST',
  overdue: 'OVERDUE',
  critical: 'CRITICAL',
  urgent: 'URGENT',
  warning: 'DUE SOON',
  ok: 'OK',
};
/** The issue asks for the motor-stall row on top "within 2 s" of the reading. */
const MOTOR_STALL_LIMIT_MS = 2_000;
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/** The issue asks for "within a second"; the margin absorbs a loaded CI machine. */
const LIVE_LIMIT_MS = 2_500;

type Server = Awaited<ReturnType<typeof startTestServer>>;
type MarkedWindow = { __pumpwatchMarker?: string };

async function apiJson<T>(baseUrl: string, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
  // The test's own API calls go as the test administrator with a bearer token, beside the browser's session.
  const authorization = `Bearer ${await adminToken(baseUrl)}`;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? { authorization } : { authorization, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as unknown;
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status}: ${JSON.stringify(json as ApiErrorBody)}`);
  return json as T;
}

function nowIso(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

describe('fleet dashboard in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let mainFrameNavigations = 0;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) mainFrameNavigations++;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function rowText(pumpId: string, testId: string): Promise<string> {
    return (await page.locator(`[data-testid="fleet-row"][data-pump-id="${pumpId}"] [data-testid="${testId}"]`).innerText()).trim();
  }

  it('lists every demo pump, most urgent first, with urgency in words and a live connection', async () => {
    const fleet = await apiJson<FleetPump[]>(server.baseUrl, 'GET', '/api/pumps');
    expect(fleet.length).toBeGreaterThanOrEqual(30);

    await page.goto(`${server.baseUrl}/`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signInThroughPage(page, TEST_ADMIN);
    await page
      .locator('[data-testid="fleet-row"]')
      .nth(fleet.length - 1)
      .waitFor();
    const rows = page.locator('[data-testid="fleet-row"]');
    expect(await rows.count()).toBe(fleet.length);

    // Server order, which is by urgency (delivery interrupted, overdue, critical and long without forecast, ...), then by deadline.
    const ids = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-pump-id')));
    expect(ids).toEqual(fleet.map((f) => f.pump.id));
    const nowMs = Date.now();
    for (let i = 1; i < fleet.length; i++) expect(compareByUrgency(fleet[i - 1], fleet[i], nowMs)).toBeLessThanOrEqual(0);

    // Never colour alone: every badge says its urgency in words; every pump not OK says why under its badge.
    const shown = await rows.evaluateAll((els) =>
      els.map((el) => ({
        urgency: el.getAttribute('data-urgency'),
        badge: el.querySelector('[data-testid="urgency-badge"]')?.textContent ?? '',
        reasons: el.querySelectorAll('[data-testid="urgency-reasons"] li').length,
      })),
    );
    expect(shown).toHaveLength(fleet.length);
    for (const row of shown) {
      expect(row.badge).toContain(URGENCY_TEXT[row.urgency as Urgency]);
      if (row.urgency !== 'ok') expect(row.reasons).toBeGreaterThan(0);
    }

    // Days left are exact ("12.3 d" / "overdue 2.1 d") for every pump with a forecast.
    const withForecast = fleet.find((f) => f.status === 'ok')!;
    expect(await rowText(withForecast.pump.id, 'fleet-days-left')).toMatch(/^(overdue )?\d+\.\d d$/);

    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 10_000 });
  });

  it('shows a fill recorded through the API on the open fleet page without a reload', async () => {
    const fleet = await apiJson<FleetPump[]>(server.baseUrl, 'GET', '/api/pumps');
    const target = fleet.find(
      (f) => f.status === 'ok' && f.volumeMl !== null && f.pump.reservoirCapacityMl - f.volumeMl > 2 && f.concentrationMcgPerMl !== null,
    );
    expect(target).toBeDefined();
    const { pump } = target!;

    await page.evaluate(() => {
      (window as unknown as MarkedWindow).__pumpwatchMarker = 'still-here';
    });
    const navigationsBefore = mainFrameNavigations;
    const volumeBefore = await rowText(pump.id, 'fleet-volume');
    const daysBefore = await rowText(pump.id, 'fleet-days-left');
    const expectedVolume = `${pump.reservoirCapacityMl.toFixed(1)} / ${pump.reservoirCapacityMl} mL`;
    expect(volumeBefore).not.toContain(expectedVolume);

    const started = Date.now();
    await apiJson<Fill>(server.baseUrl, 'POST', `/api/pumps/${pump.id}/fills`, {
      filledAt: nowIso(),
      concentrationMcgPerMl: target!.concentrationMcgPerMl,
      volumeMl: pump.reservoirCapacityMl,
      aspiratedResidualMl: Math.max(0, Math.round((target!.volumeMl ?? 0) * 10) / 10),
    });
    await page.waitForFunction(
      ({ id, expected }) => {
        const cell = document.querySelector(`[data-testid="fleet-row"][data-pump-id="${id}"] [data-testid="fleet-volume"]`);
        return cell !== null && (cell.textContent ?? '').includes(expected);
      },
      { id: pump.id, expected: expectedVolume },
      { timeout: 10_000, polling: 25 },
    );
    const elapsedMs = Date.now() - started;
    expect(elapsedMs).toBeLessThan(LIVE_LIMIT_MS);

    expect(await rowText(pump.id, 'fleet-days-left')).not.toBe(daysBefore);
    expect(await page.evaluate(() => (window as unknown as MarkedWindow).__pumpwatchMarker)).toBe('still-here');
    expect(mainFrameNavigations).toBe(navigationsBefore);
  });

  it('opens a pump page with its forecast chart and history, and follows a program change live', async () => {
    const fleet = await apiJson<FleetPump[]>(server.baseUrl, 'GET', '/api/pumps');
    const target = fleet.find((f) => f.status === 'ok' && f.pump.modelId !== 'constant-flow')!;
    const detail = await apiJson<PumpDetail>(server.baseUrl, 'GET', `/api/pumps/${target.pump.id}`);

    // The row's link opens the pump page inside the dashboard, without loading a new document: a mark left in the page survives.
    await page.evaluate(() => ((window as unknown as MarkedWindow).__pumpwatchMarker = 'opened-in-app'));
    await page.locator(`[data-testid="fleet-row"][data-pump-id="${target.pump.id}"] [data-testid="fleet-patient"]`).click();
    await page.locator(`[data-testid="pump-page"][data-pump-id="${target.pump.id}"]`).waitFor();
    expect(await page.evaluate(() => (window as unknown as MarkedWindow).__pumpwatchMarker)).toBe('opened-in-app');
    await page.locator('[data-testid="forecast-chart"] svg.recharts-surface').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="forecast-chart"] .recharts-line').count()).toBe(2);
    expect(await page.locator('[data-testid="pump-header"]').innerText()).toContain(target.pump.serialNumber);
    expect(await page.locator('[data-testid="fill-row"]').count()).toBe(detail.fills.length);
    expect(await page.locator('[data-testid="program-row"]').count()).toBe(detail.programs.length);

    const last = detail.programs.reduce((a, b) => (Date.parse(a.effectiveFrom) > Date.parse(b.effectiveFrom) ? a : b));
    await apiJson<Program>(server.baseUrl, 'POST', `/api/pumps/${target.pump.id}/programs`, {
      effectiveFrom: nowIso(),
      steps: last.steps.map((s) => ({ startTime: s.startTime, doseMcgPerDay: s.doseMcgPerDay + 10 })),
      periodicBoluses: last.periodicBoluses,
      patientBolus: last.patientBolus,
    });
    await page.locator('[data-testid="program-row"]').nth(detail.programs.length).waitFor({ timeout: 5_000 });
  });

  it('shows the schema message and the API refusal next to the field in the Record fill form', async () => {
    await page.locator('[data-testid="open-fill-form"]').click();
    const form = page.locator('[data-testid="record-fill-form"]');
    const volume = form.locator('[data-field="volumeMl"] input');

    await volume.fill('0');
    await form.locator('[data-testid="submit-fill"]').click();
    expect(await form.locator('[data-testid="error-volumeMl"]').innerText()).toBe('must be above 0');

    // Overfill passes the schema; the API refuses it (4xx) and names volumeMl.
    await volume.fill('999');
    await form.locator('[data-testid="submit-fill"]').click();
    await page.waitForFunction(() => {
      const text = document.querySelector('[data-testid="error-volumeMl"]')?.textContent;
      return typeof text === 'string' && text !== 'must be above 0';
    });
    expect((await form.locator('[data-testid="error-volumeMl"]').innerText()).length).toBeGreaterThan(0);
  });

  async function fleetIds(): Promise<string[]> {
    return page.locator('[data-testid="fleet-row"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-pump-id') ?? ''));
  }

  /** Opens a dashboard path, signing in first when the session is not there yet (each test can run alone). */
  async function gotoSignedIn(path: string): Promise<void> {
    await page.goto(`${server.baseUrl}${path}`);
    await page.locator('[data-testid="user-menu"], [data-testid="sign-in-form"]').first().waitFor({ state: 'attached', timeout: 10_000 }); // the user menu is in the closed header menu on a phone
    if (new URL(page.url()).pathname === '/sign-in') {
      await signInThroughPage(page, TEST_ADMIN);
      await page.goto(`${server.baseUrl}${path}`);
    }
  }

  async function openFleet(search = ''): Promise<void> {
    await gotoSignedIn(`/${search}`);
    await page.locator('[data-testid="fleet-row"]').first().waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 10_000 });
  }

  /** Scrolls so the element's top sits just under the sticky header, for a screenshot. */
  async function scrollBelowHeader(selector: string): Promise<void> {
    await page.evaluate((sel) => {
      const header = document.querySelector('.app-top')?.getBoundingClientRect().bottom ?? 0;
      window.scrollBy(0, (document.querySelector(sel)?.getBoundingClientRect().top ?? 0) - header - 8);
    }, selector);
  }

  /** Nothing wider than the window: no sideways scrolling. */
  async function pageScrollsSideways(): Promise<boolean> {
    return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  }

  it('puts a pump that reports a motor stall first, with its reason, without a reload; a night nurse sees it first on desktop and phone', async () => {
    await page.setViewportSize(DESKTOP);
    await openFleet();
    const fleet = await apiJson<FleetPump[]>(server.baseUrl, 'GET', '/api/pumps');
    // A quiet pump far down the list, whose patient is not first by name (the sorting test needs it out of sight when sorted by patient).
    const firstByName = [...fleet].map((f) => foldForSearch(f.patient.displayName)).sort()[0];
    const target = [...fleet]
      .reverse()
      .find(
        (f) =>
          f.status === 'ok' &&
          f.urgency === 'ok' &&
          f.pump.modelId !== 'constant-flow' &&
          foldForSearch(f.patient.displayName) !== firstByName,
      )!;
    expect(target).toBeDefined();
    expect((await fleetIds())[0]).not.toBe(target.pump.id);
    const navigationsBefore = mainFrameNavigations;

    await apiJson(server.baseUrl, 'POST', '/api/telemetry', {
      readings: [
        {
          serialNumber: target.pump.serialNumber,
          recordedAt: nowIso(),
          reservoirVolumeMl: target.volumeMl ?? undefined,
          alarms: ['motor_stall'],
        },
      ],
    });
    await page.waitForFunction(
      (id) => document.querySelector('[data-testid="fleet-row"]')?.getAttribute('data-pump-id') === id,
      target.pump.id,
      { timeout: MOTOR_STALL_LIMIT_MS, polling: 25 },
    );
    expect(mainFrameNavigations).toBe(navigationsBefore);
    const first = page.locator('[data-testid="fleet-row"]').first();
    expect(await first.getAttribute('data-urgency')).toBe('delivery_interrupted');
    expect(await first.locator('[data-testid="urgency-badge"]').innerText()).toContain('WITHDRAWAL RISK');
    expect((await first.locator('[data-testid="urgency-reasons"]').innerText()).toLowerCase()).toContain('motor stall');
    // The chip of the level says how many, in words and with the icon.
    const chip = page.locator('[data-testid="urgency-chip"][data-urgency="delivery_interrupted"]');
    expect(await chip.innerText()).toMatch(/WITHDRAWAL RISK: [1-9]/);
    expect(await chip.locator('svg.stop-icon').count()).toBe(1);

    await page.waitForTimeout(2_600); // let the "just changed" highlight fade before the picture
    await page.screenshot({ path: `${SCREENS}/D-fleet-1440.png` });
    await scrollBelowHeader('.toolbar');
    await page.screenshot({ path: `${SCREENS}/D-fleet-1440-table.png` });
    await page.evaluate(() => window.scrollTo(0, 0));

    await page.setViewportSize(PHONE);
    await page.evaluate(() => window.scrollTo(0, 0));
    expect(await pageScrollsSideways()).toBe(false);
    expect((await fleetIds())[0]).toBe(target.pump.id);
    const card = await first.boundingBox();
    expect(card!.width).toBeLessThanOrEqual(PHONE.width);
    await scrollBelowHeader('.toolbar');
    await page.screenshot({ path: `${SCREENS}/D-fleet-390.png` });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SCREENS}/D-fleet-390-top.png` });
    await page.setViewportSize(DESKTOP);
  });

  it('filters by model ("prometra") and by a name typed without its accent ("chloe"), and says when nothing matches', async () => {
    const demoClinic = (await apiJson<Clinic[]>(server.baseUrl, 'GET', '/api/clinics'))[0];
    const f = fixtures(server.baseUrl);
    const chloe = await f.patient(demoClinic.id, { displayName: 'Chloé Étienne-Moreau', mrn: `MRN-CHLOE-${process.pid}` });
    const chloePump = await f.pump(chloe.id, { modelId: 'synchromed-ii-40' });
    const fleet = await apiJson<FleetPump[]>(server.baseUrl, 'GET', '/api/pumps');
    const prometra = fleet
      .filter((r) => r.pump.modelId.startsWith('prometra'))
      .map((r) => r.pump.id)
      .sort();
    expect(prometra.length).toBeGreaterThan(0);
    expect(
      fleet
        .filter((r) => fleetRowMatchesQuery(r, 'PROMETRA'))
        .map((r) => r.pump.id)
        .sort(),
    ).toEqual(prometra);
    // Every Chloé of the demo clinic too, and ours.
    const chloes = fleet
      .filter((r) => fleetRowMatchesQuery(r, 'chloe'))
      .map((r) => r.pump.id)
      .sort();
    expect(chloes).toContain(chloePump.id);

    await openFleet();
    const filter = page.locator('[data-testid="fleet-filter"]');
    expect(await filter.getAttribute('placeholder')).toContain('model');
    const rowsAre = async (expected: string[]) =>
      page.waitForFunction(
        (want) => {
          const ids = [...document.querySelectorAll('[data-testid="fleet-row"]')].map((el) => el.getAttribute('data-pump-id')).sort();
          return JSON.stringify(ids) === JSON.stringify(want);
        },
        expected,
        { timeout: 10_000 },
      );

    await filter.fill('PROMETRA');
    await rowsAre(prometra);
    expect(new URL(page.url()).searchParams.get('q')).toBe('PROMETRA');

    await filter.fill('chloe');
    await rowsAre(chloes);
    expect(await page.locator('[data-testid="fleet-patient"]').allInnerTexts()).toContain('Chloé Étienne-Moreau');
    for (const name of await page.locator('[data-testid="fleet-patient"]').allInnerTexts())
      expect(name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()).toContain('chloe');

    await filter.fill('no-such-pump-anywhere');
    await page.locator('[data-testid="fleet-empty"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="fleet-empty"]').innerText()).toContain('No active pump matches “no-such-pump-anywhere”');
    await filter.fill('');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="fleet-row"]').length === n, fleet.length, {
      timeout: 10_000,
    });
  });

  it('shows why a pump has no forecast when its history cannot be forecast, and still lists the others', async () => {
    const demoClinic = (await apiJson<Clinic[]>(server.baseUrl, 'GET', '/api/clinics'))[0];
    const f = fixtures(server.baseUrl);
    const patient = await f.patient(demoClinic.id, { displayName: 'Bea Brokenhistory', mrn: `MRN-BROKEN-${process.pid}` });
    const pump = await f.pump(patient.id);
    await f.program(pump.id, { effectiveFrom: new Date(Date.now() - 3_600_000).toISOString() });
    await f.fill(pump.id, { filledAt: nowIso() });
    // A program row no API would accept (its step has no start time), written as the database owner.
    await queryRows(server.databaseUrl, `UPDATE programs SET steps = '[{"doseMcgPerDay": 100}]'::jsonb WHERE pump_id = $1`, [pump.id]);
    // The fleet read model recomputes a pump's row when a write through the API concerns it (the one above went behind its back).
    await apiJson(server.baseUrl, 'PATCH', `/api/patients/${patient.id}`, { weightKg: 70 });

    await openFleet();
    const row = page.locator(`[data-testid="fleet-row"][data-pump-id="${pump.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    const reasons = await row.locator('[data-testid="urgency-reasons"] li[data-kind="forecast_error"]').innerText();
    const answered = (await apiJson<FleetPump[]>(server.baseUrl, 'GET', '/api/pumps')).find((r) => r.pump.id === pump.id)!;
    expect(answered.status).toBe('forecast_error');
    expect(reasons).toContain(`Forecast failed: ${answered.statusReason}`);
    expect(await row.locator('[data-testid="fleet-days-left"]').innerText()).toBe('no forecast');
    expect(await page.locator('[data-testid="fleet-row"]').count()).toBe(
      (await apiJson<FleetPump[]>(server.baseUrl, 'GET', '/api/pumps')).length,
    );
  });

  it('filters by urgency chip (kept in the URL, toggled by mouse or keyboard) and keeps every count visible', async () => {
    await openFleet();
    const all = await fleetIds();
    const chips = page.locator('[data-testid="urgency-chip"]');
    const chipOf = (u: string) => page.locator(`[data-testid="urgency-chip"][data-urgency="${u}"]`);
    expect(await chipOf('all').getAttribute('aria-pressed')).toBe('true');
    const chipCount = await chips.count();

    await chipOf('delivery_interrupted').click();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="fleet-row"]')].every((el) => el.getAttribute('data-urgency') === 'delivery_interrupted'),
    );
    expect(new URL(page.url()).searchParams.get('urgency')).toBe('delivery_interrupted');
    expect(await chipOf('delivery_interrupted').getAttribute('aria-pressed')).toBe('true');
    expect(await chipOf('all').getAttribute('aria-pressed')).toBe('false');
    const interruptedCount = Number(await chipOf('delivery_interrupted').locator('[data-testid="urgency-chip-count"]').innerText());
    expect(await page.locator('[data-testid="fleet-row"]').count()).toBe(interruptedCount);
    expect(await chips.count()).toBe(chipCount);

    // Another level: the withdrawal-risk pump is out of the table, so a notice names it, with a way back.
    await chipOf('ok').click();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="fleet-row"]')];
      return rows.length > 0 && rows.every((el) => el.getAttribute('data-urgency') === 'ok');
    });
    expect(await page.locator('[data-testid="withdrawal-risk-notice"]').innerText()).toContain('WITHDRAWAL RISK');

    // A reload keeps the filter; the keyboard toggles the pressed chip off again.
    await page.reload();
    await page.locator('[data-testid="fleet-row"]').first().waitFor({ timeout: 10_000 });
    expect(await chipOf('ok').getAttribute('aria-pressed')).toBe('true');
    await chipOf('ok').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="fleet-row"]').length === n, all.length, { timeout: 10_000 });
    expect(new URL(page.url()).searchParams.get('urgency')).toBeNull();
    expect(await chipOf('all').getAttribute('aria-pressed')).toBe('true');
  });

  it('sorts by a clicked header (aria-sort), both ways, and back to urgency', async () => {
    await openFleet();
    const header = (key: string) => page.locator(`th[data-sort-key="${key}"]`);
    // A click updates the URL and the header, then the server's answer the table: wait for both before reading the rows.
    const sortedBy = async (key: string, direction: 'ascending' | 'descending') => {
      await page.locator(`th[data-sort-key="${key}"][aria-sort="${direction}"]`).waitFor({ timeout: 10_000 });
      await page.locator('[data-testid="fleet-table"][aria-busy="false"]').waitFor({ timeout: 10_000 });
    };
    expect(await header('urgency').getAttribute('aria-sort')).toBe('ascending');
    const names = () => page.locator('[data-testid="fleet-patient"]').allInnerTexts();
    // The server's order: names with accents and case folded, code point by code point.
    const byFoldedName = (a: string, b: string) => (foldForSearch(a) < foldForSearch(b) ? -1 : foldForSearch(a) > foldForSearch(b) ? 1 : 0);

    await page.locator('[data-testid="sort-patient"]').click();
    await sortedBy('patient', 'ascending');
    expect(await header('urgency').getAttribute('aria-sort')).toBeNull();
    const ascending = await names();
    expect(ascending).toEqual([...ascending].sort(byFoldedName));
    // The withdrawal-risk pump is no longer on top: the notice says it exists.
    expect(await page.locator('[data-testid="withdrawal-risk-notice"]').count()).toBe(1);

    await page.locator('[data-testid="sort-patient"]').click();
    await sortedBy('patient', 'descending');
    // Descending by name (pumps of one name keep the most urgent first, so compare the names, not the rows).
    expect(await names()).toEqual([...ascending].sort((a, b) => byFoldedName(b, a)));
    expect(new URL(page.url()).searchParams.get('dir')).toBe('descending');

    await page.locator('[data-testid="sort-daysLeft"]').click();
    await sortedBy('daysLeft', 'ascending');
    const days = await page
      .locator('[data-testid="fleet-row"]')
      .evaluateAll((els) => els.map((el) => el.querySelector('[data-testid="fleet-days-left"]')?.textContent ?? ''));
    const value = (t: string) =>
      /\d/.test(t) ? (t.startsWith('overdue') ? -1 : 1) * Number(/[\d.]+/.exec(t)![0]) : Number.NEGATIVE_INFINITY;
    for (let i = 1; i < days.length; i++) expect(value(days[i])).toBeGreaterThanOrEqual(value(days[i - 1]));

    await page.locator('[data-testid="sort-urgency"]').click();
    await sortedBy('urgency', 'ascending');
    expect(await page.locator('[data-testid="fleet-row"]').first().getAttribute('data-urgency')).toBe('delivery_interrupted');
    expect(await page.locator('[data-testid="withdrawal-risk-notice"]').count()).toBe(0);
  });

  it('dates the forecast chart up to the empty date and marks now, the alarm, the deadline and the booked refill without overlapping labels', async () => {
    const demoClinic = (await apiJson<Clinic[]>(server.baseUrl, 'GET', '/api/clinics'))[0];
    const fleet = await apiJson<FleetPump[]>(server.baseUrl, 'GET', '/api/pumps');
    const target = fleet.find(
      (r) =>
        r.clinic.id === demoClinic.id &&
        r.status === 'ok' &&
        r.urgency !== 'delivery_interrupted' &&
        r.daysLeft !== null &&
        r.daysLeft > 10 &&
        r.daysLeft < 40,
    )!;
    expect(target).toBeDefined();
    const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
    await fixtures(server.baseUrl).clinicianWithSessions(demoClinic.id, 'Nina Nurse (fleet test)', everyDay);
    const slot = (await apiJson<RefillSlotsResponse>(server.baseUrl, 'GET', `/api/pumps/${target.pump.id}/refill-slots?limit=1`)).slots[0];
    const booking = await apiJson<AppointmentResponse>(server.baseUrl, 'POST', '/api/appointments', {
      pumpId: target.pump.id,
      clinicianId: slot.clinicianId,
      startsAt: slot.startsAt,
    });

    for (const [name, viewport] of [
      ['1440', DESKTOP],
      ['390', PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      await gotoSignedIn(`/pumps/${target.pump.id}`);
      const chart = page.locator('[data-testid="forecast-chart"]');
      await chart.locator('svg.recharts-surface').first().waitFor({ timeout: 10_000 });
      await chart.locator('[data-testid="chart-marker"][data-marker="booked"]').waitFor({ timeout: 10_000 });

      // Dates on the time axis ("12 Dec"), in order, and reaching past now.
      const ticks = await chart.locator('.recharts-xAxis-tick-labels text').allTextContents();
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      for (const t of ticks) expect(t.trim()).toMatch(/^\d{1,2} [A-Z][a-z]{2}$/);

      const markers = await chart
        .locator('[data-testid="chart-marker"]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-marker')));
      for (const kind of ['now', 'alarm', 'deadline', 'booked', 'empty']) expect(markers).toContain(kind);
      const bookedText = await chart.locator('[data-testid="chart-marker"][data-marker="booked"]').innerText();
      expect(bookedText).toContain('Booked refill');
      expect(bookedText).toContain(
        new Intl.DateTimeFormat('en-CA', { timeZone: target.clinic.timeZone }).format(new Date(booking.startsAt)),
      );

      // No two labels on the chart overlap, and none leaves the chart.
      const boxes = await chart.locator('text.chart-marker-label').evaluateAll((els) =>
        els.map((el) => {
          const r = el.getBoundingClientRect();
          return { kind: el.getAttribute('data-marker'), left: r.left, right: r.right, top: r.top, bottom: r.bottom };
        }),
      );
      expect(boxes.map((b) => b.kind)).toEqual(expect.arrayContaining(['now', 'alarm', 'deadline', 'booked', 'empty']));
      const figure = (await chart.boundingBox())!;
      for (const [i, a] of boxes.entries()) {
        expect(a.left).toBeGreaterThanOrEqual(figure.x - 1);
        expect(a.right).toBeLessThanOrEqual(figure.x + figure.width + 1);
        for (const b of boxes.slice(i + 1)) {
          const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
          expect({ a, b, apart }).toEqual({ a, b, apart: true });
        }
      }
      expect(figure.x + figure.width).toBeLessThanOrEqual(viewport.width);
      await scrollBelowHeader('#chart-title');
      await page.screenshot({ path: `${SCREENS}/D-chart-${name}.png` });
    }
    await page.setViewportSize(DESKTOP);
  });
});
