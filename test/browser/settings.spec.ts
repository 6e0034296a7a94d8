// Browser test in real Chromium (issue 16): /admin/settings shows each clinic and clinical-safety setting with its unit, default and
// meaning (the drug library's dose limits too); a change is saved and survives a reload; an invalid value is refused beside its field and changes nothing; reset to default;
// a clinic picker for someone administering several clinics; hidden from staff; no sideways scroll on a phone.
import type { Clinic, ClinicalSafetySettings, ClinicDrugLibrary, ClinicSettings } from '@pumpwatch/shared';
import { ALERT_CONFIG, CLINICAL_SAFETY_SETTING_DEFAULTS, DEFAULT_DRUG_LIBRARY } from '@pumpwatch/shared';
import { api } from '../support/http';
import { DEMO_LOGINS, TEST_ADMIN } from '../support/test-accounts';
import { SCREENS } from '../support/screens';
import { DESK, PHONE, useDemoBrowser } from './demo-browser';

jest.setTimeout(240_000);

describe('clinic settings page in Chromium', () => {
  const demo = useDemoBrowser();

  const settingsOf = async () => (await api(demo.server.baseUrl).get<ClinicSettings>(`/api/clinics/${demo.clinic.id}/settings`)).body;
  const safetyOf = async () =>
    (await api(demo.server.baseUrl).get<ClinicalSafetySettings>(`/api/clinics/${demo.clinic.id}/clinical-safety-settings`)).body;
  const field = (name: string) => demo.page.locator(`[data-setting="${name}"]`);
  const input = (name: string) => demo.page.locator(`[data-testid="setting-${name}"]`);

  async function signOut(): Promise<void> {
    await demo.page.locator('[data-testid="sign-out"]').click();
    await demo.page.waitForURL((url) => url.pathname === '/sign-in');
  }

  it('shows every setting with its unit, default and meaning, saves a change that survives a reload', async () => {
    await demo.openSignedIn('/');
    await demo.page.locator('[data-testid="nav-admin-settings"]').click();
    await demo.page.waitForURL((url) => url.pathname === '/admin/settings');
    await input('alertWarningHorizonDays').waitFor();

    // Each field says its unit, its default from the shared configuration and what it does.
    const horizon = await field('alertWarningHorizonDays').innerText();
    expect(horizon).toContain('First refill warning (days)');
    expect(horizon).toContain(`Default: ${ALERT_CONFIG.defaultWarningHorizonDays} days`);
    expect(horizon).toContain('raises a warning alert');
    expect(await field('reservoirDiscrepancyToleranceMl').innerText()).toContain('(mL)');
    expect(await field('reservoirDiscrepancyToleranceMl').innerText()).toContain('Source: ASRA 2017');
    expect(await field('programMismatchToleranceMcgPerDay').innerText()).toContain('(mcg/day)');
    expect(await field('telemetryRetentionDays').innerText()).toContain('Default: keep every reading');
    expect(await field('abruptReductionPercent').innerText()).toContain(
      `Default: ${CLINICAL_SAFETY_SETTING_DEFAULTS.abruptReductionPercent} %`,
    );
    expect(await input('alertWarningHorizonDays').inputValue()).toBe(String((await settingsOf()).alertWarningHorizonDays));
    await demo.shoot('i16-settings-1440');

    // Two fields of one group saved together; another group's form is untouched.
    await input('alertWarningHorizonDays').fill('28');
    await input('alertSoundRepeatSeconds').fill('30');
    await demo.page.locator('[data-testid="unsaved-alertWarningHorizonDays"]').waitFor();
    await demo.page.locator('[data-testid="save-refill-alerts"]').click();
    await demo.page.locator('[data-testid="saved-refill-alerts"]').waitFor();
    expect(await demo.page.locator('[data-testid="saved-refill-alerts"]').innerText()).toContain('First refill warning');
    const saved = await settingsOf();
    expect(saved.alertWarningHorizonDays).toBe(28);
    expect(saved.alertSoundRepeatSeconds).toBe(30);

    // The clinical-safety group saves through its own route.
    await input('taperStepMinSpacingHours').fill('36');
    await demo.page.locator('[data-testid="save-clinical-safety"]').click();
    await demo.page.locator('[data-testid="saved-clinical-safety"]').waitFor();
    expect((await safetyOf()).taperStepMinSpacingHours).toBe(36);

    await demo.page.reload();
    await input('alertWarningHorizonDays').waitFor();
    expect(await input('alertWarningHorizonDays').inputValue()).toBe('28');
    expect(await input('alertSoundRepeatSeconds').inputValue()).toBe('30');
    expect(await input('taperStepMinSpacingHours').inputValue()).toBe('36');
  });

  it('refuses an invalid value beside its field and changes nothing', async () => {
    const before = await settingsOf();
    await input('bookingMarginDays').fill('90');
    await input('refillDurationMinutes').fill('2.5');
    await demo.page.locator('[data-testid="save-appointments"]').click();
    expect(await demo.page.locator('[data-testid="error-refillDurationMinutes"]').innerText()).toBe('must be at least 5');
    await demo.page.locator('[data-testid="save-refill-alerts"]').click();
    expect(await demo.page.locator('[data-testid="error-bookingMarginDays"]').innerText()).toBe('must be at most 60');
    expect(await demo.page.locator('[data-field="bookingMarginDays"]').getAttribute('class')).toContain('field--invalid');
    // An emptied required value is refused too (only the retention may be left empty).
    await input('abruptReductionPercent').fill('');
    await demo.page.locator('[data-testid="save-clinical-safety"]').click();
    expect(await demo.page.locator('[data-testid="error-abruptReductionPercent"]').innerText()).toBe('is required');
    expect(await demo.page.locator('[data-testid="settings-form-clinical-safety"] [data-testid="form-errors"]').innerText()).not.toContain(
      'at least one',
    );
    await demo.shoot('i16-settings-errors-1440');
    expect(await settingsOf()).toEqual(before);
    expect((await safetyOf()).abruptReductionPercent).toBe(CLINICAL_SAFETY_SETTING_DEFAULTS.abruptReductionPercent);

    // The form checks with the API's own schema: the API refuses a wrong value by name in the same way.
    const answer = await api(demo.server.baseUrl).call('PATCH', `/api/clinics/${demo.clinic.id}/settings`, { bookingMarginDays: 1.5 });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('bookingMarginDays');
    await demo.page.reload();
    await input('bookingMarginDays').waitFor();
    expect(await input('bookingMarginDays').inputValue()).toBe(String(before.bookingMarginDays));
  });

  it('resets a field to its default, saved like any change', async () => {
    const reset = demo.page.locator('[data-testid="reset-alertWarningHorizonDays"]');
    expect(await reset.innerText()).toBe('Reset to default');
    await reset.click();
    expect(await input('alertWarningHorizonDays').inputValue()).toBe(String(ALERT_CONFIG.defaultWarningHorizonDays));
    expect(await reset.innerText()).toBe('At default');
    expect(await reset.isDisabled()).toBe(true);
    await demo.page.locator('[data-testid="reset-taperStepMinSpacingHours"]').click();
    await demo.page.locator('[data-testid="save-refill-alerts"]').click();
    await demo.page.locator('[data-testid="saved-refill-alerts"]').waitFor();
    await demo.page.locator('[data-testid="save-clinical-safety"]').click();
    await demo.page.locator('[data-testid="saved-clinical-safety"]').waitFor();
    expect((await settingsOf()).alertWarningHorizonDays).toBe(ALERT_CONFIG.defaultWarningHorizonDays);
    expect((await safetyOf()).taperStepMinSpacingHours).toBe(CLINICAL_SAFETY_SETTING_DEFAULTS.taperStepMinSpacingHours);
    // A retention limit set and then reset goes back to "keep every reading" (null).
    await input('telemetryRetentionDays').fill('365');
    await demo.page.locator('[data-testid="save-telemetry"]').click();
    await demo.page.locator('[data-testid="saved-telemetry"]').waitFor();
    expect((await settingsOf()).telemetryRetentionDays).toBe(365);
    await demo.page.locator('[data-testid="reset-telemetryRetentionDays"]').click();
    await demo.page.locator('[data-testid="save-telemetry"]').click();
    await demo.page.locator('[data-testid="saved-telemetry"]').waitFor();
    expect((await settingsOf()).telemetryRetentionDays).toBeNull();
  });

  it("edits the drug library's dose limits within the code's bounds", async () => {
    const drugs = async () => (await api(demo.server.baseUrl).get<ClinicDrugLibrary>(`/api/clinics/${demo.clinic.id}/drug-library`)).body;
    const hard = 'dailyDoseMcgPerDay.spinal.hard';
    expect(await field(hard).innerText()).toContain(`Default: ${DEFAULT_DRUG_LIBRARY.dailyDoseMcgPerDay.spinal.hard} mcg/day`);
    // Above the code's hard bound: refused beside the field, nothing stored.
    await input(hard).fill('2500');
    await demo.page.locator('[data-testid="save-drug-library"]').click();
    expect(await demo.page.locator(`[data-testid="error-${hard}"]`).innerText()).toBe(
      `must not exceed the code's bound of ${DEFAULT_DRUG_LIBRARY.dailyDoseMcgPerDay.spinal.hard}`,
    );
    expect((await drugs()).overrides).toBeNull();
    // Lowered: saved, kept after a reload; the API's own refusal (a soft limit above the new hard one) lands beside its field.
    await input(hard).fill('1500');
    await demo.page.locator('[data-testid="save-drug-library"]').click();
    await demo.page.locator('[data-testid="saved-drug-library"]').waitFor();
    expect((await drugs()).library.dailyDoseMcgPerDay.spinal.hard).toBe(1500);
    await input('dailyDoseMcgPerDay.spinal.soft').fill('1800');
    await demo.page.locator('[data-testid="save-drug-library"]').click();
    expect(await demo.page.locator('[data-testid="error-dailyDoseMcgPerDay.spinal.soft"]').innerText()).toBe(
      'must not exceed the hard limit of 1500',
    );
    await demo.page.reload();
    await input(hard).waitFor();
    expect(await input(hard).inputValue()).toBe('1500');
    await demo.page.locator(`[data-testid="reset-${hard}"]`).click();
    await demo.page.locator('[data-testid="save-drug-library"]').click();
    await demo.page.locator('[data-testid="saved-drug-library"]').waitFor();
    expect((await drugs()).library.dailyDoseMcgPerDay.spinal).toEqual(DEFAULT_DRUG_LIBRARY.dailyDoseMcgPerDay.spinal);
  });

  it('fits a 390 px phone without sideways scroll', async () => {
    await demo.page.setViewportSize(PHONE);
    await demo.page.reload();
    await input('alertWarningHorizonDays').waitFor();
    expect(await demo.page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await demo.shoot('i16-settings-390');
    await demo.shoot('i16-settings-390-top', false);
    await input('abruptReductionPercent').fill('70');
    await demo.page.locator('[data-testid="save-clinical-safety"]').click();
    await demo.page.locator('[data-testid="error-abruptReductionPercent"]').waitFor();
    await field('abruptReductionPercent').scrollIntoViewIfNeeded();
    await demo.page.screenshot({ path: `${SCREENS}/i16-settings-390-error.png` });
    expect(await demo.page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await demo.page.setViewportSize(DESK);
    await signOut();
  });

  it('lets someone administering several clinics pick the clinic', async () => {
    const second = (
      await api(demo.server.baseUrl).post<Clinic>('/api/clinics', { name: 'Second Site Clinic', timeZone: 'America/New_York' })
    ).body;
    await api(demo.server.baseUrl).call('PATCH', `/api/clinics/${second.id}/settings`, { refillDurationMinutes: 45 });
    await demo.openSignedIn('/admin/settings', TEST_ADMIN);
    const picker = demo.page.locator('[data-testid="settings-clinic"]');
    await picker.waitFor();
    await picker.selectOption(second.id);
    await demo.page.waitForFunction(
      () => (document.querySelector('[data-testid="setting-refillDurationMinutes"]') as HTMLInputElement | null)?.value === '45',
    );
    expect(await demo.page.locator('h1').innerText()).toContain('Second Site Clinic');
    await signOut();
  });

  it('is hidden from staff: no link, and the address says they may not', async () => {
    await demo.openSignedIn('/', DEMO_LOGINS.staff);
    await demo.page.locator('[data-testid="nav-fleet"]').waitFor();
    expect(await demo.page.locator('[data-testid="nav-admin-settings"]').count()).toBe(0);
    await demo.page.goto(`${demo.server.baseUrl}/admin/settings`);
    await demo.page.locator('[data-testid="not-allowed"]').waitFor();
    expect(await demo.page.locator('[data-testid="settings-page"]').count()).toBe(0);
    expect(await demo.page.locator('[data-testid="setting-alertWarningHorizonDays"]').count()).toBe(0);
  });
});
