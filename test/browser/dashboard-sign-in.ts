// Signing in through the dashboard's own sign-in page, as a person would: shared by the browser tests.
import type { Page } from 'playwright-core';

export interface Credentials {
  email: string;
  password: string;
}

/** Fills and sends the sign-in form already on screen (after a redirect or a visit to /sign-in). */
export async function submitSignIn(page: Page, { email, password }: Credentials): Promise<void> {
  await page.locator('[data-testid="sign-in-form"]').waitFor();
  await page.locator('[data-testid="sign-in-email"]').fill(email);
  await page.locator('[data-testid="sign-in-password"]').fill(password);
  await page.locator('[data-testid="sign-in-submit"]').click();
}

/** Signs in and waits until the user menu holds the session (on a phone it sits in the closed header menu, so attached, not visible). */
export async function signInThroughPage(page: Page, credentials: Credentials): Promise<void> {
  await submitSignIn(page, credentials);
  await page.locator('[data-testid="user-menu"]').waitFor({ state: 'attached', timeout: 10_000 });
}
