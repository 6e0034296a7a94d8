// Browser test in real Chromium: the pump page shows the patient's clinical safety — the kidney trend with its 50 and 30 mL/min lines,
// the neurotoxicity badge and reliability note, the dose chart with the taper plan's planned line and its step tasks — and the program
// form asks for a dose-change reason when the API answers 422 naming doseChangeReason.
import type { Browser, Page } from 'playwright-core';
import type { Alert, ClinicalSummary, Program } from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { fixtures } from '../support/fixtures';
import { api } from '../support/http';
import { startTestServer, TEST_ADMIN } from '../support/test-server';
import { signInThroughPage } from './dashboard-sign-in';

jest.setTimeout(180_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;

const DAY_MS = 86_400_000;
const at = (days: number): string => new Date(Math.floor((Date.now() + days * DAY_MS) / 60_000) * 60_000).toISOString();

describe('clinical safety on the dashboard in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let pumpId: string;
  let patientId: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    const f = fixtures(server.baseUrl);
    const clinic = await f.clinic({ name: 'Kidney Clinic' });
    // 76 years old, 70 kg: 1.0 then 1.6 mg/dL gives a clearance of about 62 then 39 mL/min, below the 50 line.
    const patient = await f.patient(clinic.id, {
      displayName: 'Renate Renal',
      birthDate: '1950-01-04',
      sex: 'male',
      weightKg: 70,
      spasticityOrigin: 'spinal',
    });
    patientId = patient.id;
    const pump = await f.pump(patient.id, { implantDate: at(-400).slice(0, 10) });
    pumpId = pump.id;
    await f.program(pump.id, { effectiveFrom: at(-40), steps: [{ startTime: '00:00', doseMcgPerDay: 400 }] });
    await f.fill(pump.id, { filledAt: at(-39), volumeMl: 20, concentrationMcgPerMl: 2000 });
    for (const [value, takenAt] of [
      [1.0, at(-90)],
      [1.6, at(-10)],
    ] as const) {
      const lab = await f.http.post(`/api/patients/${patient.id}/labs`, { kind: 'serum_creatinine', value, unit: 'mg/dL', takenAt });
      expect(lab.status).toBe(201);
    }
    // A drug holiday: 400 -> 300 (done yesterday, without a reason), then 200, 100 and 0 every third day.
    const plan = await f.http.post(`/api/patients/${patient.id}/taper-plans`, {
      startsAt: at(-2),
      bridge: { drug: 'oral_baclofen', doseMgPerDay: 30 },
      reintroductionDoseMcgPerDay: 100,
      stepLimitOverrideReason: 'Steps of 25-100% under inpatient supervision',
      steps: [
        { at: at(-1), targetDoseMcgPerDay: 300 },
        { at: at(3), targetDoseMcgPerDay: 200 },
        { at: at(6), targetDoseMcgPerDay: 100 },
        { at: at(9), targetDoseMcgPerDay: 0 },
      ],
    });
    expect(plan.status).toBe(201);
    expect(
      (await f.http.post(`/api/pumps/${pump.id}/programs`, { effectiveFrom: at(-1), steps: [{ startTime: '00:00', doseMcgPerDay: 300 }] }))
        .status,
    ).toBe(201);
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows the kidney trend with its thresholds and the dose chart with the taper plan's planned line on the pump page", async () => {
    await page.goto(`${server.baseUrl}/pumps/${pumpId}`);
    await signInThroughPage(page, TEST_ADMIN);
    const section = page.locator(`[data-testid="clinical-safety-section"][data-patient-id="${patientId}"]`);
    await section.waitFor({ timeout: 15_000 });

    const renal = section.locator('[data-testid="renal-trend-chart"]');
    await renal.locator('svg.recharts-surface').first().waitFor({ timeout: 10_000 });
    // Clearance and eGFR, each a line through both results, and the two threshold lines with their labels.
    expect(await renal.locator('.recharts-line').count()).toBe(2);
    expect(await renal.locator('.recharts-line-dot').count()).toBe(4);
    expect(await renal.locator('.renal-threshold').count()).toBe(2);
    const renalText = await renal.innerText();
    expect(renalText).toContain('dose review < 50');
    expect(renalText).toContain('urgent < 30');
    // About 38 mL/min (aged 76 or 77 by the date the test runs).
    expect(await section.locator('[data-testid="latest-renal"]').innerText()).toMatch(/CrCl 3\d\.\d mL\/min/);
    expect(await section.locator('[data-testid="reliability-note"]').innerText()).toMatch(/muscle mass is low/);
    const badge = section.locator('[data-testid="neurotoxicity-badge"]');
    expect(await badge.getAttribute('data-reasons')).toBe('age kidney_function');
    expect(await badge.innerText()).toContain('Neurotoxicity risk');

    const dose = section.locator('[data-testid="dose-chart"]');
    await dose.locator('svg.recharts-surface').first().waitFor();
    expect(await dose.locator('.recharts-line.dose-chart__actual').count()).toBe(1);
    const planned = dose.locator('.recharts-line.dose-chart__planned');
    expect(await planned.count()).toBe(1);
    // The planned line: 400 at the plan's start, the four steps, held to the axis end.
    expect(await dose.getAttribute('data-planned-points')).toBe('6');
    expect(await planned.locator('.recharts-line-curve').getAttribute('stroke-dasharray')).toBe('8 4');
    expect(
      await section.locator('[data-testid="taper-task"]').evaluateAll((items) => items.map((i) => i.getAttribute('data-status'))),
    ).toEqual(['done', 'upcoming', 'upcoming', 'upcoming']);
    expect(await section.locator('[data-testid="bridge-advice"]').innerText()).toMatch(
      /reduce the oral baclofen dose by 1\/2, from 30 to 15 mg\/day/,
    );
  });

  it('asks for a dose-change reason when the API refuses an abrupt cut, then records it', async () => {
    await page.locator('[data-testid="open-program-form"]').click();
    const form = page.locator('[data-testid="set-program-form"]');
    await form.locator('[data-field="steps.0.doseMcgPerDay"] input').fill('120');
    await form.locator('[data-testid="submit-program"]').click();
    // 300 -> 120 goes below the taper plan's 300 step: abrupt, the API answers 422 naming doseChangeReason.
    const reason = form.locator('[data-testid="dose-change-reason"]');
    await reason.waitFor({ timeout: 5_000 });
    expect(await form.locator('[data-testid="error-doseChangeReason"]').innerText()).toMatch(
      /^is required for this dose change: The daily dose falls 60%/,
    );
    await reason.locator('textarea').fill('Severe drowsiness with falling kidney function');
    await form.locator('[data-testid="submit-program"]').click();
    await form.waitFor({ state: 'detached', timeout: 5_000 });

    const programs = (await api(server.baseUrl).get<Program[]>(`/api/pumps/${pumpId}/programs`)).body;
    expect(programs.find((p) => p.doseMcgPerDay === 120)?.doseChangeReason).toBe('Severe drowsiness with falling kidney function');
    const alerts = (await api(server.baseUrl).get<Alert[]>(`/api/alerts?patientId=${patientId}`)).body;
    expect(alerts.find((a) => a.kind === 'abrupt_dose_reduction')).toMatchObject({ severity: 'urgent', withdrawalRisk: true });
    // The dose chart follows: the summary the page reloads now has the new point.
    const summary = (await api(server.baseUrl).get<ClinicalSummary>(`/api/patients/${patientId}/clinical-summary`)).body;
    expect(summary.currentDoseMcgPerDay).toBe(120);
  });
});
