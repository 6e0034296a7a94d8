// Browser test in real Chromium: the administrator's pages — add a user who must choose a password first, a machine token shown once then revoked, the audit trail;
// a user's clinic role changed, their password reset (shown once), the account deactivated (its sign-in refused) and reactivated, on a desk and a phone.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Clinic } from '@pumpwatch/shared';
import { MIN_PASSWORD_LENGTH } from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { startTestServer } from '../support/test-server';
import { api } from '../support/http';
import { DEMO_LOGINS } from '../support/test-accounts';
import { SCREENS } from '../support/screens';
import { signInThroughPage, submitSignIn } from './dashboard-sign-in';

jest.setTimeout(180_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;

const NEW_USER = { email: 'new-nurse@pumpwatch.example', displayName: 'Nurse Newcomer', password: 'initial-password-1' };
const CHOSEN_PASSWORD = 'chosen-password-of-the-nurse';

describe('administration pages in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let clinic: Clinic;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchChromium()]);
    const clinics = (await api(server.baseUrl).get<Clinic[]>('/api/clinics')).body;
    clinic = clinics[0];
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signOut(): Promise<void> {
    await page.locator('[data-testid="sign-out"]').click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
  }

  it('adds a user, who must replace the initial password before anything else', async () => {
    await page.goto(`${server.baseUrl}/admin/users`);
    await signInThroughPage(page, DEMO_LOGINS.admin);
    await page.locator('[data-testid="user-row"]').first().waitFor();

    const form = page.locator('[data-testid="create-user-form"]');
    // Too short an initial password is refused beside its field, with the shared minimum.
    await form.locator('[data-field="email"] input').fill(NEW_USER.email);
    await form.locator('[data-field="displayName"] input').fill(NEW_USER.displayName);
    await form.locator('[data-field="password"] input').fill('short');
    await form.locator('[data-testid="create-user-role"]').selectOption('clinician');
    await form.locator('[data-testid="submit-user"]').click();
    expect(await form.locator('[data-testid="error-password"]').innerText()).toBe(`must be at least ${MIN_PASSWORD_LENGTH} characters`);

    await form.locator('[data-field="password"] input').fill(NEW_USER.password);
    await form.locator('[data-testid="submit-user"]').click();
    const row = page.locator(`[data-testid="user-row"][data-user-email="${NEW_USER.email}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain(`Clinician (${clinic.name})`);
    expect(await row.innerText()).toContain('must change');

    await signOut();
    await page.goto(`${server.baseUrl}/`);
    await signInThroughPage(page, NEW_USER);
    // Every page leads to the password change until it is done; the menu offers nothing else.
    await page.waitForURL((url) => url.pathname === '/account/password');
    await page.locator('[data-testid="password-change-required"]').waitFor();
    expect(await page.locator('[data-testid="nav-fleet"]').count()).toBe(0);
    await page.goto(`${server.baseUrl}/pumps/new`);
    await page.waitForURL((url) => url.pathname === '/account/password');

    const change = page.locator('[data-testid="change-password-form"]');
    await change.locator('[data-field="currentPassword"] input').fill(NEW_USER.password);
    await change.locator('[data-field="newPassword"] input').fill(CHOSEN_PASSWORD);
    await change.locator('[data-field="confirmPassword"] input').fill(`${CHOSEN_PASSWORD}-typo`);
    await change.locator('[data-testid="submit-password"]').click();
    expect(await change.locator('[data-testid="error-confirmPassword"]').innerText()).toBe('does not match the new password');

    await change.locator('[data-field="confirmPassword"] input').fill(CHOSEN_PASSWORD);
    await change.locator('[data-testid="submit-password"]').click();
    // Back to the page asked for, now open to a clinician.
    await page.waitForURL((url) => url.pathname === '/pumps/new');
    await page.locator('[data-testid="add-pump-form"]').waitFor();
    expect(await page.locator('[data-testid="user-name"]').innerText()).toBe(NEW_USER.displayName);
    await signOut();
  });

  it('shows a new machine token once, and revokes it after confirmation', async () => {
    await page.goto(`${server.baseUrl}/admin/machine-tokens`);
    await signInThroughPage(page, DEMO_LOGINS.admin);
    const form = page.locator('[data-testid="create-token-form"]');
    await form.locator('[data-field="name"] input').fill('Ward 3 gateway');
    await form.locator('[data-testid="submit-token"]').click();

    const secret = page.locator('[data-testid="new-token-value"]');
    await secret.waitFor();
    expect((await secret.inputValue()).length).toBeGreaterThan(20);
    expect(await secret.getAttribute('readonly')).not.toBeNull();
    const row = page.locator('[data-testid="token-row"]', { hasText: 'Ward 3 gateway' });
    await row.waitFor();
    expect(await row.getAttribute('data-revoked')).toBe('false');

    // Leaving the page forgets the secret for good.
    await page.locator('[data-testid="nav-fleet"]').click();
    await page.locator('[data-testid="nav-admin-machine-tokens"]').click();
    await row.waitFor();
    expect(await page.locator('[data-testid="new-token-value"]').count()).toBe(0);

    await row.locator('[data-testid="revoke-token"]').click();
    await row.locator('[data-testid="confirm-revoke-token"]').click();
    await page.locator('[data-testid="token-row"][data-revoked="true"]', { hasText: 'Ward 3 gateway' }).waitFor();
  });

  it('lists the audit trail newest first and filters it by record type', async () => {
    await page.locator('[data-testid="nav-admin-audit"]').click();
    await page.locator('[data-testid="audit-row"]').first().waitFor();
    const types = await page
      .locator('[data-testid="audit-row"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-entity-type')));
    expect(types).toContain('machine_token');
    expect(types).toContain('user');

    await page.locator('[data-testid="audit-entity-type"]').fill('machine_token');
    await page.locator('[data-testid="audit-apply"]').click();
    await page.waitForURL((url) => url.searchParams.get('entityType') === 'machine_token');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="audit-row"]')];
      return rows.length > 0 && rows.every((r) => r.getAttribute('data-entity-type') === 'machine_token');
    });
    // Newest first: the revocation above comes before the creation, each with its change shown.
    const text = await page.locator('[data-testid="audit-row"]').allInnerTexts();
    expect(text[0]).toContain('machine_token.revoked');
    expect(text[text.length - 1]).toContain('machine_token.created');
    expect(text[0]).toMatch(/revokedAt\s+—\s+→\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    // The token is named, not shown as an id prefix; the Record column says its type once, then its name.
    expect(await page.locator('[data-testid="audit-entity-label"]').first().innerText()).toBe('Ward 3 gateway');
    const record = (await page.locator('[data-testid="audit-record"]').first().innerText()).trim();
    expect(record.split(/\s*\n\s*/)).toEqual(['machine token', 'Ward 3 gateway']);
    expect(record.match(/machine token/g)).toHaveLength(1);
    // Who did it reads as colleagues know them (once the users are loaded); the e-mail the trail keeps stays beneath.
    await page.locator('[data-testid="audit-actor"]', { hasText: 'Dana Admin (demo)' }).first().waitFor();
    expect((await page.locator('[data-testid="audit-actor"]').first().innerText()).split(/\s*\n\s*/)).toEqual([
      'Dana Admin (demo)',
      DEMO_LOGINS.admin.email,
    ]);
    await page.screenshot({ path: `${SCREENS}/i16-audit-1440.png` });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: `${SCREENS}/names-audit-1440.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-testid="audit-table"]').scrollIntoViewIfNeeded();
    // On a phone each entry is a card: nothing scrolls sideways, neither the page nor the table's box, and Who is in sight.
    const widths = await page.locator('[data-testid="audit-table"]').evaluate((table) => ({
      page: document.documentElement.scrollWidth,
      box: (table.parentElement as HTMLElement).scrollWidth - (table.parentElement as HTMLElement).clientWidth,
    }));
    expect(widths).toEqual({ page: 390, box: 0 });
    expect(await page.locator('[data-testid="audit-actor"]').first().isVisible()).toBe(true);
    await page.screenshot({ path: `${SCREENS}/names-audit-390.png` });
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  describe("a user's account (issue 16)", () => {
    const DESK = { width: 1440, height: 900 };
    const PHONE = { width: 390, height: 844 };
    const row = () => page.locator(`[data-testid="user-row"][data-user-email="${NEW_USER.email}"]`);
    /** The user's password as last reset. */
    let drawn = '';

    /** Signing in as the new user from another browser context (another person's tab): the form's answer, or the page reached. */
    async function trySignIn(password: string, landsOn = '/account/password'): Promise<{ error: string | null; path: string }> {
      const context = await browser.newContext({ viewport: DESK });
      try {
        const other = await context.newPage();
        await other.goto(`${server.baseUrl}/sign-in`);
        await submitSignIn(other, { email: NEW_USER.email, password });
        const outcome = await Promise.race([
          other
            .locator('[data-testid="form-errors"]')
            .waitFor()
            .then(
              () => 'error' as const,
              () => 'closed' as const,
            ),
          other
            .waitForURL((url) => url.pathname === landsOn)
            .then(
              () => 'moved' as const,
              () => 'closed' as const,
            ),
        ]);
        return {
          error: outcome === 'error' ? await other.locator('[data-testid="form-errors"]').innerText() : null,
          path: new URL(other.url()).pathname,
        };
      } finally {
        await context.close();
      }
    }

    beforeAll(() => mkdirSync(SCREENS, { recursive: true }));

    it('changes a clinic role, from the role select of that clinic', async () => {
      await page.setViewportSize(DESK);
      await page.goto(`${server.baseUrl}/admin/users`);
      await row().waitFor();
      expect(await row().locator('[data-testid="user-state"]').innerText()).toContain('Active');
      const select = row().locator('[data-testid="user-role-select"]');
      expect(await select.inputValue()).toBe('clinician');
      // The save button appears only once another role is chosen.
      expect(await row().locator('[data-testid="user-role-save"]').count()).toBe(0);
      await select.selectOption('scheduler');
      await row().locator('[data-testid="user-role-save"]').click();
      await page.locator('[data-testid="users-done"]', { hasText: `${NEW_USER.displayName} is now Scheduler in ${clinic.name}` }).waitFor();
      await row()
        .filter({ hasText: `Scheduler (${clinic.name})` })
        .waitFor();
      expect(await row().locator('[data-testid="user-role-select"]').inputValue()).toBe('scheduler');
      // The first administrator's own card offers nothing to act on.
      const mine = page.locator(`[data-testid="user-row"][data-user-email="${DEMO_LOGINS.admin.email}"]`);
      expect(
        await mine
          .locator('[data-testid="deactivate-user"], [data-testid="open-reset-password"], [data-testid="user-role-select"]')
          .count(),
      ).toBe(0);
    });

    it('resets a password: the drawn password is shown once and opens the account until changed', async () => {
      await row().locator('[data-testid="open-reset-password"]').click();
      await row().locator('[data-testid="confirm-reset-password"]').click();
      const value = page.locator('[data-testid="reset-password-value"]');
      await value.waitFor();
      drawn = await value.inputValue();
      expect(drawn.length).toBeGreaterThanOrEqual(MIN_PASSWORD_LENGTH);
      await row().filter({ hasText: 'must change at next sign-in' }).waitFor();
      await page.screenshot({ path: `${SCREENS}/i16-users-reset-1440.png` });
      expect(await trySignIn(drawn)).toEqual({ error: null, path: '/account/password' });
      // Once stored, it is gone from the page for good.
      await page.locator('[data-testid="reset-password-shown"] button', { hasText: 'I have stored it' }).click();
      expect(await page.locator('[data-testid="reset-password-value"]').count()).toBe(0);
    });

    it('deactivates after confirmation (sign-in refused, saying why) and reactivates', async () => {
      await row().locator('[data-testid="deactivate-user"]').click();
      await row().locator('[data-testid="confirm-deactivate-user"]').click();
      await page
        .locator(`[data-testid="user-row"][data-user-email="${NEW_USER.email}"] [data-testid="user-state"][data-state="deactivated"]`)
        .waitFor();
      expect(await row().locator('[data-testid="user-state"]').innerText()).toMatch(/^⊘ Deactivated since /);
      await page.screenshot({ path: `${SCREENS}/i16-users-1440.png`, fullPage: true });

      // The right password, refused with the reason.
      const refused = await trySignIn(drawn);
      expect(refused.error).toMatch(/deactivated/);

      await page.setViewportSize(PHONE);
      await row().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await row().scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENS}/i16-users-390.png` });
      await page.screenshot({ path: `${SCREENS}/i16-users-full-390.png`, fullPage: true });

      await row().locator('[data-testid="reactivate-user"]').click();
      await page
        .locator(`[data-testid="user-row"][data-user-email="${NEW_USER.email}"] [data-testid="user-state"][data-state="active"]`)
        .waitFor();
      // The confirm step and the shown-once password fit the phone too.
      await row().locator('[data-testid="deactivate-user"]').click();
      await row().locator('[data-testid="open-reset-password"]').click();
      await row().locator('[data-testid="confirm-reset-password"]').click();
      await page.locator('[data-testid="reset-password-value"]').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await page.screenshot({ path: `${SCREENS}/i16-users-confirm-390.png` });
      // Reactivated, and the password drawn before this last reset no longer opens the account.
      expect(await trySignIn(drawn)).toEqual({ error: expect.stringMatching(/wrong/), path: '/sign-in' });
      await page.setViewportSize(DESK);
    });
  });
});
