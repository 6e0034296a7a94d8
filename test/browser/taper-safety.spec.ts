// Browser test in real Chromium (issue 13): the taper plan form shows the steps beyond the clinic's limits, asks for the reason and
// the confirmed withdrawal checklist before it saves a step to 0; the kidney panel says which value (CrCl or eGFR) each flag used.
// Screenshots at 1440x900 and 390x844 in test-results/screens/13c-*.png.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { TaperPlanRecord } from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { fixtures } from '../support/fixtures';
import { api } from '../support/http';
import { startTestServer, TEST_ADMIN } from '../support/test-server';
import { signInThroughPage } from './dashboard-sign-in';
import { SCREENS } from '../support/screens';

jest.setTimeout(180_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;

const DAY_MS = 86_400_000;
const at = (days: number): string => new Date(Math.floor((Date.now() + days * DAY_MS) / 60_000) * 60_000).toISOString();

describe('taper safety on the dashboard in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let pumpId: string;
  let patientId: string;

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    const f = fixtures(server.baseUrl);
    const clinic = await f.clinic({ name: 'Taper Clinic' });
    // Female, 80 kg, about 76: creatinine 1.1 mg/dL gives a clearance near 55 mL/min (no 50 rule) and an eGFR near 51 (Beers: below 60).
    const patient = await f.patient(clinic.id, {
      displayName: 'Tilda Taper',
      birthDate: '1950-01-04',
      sex: 'female',
      weightKg: 80,
      spasticityOrigin: 'spinal',
      communicationDifficulty: true,
    });
    patientId = patient.id;
    const pump = await f.pump(patient.id, { implantDate: at(-400).slice(0, 10) });
    pumpId = pump.id;
    await f.program(pump.id, { effectiveFrom: at(-40), steps: [{ startTime: '00:00', doseMcgPerDay: 300 }] });
    await f.fill(pump.id, { filledAt: at(-39), volumeMl: 20, concentrationMcgPerMl: 2000 });
    expect(
      (await f.http.post(`/api/patients/${patient.id}/labs`, { kind: 'serum_creatinine', value: 1.1, unit: 'mg/dL', takenAt: at(-5) }))
        .status,
    ).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const openPump = async (width: number, height: number): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(`${server.baseUrl}/pumps/${pumpId}`);
    await signInThroughPage(page, TEST_ADMIN);
    await page.locator(`[data-testid="clinical-safety-section"][data-patient-id="${patientId}"]`).waitFor({ timeout: 15_000 });
    return page;
  };
  /** Elements of the taper form wider than the window (none: nothing of it scrolls sideways on a phone). */
  const noHorizontalScroll = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="taper-plan-form"] *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(
          (e) =>
            `${e.tagName.toLowerCase()}.${e.className}[${e.getAttribute('data-testid') ?? ''}] ${Math.round(e.getBoundingClientRect().right)}`,
        )
        .slice(0, 8),
    );

  it('says the older-adult dose review was judged on the eGFR', async () => {
    const page = await openPump(1440, 900);
    const flag = page.locator('[data-testid="renal-flag-renal_dose_review"]');
    expect(await flag.innerText()).toMatch(/AGS Beers Criteria 2023/);
    expect(await flag.locator('[data-testid="renal-flag-basis"]').getAttribute('data-measure')).toBe('eGFR');
    expect((await flag.locator('[data-testid="renal-flag-basis"]').innerText()).trim()).toMatch(
      /^Judged on: eGFR 5\d\.\d mL\/min\/1\.73 m2\.$/,
    );
    await page.locator('[data-testid="kidney-panel"]').screenshot({ path: `${SCREENS}/13c-kidney-flag-basis-1440.png` });
    await page.close();
  });

  it.each([
    [390, 844],
    [1440, 900],
  ])('asks for a reason and the confirmed withdrawal checklist before a step to 0 (%i px)', async (width, height) => {
    const page = await openPump(width, height);
    await page.locator('[data-testid="open-taper-plan-form"]').click();
    const form = page.locator('[data-testid="taper-plan-form"]');
    // The first step defaults to 80% of the 300 in force (240, the 20% limit): within the limits, no panel.
    expect(await form.locator('[data-field="steps.0.targetDoseMcgPerDay"] input').inputValue()).toBe('240');
    expect(await form.locator('[data-testid="taper-step-limits"]').count()).toBe(0);
    await form.locator('[data-field="steps.0.targetDoseMcgPerDay"] input').fill('0');
    await form.locator('[data-field="bridge.doseMgPerDay"] input').fill('30');
    await form.locator('[data-field="reintroductionDoseMcgPerDay"] input').fill('50');
    const limits = form.locator('[data-testid="taper-step-limits"]');
    await limits.waitFor();
    expect(await limits.locator('[data-kind="step_to_zero"]').innerText()).toMatch(
      /^Step 1 \(\d{4}-\d\d-\d\d \d\d:\d\d CET\) stops intrathecal baclofen \(0 mcg\/day, from 300 mcg\/day\)\.$/,
    );
    const signs = await limits.locator('[data-testid="withdrawal-sign"]').allInnerTexts();
    for (const sign of ['Muscle rigidity', 'Rhabdomyolysis (dark urine, raised CK)', 'Hypotension'])
      expect(signs.map((s) => s.replace('☐ ', ''))).toContain(sign);
    expect(await limits.locator('[data-testid="withdrawal-risk-factor"][data-present="true"]').innerText()).toMatch(
      /Communication difficulty/,
    );

    await form.locator('[data-testid="submit-taper-plan"]').click();
    expect(await form.locator('[data-testid="error-stepLimitOverrideReason"]').innerText()).toMatch(/is required/);
    expect(await form.locator('[data-testid="error-withdrawalChecklistConfirmed"]').innerText()).toMatch(/confirm/);
    await form.locator('[data-testid="step-limit-override-reason"]').fill('Inpatient holiday for tolerance, daily review');
    // The panel's top just below the sticky header, so the screenshots show its heading and findings.
    await page.evaluate(() => {
      const panel = document.querySelector('[data-testid="taper-step-limits"]') as HTMLElement;
      const headerBottom = document.querySelector('header')?.getBoundingClientRect().bottom ?? 0;
      window.scrollTo(0, panel.getBoundingClientRect().top + window.scrollY - headerBottom - 8);
    });
    await page.screenshot({ path: `${SCREENS}/13c-taper-checklist-${width}.png` });
    await page.screenshot({ path: `${SCREENS}/13c-taper-checklist-${width}-full.png`, fullPage: true });
    expect(await noHorizontalScroll(page)).toEqual([]);
    // The phone run stops here: the wide run saves the plan (one active plan per patient).
    if (width === 390) {
      await page.close();
      return;
    }
    await form.locator('[data-testid="confirm-withdrawal-checklist"]').check();
    await form.locator('[data-testid="submit-taper-plan"]').click();
    await form.waitFor({ state: 'detached', timeout: 5_000 });
    const plans = (await api(server.baseUrl).get<TaperPlanRecord[]>(`/api/patients/${patientId}/taper-plans`)).body;
    expect(plans[0]).toMatchObject({
      stepLimitOverrideReason: 'Inpatient holiday for tolerance, daily review',
      stepLimitFindings: [{ kind: 'step_to_zero' }],
    });
    // The plan on the page names the limit it goes beyond and the reason.
    const stored = page.locator('[data-testid="taper-step-limit-reason"]');
    expect(await stored.innerText()).toMatch(
      /Beyond the clinic's taper limits \(step 1: stop \(0\)\)\.\s*Reason: Inpatient holiday for tolerance, daily review\./,
    );
    await page.locator('[data-testid="taper-plan"]').screenshot({ path: `${SCREENS}/13c-taper-plan-stored-${width}.png` });
    await page.close();
  });
});
