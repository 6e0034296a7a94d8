// Browser test in real Chromium: clinicians (add, deactivate), the on-call roster calendar with the header's "on call now", the
// escalation policy editor and webhooks (secret shown once, then disabled), hidden from a role without the permission, phone width.
import type { EscalationPolicy } from '@pumpwatch/shared';
import { api } from '../support/http';
import { DEMO_LOGINS } from '../support/test-accounts';
import { signInThroughPage } from './dashboard-sign-in';
import { DESK, PHONE, useDemoBrowser } from './demo-browser';

jest.setTimeout(240_000);

const ON_CALL_NURSE = 'Nurse Olivia Oncall';
const LEAVING_NURSE = 'Nurse Lena Leaving';
const DEMO_ON_CALL = 'Dr Chris Clinician (demo)';

describe('clinicians, on-call roster and escalation in Chromium', () => {
  const demo = useDemoBrowser();

  const headerOnCall = () => demo.page.locator(`.app-top [data-testid="on-call-now-item"][data-clinic-id="${demo.clinic.id}"]`);

  async function noSidewaysScroll(): Promise<boolean> {
    return demo.page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  }

  it('adds a clinician, edits and deactivates another, each reachable to its availability', async () => {
    await demo.openSignedIn('/clinicians');
    await demo.page.locator('[data-testid="clinician-row"]').first().waitFor();

    const form = demo.page.locator('[data-testid="add-clinician-form"]');
    // Refused beside its field, with the shared schema's own words, before anything is sent.
    await form.locator('[data-testid="submit-clinician"]').click();
    await form.locator('[data-testid="error-displayName"]').waitFor();

    for (const name of [ON_CALL_NURSE, 'Nurse Lena Leavin']) {
      await form.locator('[data-field="displayName"] input').fill(name);
      await form.locator('[data-field="pagerContact"] input').fill('+33 6 12 34 56 78');
      await form.locator('[data-testid="submit-clinician"]').click();
      await demo.page.locator('[data-testid="clinician-row"]', { hasText: name }).waitFor();
    }
    const added = demo.page.locator('[data-testid="clinician-row"]', { hasText: ON_CALL_NURSE });
    expect(await added.getAttribute('data-active')).toBe('true');
    expect(await added.locator('[data-testid="clinician-availability"]').getAttribute('href')).toMatch(
      /^\/scheduler\/clinicians\/[0-9a-f-]{36}$/,
    );

    // Edit: fix the name's typo.
    const leaving = demo.page.locator('[data-testid="clinician-row"]', { hasText: 'Nurse Lena Leavin' });
    await leaving.locator('[data-testid="edit-clinician"]').click();
    await leaving.locator('[data-testid="edit-clinician-form"] [data-field="displayName"] input').fill(LEAVING_NURSE);
    await leaving.locator('[data-testid="save-clinician"]').click();
    const renamed = demo.page.locator('[data-testid="clinician-row"]', { hasText: LEAVING_NURSE });
    await renamed.locator('[data-testid="edit-clinician-form"]').waitFor({ state: 'detached' });

    await renamed.locator('[data-testid="deactivate-clinician"]').click();
    await renamed.locator('[data-testid="confirm-deactivate-clinician"]').click();
    await demo.page.locator('[data-testid="clinician-row"][data-active="false"]', { hasText: LEAVING_NURSE }).waitFor();
    expect(await renamed.locator('[data-testid="clinician-state"]').innerText()).toContain('Deactivated');

    // The demo clinician is on call: deactivating them is refused, saying why and where to go, in the clinic's words.
    const onCall = demo.page.locator('[data-testid="clinician-row"]', { hasText: DEMO_ON_CALL });
    await onCall.locator('[data-testid="deactivate-clinician"]').click();
    await onCall.locator('[data-testid="confirm-deactivate-clinician"]').click();
    expect(await onCall.locator('[data-testid="clinician-error"]').innerText()).toContain('still has on-call shifts now or ahead');
    expect(await onCall.getAttribute('data-active')).toBe('true');

    await demo.shoot('i16-oncall-clinicians-1440');
    await demo.page.setViewportSize(PHONE);
    expect(await noSidewaysScroll()).toBe(true);
    await demo.shoot('i16-oncall-clinicians-390');
    await demo.page.setViewportSize(DESK);

    await added.locator('[data-testid="clinician-availability"]').click();
    await demo.page.waitForURL((url) => url.pathname.startsWith('/scheduler/clinicians/'));
    await demo.page.getByRole('heading', { level: 1 }).filter({ hasText: ON_CALL_NURSE }).waitFor();
  });

  it('adds a shift: in the calendar and the header names who is on call; cancelled, the header says "No one on call" in red', async () => {
    // The demo clinic starts with its demo clinician on call (a week-long primary shift since yesterday).
    await demo.page.locator(`.app-top [data-testid="on-call-now-item"][data-state="covered"]`).waitFor();
    expect(await headerOnCall().innerText()).toContain(`On call: ${DEMO_ON_CALL}`);

    await demo.page.locator('[data-testid="nav-on-call"]').click();
    const form = demo.page.locator('[data-testid="add-shift-form"]');
    await form.locator('[data-testid="shift-clinician"]').waitFor();
    // A deactivated clinician cannot be put on call, so the form does not offer them.
    const offered = await form.locator('[data-testid="shift-clinician"] option').allInnerTexts();
    expect(offered).toContain(ON_CALL_NURSE);
    expect(offered).not.toContain(LEAVING_NURSE);
    await form.locator('[data-testid="shift-clinician"]').selectOption({ label: ON_CALL_NURSE });
    await form.locator('[data-testid="shift-tier"]').selectOption('primary');
    // The default shift starts now (in the clinic's zone) and lasts 12 hours: it covers now.
    await form.locator('[data-testid="submit-shift"]').click();

    const shift = demo.page
      .locator('[data-testid="roster-day"] [data-testid="roster-shift"][data-cancelled="false"]', { hasText: ON_CALL_NURSE })
      .first();
    await shift.waitFor();
    expect(await shift.getAttribute('data-tier')).toBe('primary');
    expect(await shift.innerText()).toMatch(/primary[\s\S]*\d{2}:\d{2}–/i);
    await demo.page.waitForFunction(([selector, name]) => document.querySelector(selector)?.textContent?.includes(name), [
      `.app-top [data-testid="on-call-now-item"][data-clinic-id="${demo.clinic.id}"]`,
      ON_CALL_NURSE,
    ] as const);
    expect(await headerOnCall().innerText()).toContain(`On call: ${DEMO_ON_CALL}, ${ON_CALL_NURSE}`);
    expect(await demo.page.locator('[data-testid="on-call-summary"]').getAttribute('data-state')).toBe('covered');
    // The week's heading says which zone the calendar's times are in.
    expect(await demo.page.locator('[data-testid="roster-week-label"]').innerText()).toContain(demo.clinic.timeZone);

    await demo.shoot('i16-oncall-roster-1440');
    await demo.page.setViewportSize(PHONE);
    expect(await noSidewaysScroll()).toBe(true);
    await demo.shoot('i16-oncall-roster-390', false);
    // The page an on-call clinician opens on a phone: who is on call shows without opening the menu.
    await demo.page.goto(`${demo.server.baseUrl}/`);
    await demo.page.locator(`.app-top [data-testid="on-call-now-item"][data-state="covered"]`).waitFor();
    expect(await headerOnCall().isVisible()).toBe(true);
    // Room for one name on a phone: the first and how many more, never a name cut in half.
    expect((await headerOnCall().innerText()).replace(/\s+/g, ' ')).toContain(`On call: ${DEMO_ON_CALL} +1`);
    await demo.shoot('i16-oncall-fleet-header-390', false);
    await demo.page.setViewportSize(DESK);
    await demo.page.locator('[data-testid="nav-on-call"]').click();

    // Cancel both shifts covering now: the nurse's, then the demo clinician's.
    for (const name of [ON_CALL_NURSE, DEMO_ON_CALL]) {
      // Today's column comes first among the days holding a cancel button for the shift under way.
      const shiftId = await demo.page
        .locator('[data-testid="roster-shift"][data-cancelled="false"]', { hasText: name })
        .filter({ has: demo.page.locator('[data-testid="cancel-shift"]') })
        .first()
        .getAttribute('data-shift-id');
      const covering = demo.page.locator(`[data-testid="roster-shift"][data-shift-id="${shiftId}"]`).first();
      await covering.locator('[data-testid="cancel-shift"]').click();
      await covering.locator('[data-testid="confirm-cancel-shift"]').click();
      await demo.page.locator(`[data-testid="roster-shift"][data-shift-id="${shiftId}"][data-cancelled="true"]`).first().waitFor();
    }
    await demo.page.locator(`.app-top [data-testid="on-call-now-item"][data-state="none"]`).waitFor();
    const none = headerOnCall();
    expect(await none.innerText()).toContain('No one on call');
    // Red: the background's red channel dominates (and the words and the sign say it without colour).
    const background = await none.evaluate((el) => getComputedStyle(el).backgroundColor);
    const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
    expect(r).toBeGreaterThan(150);
    expect(g).toBeLessThan(80);
    expect(b).toBeLessThan(80);
    expect(await demo.page.locator('[data-testid="on-call-summary"]').getAttribute('data-state')).toBe('none');
    await demo.shoot('i16-oncall-no-one-1440', false);
    await demo.page.setViewportSize(PHONE);
    await demo.shoot('i16-oncall-no-one-390', false);
    await demo.page.setViewportSize(DESK);
  });

  it('edits the escalation policy, and adds a webhook whose secret is shown once, then disables it', async () => {
    await demo.page.locator('[data-testid="escalation-link"]').click();
    const policyForm = demo.page.locator('[data-testid="escalation-policy-form"]');
    await policyForm.waitFor();
    expect(await policyForm.locator('[data-testid="policy-origin"]').innerText()).toContain('default');
    await policyForm.locator('[data-field="urgentPageAfterMinutes"] input').fill('15');
    await policyForm.locator('[data-field="repeatTopLevelEveryMinutes"] input').fill('5');
    // A later level earlier than the one before it is refused beside its field.
    await policyForm.locator('[data-field="levels.1.afterMinutes"] input').fill('0');
    await policyForm.locator('[data-testid="save-policy"]').click();
    expect(await policyForm.locator('[data-testid="error-levels.1.afterMinutes"]').innerText()).toBe(
      'must be later than the level before it',
    );
    await policyForm.locator('[data-field="levels.1.afterMinutes"] input').fill('8');
    await policyForm.locator('[data-testid="save-policy"]').click();
    await policyForm.locator('[data-testid="policy-saved"]').waitFor();
    await policyForm.locator('[data-testid="policy-origin"]', { hasText: 'Set by the clinic' }).waitFor();
    const stored = (await api(demo.server.baseUrl).get<EscalationPolicy>(`/api/clinics/${demo.clinic.id}/escalation-policy`)).body;
    expect(stored).toMatchObject({ isDefault: false, urgentPageAfterMinutes: 15, repeatTopLevelEveryMinutes: 5 });
    expect(stored.levels[1].afterMinutes).toBe(8);

    const webhookForm = demo.page.locator('[data-testid="add-webhook-form"]');
    await webhookForm.locator('[data-field="name"] input').fill('Hospital pager gateway');
    await webhookForm.locator('[data-field="url"] input').fill('http://pager.example.org/hook');
    await webhookForm.locator('[data-testid="submit-webhook"]').click();
    expect(await webhookForm.locator('[data-testid="error-url"]').innerText()).toContain('https://');
    await webhookForm.locator('[data-field="url"] input').fill('https://pager.example.org/hook');
    await webhookForm.locator('[data-testid="submit-webhook"]').click();
    const secret = demo.page.locator('[data-testid="new-webhook-secret-value"]');
    await secret.waitFor();
    expect(await secret.inputValue()).toMatch(/^pwhs_.{20,}/);
    const row = demo.page.locator('[data-testid="webhook-row"]', { hasText: 'Hospital pager gateway' });
    await row.waitFor();
    expect(await row.getAttribute('data-active')).toBe('true');

    await demo.shoot('i16-oncall-escalation-1440');
    await demo.page.setViewportSize(PHONE);
    expect(await noSidewaysScroll()).toBe(true);
    await demo.shoot('i16-oncall-escalation-390');
    await demo.page.setViewportSize(DESK);

    // Leaving the page forgets the secret for good.
    await demo.page.locator('[data-testid="nav-fleet"]').click();
    await demo.page.locator('[data-testid="nav-on-call"]').click();
    await demo.page.locator('[data-testid="escalation-link"]').click();
    await row.waitFor();
    expect(await demo.page.locator('[data-testid="new-webhook-secret-value"]').count()).toBe(0);
    expect(await demo.page.content()).not.toContain('pwhs_');

    await row.locator('[data-testid="disable-webhook"]').click();
    await row.locator('[data-testid="confirm-disable-webhook"]').click();
    await demo.page.locator('[data-testid="webhook-row"][data-active="false"]', { hasText: 'Hospital pager gateway' }).waitFor();
    expect(
      await demo.page
        .locator('[data-testid="webhook-row"]', { hasText: 'Hospital pager gateway' })
        .locator('[data-testid="webhook-state"]')
        .innerText(),
    ).toContain('Disabled');
  });

  it('shows staff who is on call, and hides adding, cancelling, editing and webhooks from them', async () => {
    await demo.page.locator('[data-testid="sign-out"]').click();
    await demo.page.waitForURL((url) => url.pathname === '/sign-in');
    await signInThroughPage(demo.page, DEMO_LOGINS.staff);
    await demo.page.locator(`.app-top [data-testid="on-call-now-item"][data-state="none"]`).waitFor();

    await demo.page.locator('[data-testid="nav-on-call"]').click();
    await demo.page.locator('[data-testid="roster-calendar"]').waitFor();
    await demo.page.locator('[data-testid="roster-shift"]', { hasText: ON_CALL_NURSE }).first().waitFor();
    expect(await demo.page.locator('[data-testid="add-shift-form"]').count()).toBe(0);
    expect(await demo.page.locator('[data-testid="cancel-shift"]').count()).toBe(0);

    await demo.page.locator('[data-testid="escalation-link"]').click();
    await demo.page.locator('[data-testid="escalation-policy-form"]').waitFor();
    expect(await demo.page.locator('[data-testid="save-policy"]').count()).toBe(0);
    // Shown to read, not to change: every control of the policy is disabled.
    const controls = demo.page.locator('[data-testid="escalation-policy-form"] fieldset').locator('input, select');
    expect(await controls.count()).toBeGreaterThan(0);
    expect(await controls.evaluateAll((all) => all.every((c) => (c as HTMLInputElement).matches(':disabled')))).toBe(true);
    expect(await demo.page.locator('[data-testid="webhooks-section"]').count()).toBe(0);

    await demo.page.locator('[data-testid="nav-clinicians"]').click();
    await demo.page.locator('[data-testid="clinician-row"]', { hasText: ON_CALL_NURSE }).waitFor();
    expect(await demo.page.locator('[data-testid="add-clinician-form"]').count()).toBe(0);
    expect(await demo.page.locator('[data-testid="edit-clinician"]').count()).toBe(0);
    expect(await demo.page.locator('[data-testid="deactivate-clinician"]').count()).toBe(0);
  });
});
