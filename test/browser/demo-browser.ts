// The setup the admin screens' browser tests share: one demo server and one Chromium per spec file, a desk-sized page, the first
// demo clinic, signing in on a page of the dashboard, and full-page screenshots into SCREENS.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Clinic } from '@pumpwatch/shared';
import { launchChromium } from '../support/chromium';
import { api } from '../support/http';
import { SCREENS } from '../support/screens';
import { DEMO_LOGINS } from '../support/test-accounts';
import { startTestServer, type TestServer } from '../support/test-server';
import { signInThroughPage, type Credentials } from './dashboard-sign-in';

export const DESK = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface DemoBrowser {
  readonly server: TestServer;
  readonly browser: Browser;
  /** Opened at DESK size; a test that changes its size sets it back. */
  readonly page: Page;
  /** The demo's first clinic. */
  readonly clinic: Clinic;
  /** Opens a path of the dashboard on the page and signs in there (the administrator unless told). */
  openSignedIn(path: string, credentials?: Credentials): Promise<void>;
  /** From the top of the page, so the sticky header does not land mid-page in a full-page shot. */
  shoot(name: string, fullPage?: boolean): Promise<void>;
}

interface Started {
  server: TestServer;
  browser: Browser;
  page: Page;
  clinic: Clinic;
}

// One line in the spec's describe instead of four `let`s, a beforeAll and an afterAll; read its fields inside hooks and tests.
export function useDemoBrowser(): DemoBrowser {
  let started: Started | undefined;
  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    const [server, browser] = await Promise.all([startTestServer({ demo: true }), launchChromium()]);
    const clinic = (await api(server.baseUrl).get<Clinic[]>('/api/clinics')).body[0];
    const page = await browser.newPage({ viewport: DESK });
    started = { server, browser, page, clinic };
  });
  afterAll(async () => {
    await started?.browser.close();
    await started?.server.close();
  });
  const current = (): Started => {
    if (!started) throw new Error('the demo browser is not started yet: read it inside a hook or a test, after useDemoBrowser()');
    return started;
  };
  return {
    get server() {
      return current().server;
    },
    get browser() {
      return current().browser;
    },
    get page() {
      return current().page;
    },
    get clinic() {
      return current().clinic;
    },
    async openSignedIn(path, credentials = DEMO_LOGINS.admin) {
      const { page, server } = current();
      await page.goto(`${server.baseUrl}${path}`);
      await signInThroughPage(page, credentials);
    },
    async shoot(name, fullPage = true) {
      const { page } = current();
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${SCREENS}/${name}.png`, fullPage });
    },
  };
}
