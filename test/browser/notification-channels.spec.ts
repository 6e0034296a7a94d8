// Browser test in real Chromium: the escalation page's paging services (issue 17): an administrator adds a PagerDuty channel whose
// key is refused beside its field when short, then shown only as "stored encrypted, ends …"; adds an e-mail relay; disables the
// PagerDuty channel; staff never see the section. Screens at desk and phone width.
import type { NotificationChannel } from '@pumpwatch/shared';
import { api } from '../support/http';
import { DEMO_LOGINS } from '../support/test-accounts';
import { signInThroughPage } from './dashboard-sign-in';
import { DESK, PHONE, useDemoBrowser } from './demo-browser';

jest.setTimeout(240_000);

const ROUTING_KEY = 'R0ut1ngKeyForTheBrowserTest0a1b2';

describe('paging services on the escalation page in Chromium', () => {
  const demo = useDemoBrowser();

  it('adds a PagerDuty channel and an e-mail relay, never shows the key again, and disables the channel', async () => {
    await demo.openSignedIn('/on-call/escalation');
    const form = demo.page.locator('[data-testid="add-channel-form"]');
    await form.waitFor();
    expect(ROUTING_KEY).toHaveLength(32);

    // A short key is refused beside its field, in the shared schema's words, before anything is sent.
    await form.locator('[data-testid="channel-kind"]').selectOption('pagerduty');
    await form.locator('[data-testid="channel-name"]').fill('PagerDuty pump service');
    await form.locator('[data-testid="channel-secret"]').fill(ROUTING_KEY.slice(2));
    await form.locator('[data-testid="submit-channel"]').click();
    expect(await form.locator('[data-testid="error-secret"]').innerText()).toContain('32-character PagerDuty routing key');
    expect(
      (await api(demo.server.baseUrl).get<NotificationChannel[]>(`/api/clinics/${demo.clinic.id}/notification-channels`)).body,
    ).toEqual([]);

    await form.locator('[data-testid="channel-secret"]').fill(ROUTING_KEY);
    await form.locator('[data-testid="channel-levels"] label', { hasText: 'Clinic administrators' }).locator('input').uncheck();
    await form.locator('[data-testid="submit-channel"]').click();
    const row = demo.page.locator('[data-testid="channel-row"]', { hasText: 'PagerDuty pump service' });
    await row.waitFor();
    expect(await row.locator('[data-testid="channel-secret-label"]').innerText()).toContain(
      `Key stored encrypted, ends …${ROUTING_KEY.slice(-4)}`,
    );
    expect(await row.locator('[data-testid="channel-levels-label"]').innerText()).toBe('Levels: Primary on call, Backup');
    expect(await row.locator('[data-testid="channel-state"]').innerText()).toContain('Active');
    expect(await form.locator('[data-testid="channel-secret"]').inputValue()).toBe('');

    // An e-mail relay that takes mail without signing in.
    await form.locator('[data-testid="channel-kind"]').selectOption('email');
    await form.locator('[data-testid="channel-name"]').fill('Hospital mail relay');
    const smtp = form.locator('[data-testid="channel-smtp"]');
    await smtp.locator('[data-field="smtp.host"] input').fill('smtp.hospital.example.org');
    await smtp.locator('[data-field="smtp.from"] input').fill('pumpwatch@hospital.example.org');
    await form.locator('[data-testid="submit-channel"]').click();
    const mailRow = demo.page.locator('[data-testid="channel-row"]', { hasText: 'Hospital mail relay' });
    await mailRow.waitFor();
    expect(await mailRow.locator('[data-testid="channel-kind-label"]').innerText()).toContain(
      'E-mail (SMTP) · smtp.hospital.example.org:587',
    );
    expect(await mailRow.locator('[data-testid="channel-levels-label"]').innerText()).toBe(
      'Levels: Primary on call, Backup, Clinic administrators',
    );
    expect(await mailRow.locator('[data-testid="channel-secret-label"]').innerText()).toContain('No password');

    // After a reload the key is nowhere on the page.
    await demo.page.reload();
    await row.waitFor();
    expect(await demo.page.content()).not.toContain(ROUTING_KEY);
    await demo.page.locator('[data-testid="channels-section"]').scrollIntoViewIfNeeded();
    await demo.shoot('paging-services-1440');
    await demo.page.setViewportSize(PHONE);
    expect(await demo.page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await demo.shoot('paging-services-390');
    await demo.page.setViewportSize(DESK);

    await row.locator('[data-testid="disable-channel"]').click();
    await row.locator('[data-testid="confirm-disable-channel"]').click();
    const disabled = demo.page.locator('[data-testid="channel-row"][data-active="false"]', { hasText: 'PagerDuty pump service' });
    await disabled.waitFor();
    expect(await disabled.locator('[data-testid="channel-state"]').innerText()).toContain('Disabled');
    const stored = (await api(demo.server.baseUrl).get<NotificationChannel[]>(`/api/clinics/${demo.clinic.id}/notification-channels`)).body;
    expect(stored.map((c) => [c.name, c.kind, c.active]).sort()).toEqual([
      ['Hospital mail relay', 'email', true],
      ['PagerDuty pump service', 'pagerduty', false],
    ]);
  });

  it('hides the paging services from staff', async () => {
    const staffPage = await demo.browser.newPage({ viewport: DESK });
    await staffPage.goto(`${demo.server.baseUrl}/on-call/escalation`);
    await signInThroughPage(staffPage, DEMO_LOGINS.staff);
    await staffPage.locator('[data-testid="escalation-policy-form"]').waitFor();
    expect(await staffPage.locator('[data-testid="channels-section"]').count()).toBe(0);
    await staffPage.close();
  });
});
