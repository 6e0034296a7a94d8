// Browser test in real Chromium: each demo role signs in through the page, sees only the actions its role allows, and signs out; an ended session returns to sign-in and back.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Clinic, FleetPump, Program, PumpDetail, User } from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { startTestServer } from '../support/test-server';
import { api } from '../support/http';
import { DEMO_LOGINS, TEST_ADMIN } from '../support/test-accounts';
import { signInThroughPage, submitSignIn } from './dashboard-sign-in';
import { SCREENS } from '../support/screens';

jest.setTimeout(180_000);

type Server = Awaited<ReturnType<typeof startTestServer>>;
type DemoRole = keyof typeof DEMO_LOGINS;

/** What each demo role must see, from the issue: staff and schedulers only read; clinicians act on pumps; admins also administer. */
const EXPECTED: Record<DemoRole, { roleText: string; clinical: boolean; administers: boolean }> = {
  staff: { roleText: 'Staff', clinical: false, administers: false },
  scheduler: { roleText: 'Scheduler', clinical: false, administers: false },
  clinician: { roleText: 'Clinician', clinical: true, administers: false },
  admin: { roleText: 'Administrator', clinical: true, administers: true },
};
const ROLES = Object.keys(EXPECTED) as DemoRole[];

function nowIso(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

describe('sign-in, roles and sign-out in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let pump: FleetPump;
  let pumpPath: string;
  let clinic: Clinic;
  let users: User[];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchChromium()]);
    const admin = api(server.baseUrl);
    const fleet = (await admin.get<FleetPump[]>('/api/pumps')).body;
    // A programmable pump, so both clinical actions (record fill, set program) apply to it.
    pump = fleet.find((f) => f.status === 'ok' && f.pump.modelId !== 'constant-flow' && f.pump.explantedAt === null)!;
    expect(pump).toBeDefined();
    pumpPath = `/pumps/${pump.pump.id}`;
    clinic = (await admin.get<Clinic[]>('/api/clinics')).body.find((c) => c.id === pump.clinic.id)!;
    users = (await admin.get<User[]>('/api/users')).body;
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  /** A fresh browser profile: no cookie from another test. */
  async function freshPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    contexts.push(context);
    return context.newPage();
  }

  function at(page: Page): URL {
    return new URL(page.url());
  }

  async function count(page: Page, testId: string): Promise<number> {
    return page.locator(`[data-testid="${testId}"]`).count();
  }

  it.each(ROLES)(
    '%s: signs in from a protected pump page, lands back on it, sees only the allowed actions, and signs out',
    async (role) => {
      const expected = EXPECTED[role];
      const login = DEMO_LOGINS[role];
      const page = await freshPage();

      // Signed out, a protected page sends to sign-in and keeps the way back.
      await page.goto(`${server.baseUrl}${pumpPath}`);
      await page.waitForURL((url) => url.pathname === '/sign-in');
      expect(at(page).searchParams.get('next')).toBe(pumpPath);
      expect(await count(page, 'user-menu')).toBe(0);

      await signInThroughPage(page, login);
      await page.locator(`[data-testid="pump-page"][data-pump-id="${pump.pump.id}"]`).waitFor();
      expect(at(page).pathname).toBe(pumpPath);

      // The user menu names the user and the role in the demo clinic.
      const displayName = users.find((u) => u.email === login.email)?.displayName;
      expect(displayName).toBeDefined();
      expect((await page.locator('[data-testid="user-name"]').innerText()).trim()).toBe(displayName);
      expect((await page.locator('[data-testid="user-roles"]').innerText()).trim()).toBe(`${expected.roleText} (${clinic.name})`);
      expect(await count(page, 'change-password-link')).toBe(1);

      // Pump page: the clinical actions only for roles that hold them.
      expect(await count(page, 'open-fill-form')).toBe(expected.clinical ? 1 : 0);
      expect(await count(page, 'open-program-form')).toBe(expected.clinical ? 1 : 0);
      expect(await count(page, 'record-fill-form')).toBe(0);
      if (expected.clinical) {
        await page.locator('[data-testid="open-fill-form"]').click();
        await page.locator('[data-testid="record-fill-form"]').waitFor();
      }

      // Navigation: Add pump for clinical roles, the admin pages for administrators only.
      expect(await count(page, 'nav-fleet')).toBe(1);
      expect(await count(page, 'nav-add-pump')).toBe(expected.clinical ? 1 : 0);
      for (const link of ['nav-admin-users', 'nav-admin-machine-tokens', 'nav-admin-audit']) {
        expect(await count(page, link)).toBe(expected.administers ? 1 : 0);
      }
      await page.locator('[data-testid="nav-fleet"]').click();
      await page.locator('[data-testid="fleet-row"]').first().waitFor();
      expect(await count(page, 'add-pump-button')).toBe(expected.clinical ? 1 : 0);

      if (expected.administers) {
        await page.locator('[data-testid="nav-admin-users"]').click();
        await page.locator('[data-testid="user-row"]').first().waitFor();
        const emails = await page
          .locator('[data-testid="user-row"]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-user-email')));
        for (const demo of Object.values(DEMO_LOGINS)) expect(emails).toContain(demo.email);
        // The first administrator (of every clinic, with no clinic role) is listed like every other user (issue 16), without a
        // password reset this clinic administrator could not do.
        const first = page.locator(`[data-testid="user-row"][data-user-email="${TEST_ADMIN.email}"]`);
        expect(await first.innerText()).toContain('Administrator of every clinic');
        expect(await first.locator('[data-testid="open-reset-password"]').count()).toBe(0);
      } else {
        // Typing an admin address does not open the page either.
        await page.goto(`${server.baseUrl}/admin/users`);
        await page.locator('[data-testid="not-allowed"]').waitFor();
        expect(await count(page, 'users-table')).toBe(0);
      }

      // Sign out: to the sign-in page, without a way back into the session.
      await page.locator('[data-testid="sign-out"]').click();
      await page.waitForURL((url) => url.pathname === '/sign-in');
      expect(at(page).search).toBe('');
      expect(await count(page, 'user-menu')).toBe(0);
      await page.goto(`${server.baseUrl}${pumpPath}`);
      await page.waitForURL((url) => url.pathname === '/sign-in');
      expect(at(page).searchParams.get('next')).toBe(pumpPath);
    },
  );

  it('says the email or password is wrong, and stays signed out', async () => {
    const page = await freshPage();
    await page.goto(`${server.baseUrl}/sign-in`);
    await submitSignIn(page, { email: DEMO_LOGINS.staff.email, password: 'not-the-password' });
    const alert = page.locator('[data-testid="form-errors"]');
    await alert.waitFor();
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.innerText()).toContain('Email or password is wrong');
    expect(at(page).pathname).toBe('/sign-in');
    expect(await count(page, 'user-menu')).toBe(0);
  });

  it('shows a locked account its own wait, while another account still signs in from the same tab (issue 16)', async () => {
    // Last of the demo roles' tests on purpose: it locks the scheduler's account for the rest of this server's life.
    const locked = DEMO_LOGINS.scheduler;
    const page = await freshPage();
    await page.goto(`${server.baseUrl}/sign-in`);
    const submit = page.locator('[data-testid="sign-in-submit"]');
    const errors = page.locator('[data-testid="form-errors"]');
    // Five failures lock the account (LOGIN_THROTTLE.accountFailures); the next attempt is answered with the wait.
    for (let attempt = 1; attempt <= 6; attempt++) {
      await submitSignIn(page, { email: locked.email, password: `wrong-${attempt}` });
      await page.waitForFunction((n) => {
        const text = document.querySelector('[data-testid="form-errors"]')?.textContent ?? '';
        return n < 6
          ? text.includes('Email or password is wrong') &&
              !document.querySelector('[data-testid="sign-in-submit"]')?.hasAttribute('disabled')
          : text.includes('Too many attempts');
      }, attempt);
      if (attempt < 6) await page.locator('[data-testid="sign-in-password"]').fill('');
    }
    expect(await errors.innerText()).toContain(`Too many attempts for ${locked.email}`);
    expect(await submit.isDisabled()).toBe(true);
    expect(await submit.getAttribute('data-locked-email')).toBe(locked.email);
    expect(await submit.innerText()).toMatch(/^Sign in \(wait \d+ (s|min)\)$/);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: `${SCREENS}/16-signin-locked-1440.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SCREENS}/16-signin-locked-390.png`, fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // Another email in the same tab: the button is back, and that account signs in.
    await page.locator('[data-testid="sign-in-email"]').fill(DEMO_LOGINS.clinician.email);
    expect(await submit.isDisabled()).toBe(false);
    expect(await submit.innerText()).toBe('Sign in');
    // Typing the locked email again shows its wait again (case does not matter).
    await page.locator('[data-testid="sign-in-email"]').fill(locked.email.toUpperCase());
    expect(await submit.isDisabled()).toBe(true);
    await signInThroughPage(page, DEMO_LOGINS.clinician);
    expect((await page.locator('[data-testid="user-name"]').innerText()).trim()).toBe(
      users.find((u) => u.email === DEMO_LOGINS.clinician.email)?.displayName,
    );
  });

  it('returns to sign-in when the session ends on the server, then back to the same pump page after signing in again', async () => {
    const page = await freshPage();
    await page.goto(`${server.baseUrl}${pumpPath}`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await signInThroughPage(page, DEMO_LOGINS.clinician);
    await page.locator(`[data-testid="pump-page"][data-pump-id="${pump.pump.id}"]`).waitFor();
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 10_000 });

    // The session ends behind the dashboard's back: revoked with the page's own cookie.
    const status = await page.evaluate(async () => {
      const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
      return (await fetch('/api/auth/logout', { method: 'POST', headers: { 'x-csrf-token': me.csrfToken } })).status;
    });
    expect(status).toBe(204);

    // Something changes on the pump, so the page reloads its data (or its live connection is dropped): either way it finds the session gone.
    const detail = (await api(server.baseUrl).get<PumpDetail>(`/api/pumps/${pump.pump.id}`)).body;
    const last = detail.programs.reduce((a: Program, b: Program) => (Date.parse(a.effectiveFrom) > Date.parse(b.effectiveFrom) ? a : b));
    const changed = await api(server.baseUrl).post(`/api/pumps/${pump.pump.id}/programs`, {
      effectiveFrom: nowIso(),
      steps: last.steps,
      periodicBoluses: last.periodicBoluses,
      patientBolus: last.patientBolus,
    });
    expect(changed.status).toBe(201);

    await page.waitForURL((url) => url.pathname === '/sign-in', { timeout: 10_000 });
    expect(at(page).searchParams.get('next')).toBe(pumpPath);
    await page.locator('[data-testid="session-ended"]').waitFor();

    await signInThroughPage(page, DEMO_LOGINS.clinician);
    await page.locator(`[data-testid="pump-page"][data-pump-id="${pump.pump.id}"]`).waitFor();
    expect(at(page).pathname).toBe(pumpPath);
  });
});
