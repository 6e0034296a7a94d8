// The clinic's locale on real PostgreSQL: derived from its time zone until chosen, a chosen tag saved canonical and shown on the
// clinic itself, a bad tag refused naming `locale`, and null going back to the zone's.
import type { Clinic, ClinicSettings } from '@pumpwatch/shared';
import { fixtures, queryRows } from '../support/fixtures';
import { useTestServer } from '../support/test-server';

describe('clinic locale setting', () => {
  let f: ReturnType<typeof fixtures>;
  const server = useTestServer();
  beforeAll(() => {
    f = fixtures(server.baseUrl);
  });

  const settingsOf = async (clinicId: string) => (await f.http.get<ClinicSettings>(`/api/clinics/${clinicId}/settings`)).body;
  const clinicOf = async (clinicId: string) => (await f.http.get<Clinic[]>('/api/clinics')).body.find((c) => c.id === clinicId);

  it('follows the time zone until a clinic chooses one', async () => {
    for (const [timeZone, locale] of [
      ['Europe/Berlin', 'de-DE'],
      ['America/Chicago', 'en-US'],
      ['Europe/London', 'en-GB'],
      ['Africa/Nairobi', 'en-GB'],
    ]) {
      const clinic = await f.clinic({ timeZone });
      const settings = await settingsOf(clinic.id);
      expect([timeZone, settings.locale, settings.defaultLocale]).toEqual([timeZone, locale, locale]);
      expect((await clinicOf(clinic.id))?.locale).toBe(locale);
    }
  });

  it('saves a chosen locale in its canonical spelling, audited, and null goes back to the zone', async () => {
    const clinic = await f.clinic({ timeZone: 'America/New_York' });
    const res = await f.http.call('PATCH', `/api/clinics/${clinic.id}/settings`, { locale: 'de-de' });
    expect(res.status).toBe(200);
    expect([res.body.locale, res.body.defaultLocale]).toEqual(['de-DE', 'en-US']);
    expect((await settingsOf(clinic.id)).locale).toBe('de-DE');
    expect((await clinicOf(clinic.id))?.locale).toBe('de-DE');
    const audit = await queryRows<{ changes: Record<string, unknown> }>(
      server.databaseUrl,
      `SELECT changes FROM audit_log WHERE entity_id = $1 AND action = 'clinic.settings_changed'`,
      [clinic.id],
    );
    expect(audit.map((row) => row.changes.locale)).toEqual([{ before: 'en-US', after: 'de-DE' }]);

    const cleared = await f.http.call('PATCH', `/api/clinics/${clinic.id}/settings`, { locale: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.locale).toBe('en-US');
    expect((await clinicOf(clinic.id))?.locale).toBe('en-US');
  });

  it('refuses a tag that is not a locale with 400 naming locale, and keeps the one in force', async () => {
    const clinic = await f.clinic({ timeZone: 'Europe/Paris' });
    await f.http.call('PATCH', `/api/clinics/${clinic.id}/settings`, { locale: 'en-GB' });
    for (const locale of ['not a locale', 'en_US', '', 42, 'x'.repeat(40)]) {
      const res = await f.http.call('PATCH', `/api/clinics/${clinic.id}/settings`, { locale, alertWarningHorizonDays: 30 });
      expect([locale, res.status]).toEqual([locale, 400]);
      expect(res.body.fields.map((x: { field: string }) => x.field)).toEqual(['locale']);
    }
    const settings = await settingsOf(clinic.id);
    expect([settings.locale, settings.alertWarningHorizonDays]).toEqual(['en-GB', 21]);
  });

  it('takes an optional locale at creation: canonical, shown on the clinic; absent follows the zone; a bad one creates nothing', async () => {
    const created = await f.http.call('POST', '/api/clinics', {
      name: 'Locale At Creation Clinic',
      timeZone: 'America/New_York',
      locale: 'de-de',
    });
    expect(created.status).toBe(201);
    expect(created.body.locale).toBe('de-DE');
    expect([(await settingsOf(created.body.id)).locale, (await clinicOf(created.body.id))?.locale]).toEqual(['de-DE', 'de-DE']);
    const withoutOne = await f.http.call('POST', '/api/clinics', { name: 'Zone Locale Clinic', timeZone: 'Europe/Berlin' });
    expect([withoutOne.status, withoutOne.body.locale]).toEqual([201, 'de-DE']);

    const before = await queryRows<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM clinics');
    const refused = await f.http.call('POST', '/api/clinics', { name: 'Bad Locale Clinic', timeZone: 'Europe/Paris', locale: 'en_US' });
    expect(refused.status).toBe(400);
    expect(refused.body.fields.map((x: { field: string }) => x.field)).toEqual(['locale']);
    expect(await queryRows<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM clinics')).toEqual(before);
  });
});
