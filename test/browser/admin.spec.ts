// Browser test in real Chromium: the administrator's pages — add a user who must choose a password first, a machine token shown once then revoked, the audit trail.
import type { Browser, Page } from 'playwright-core';
import type { Clinic } from '@pumpwatch/shared';
import { MIN_PASSWORD_LENGTH } from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { startTestServer } from '../support/test-server';
import { api } from '../support/http';
import { DEMO_LOGINS } from '../support/test-accounts';
import { signInThroughPage } from './dashboard-sign-in';

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
    const types = await page.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-entity-type')));
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
  });
});
