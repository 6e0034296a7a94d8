// A clinic's settings on real PostgreSQL: defaults, validation naming the field, administrators only, audited, and the alert
// rules re-judging the clinic's pumps after a change.
import type { ClinicSettings } from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures, queryRows } from '../support/fixtures';
import { api, signIn } from '../support/http';
import { useTestServer } from '../support/test-server';

describe('clinic settings', () => {
  let f: ReturnType<typeof fixtures>;
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  let clinic: { id: string };

  const server = useTestServer({ clock, sessionHours: 24 * 365 });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    clinic = await f.clinic();
  });

  it('starts from the documented defaults', async () => {
    const res = await f.http.get<ClinicSettings>(`/api/clinics/${clinic.id}/settings`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      clinicId: clinic.id,
      timeZone: 'Europe/Paris',
      locale: 'fr-FR',
      defaultLocale: 'fr-FR',
      alertWarningHorizonDays: 21,
      bookingMarginDays: 7,
      refillDurationMinutes: 30,
      appointmentBufferMinutes: 10,
      telemetryStaleAfterHours: 24,
      replacementMarginDays: 30,
      programMismatchTolerancePercent: 1,
      programMismatchToleranceMcgPerDay: 1,
      telemetryRetentionDays: null,
      reservoirDiscrepancyToleranceMl: 2,
      reservoirDiscrepancyTolerancePercent: 10,
      alertSoundRepeatSeconds: 60,
    });
  });

  it('refuses bad values and unknown fields by name, and changes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ alertWarningHorizonDays: 3 }, 'alertWarningHorizonDays'],
      [{ bookingMarginDays: 2.5 }, 'bookingMarginDays'],
      [{ refillDurationMinutes: '30' }, 'refillDurationMinutes'],
      [{ bookingMarginDay: 3 }, 'bookingMarginDay'],
      [{ telemetryRetentionDays: 7 }, 'telemetryRetentionDays'],
      [{}, 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await f.http.call('PATCH', `/api/clinics/${clinic.id}/settings`, body);
      expect([field, res.status]).toEqual([field, 400]);
      expect(res.body.fields.map((x: { field: string }) => x.field)).toEqual([field]);
    }
    expect((await f.http.get<ClinicSettings>(`/api/clinics/${clinic.id}/settings`)).body.alertWarningHorizonDays).toBe(21);
  });

  it('lets an administrator change them (audited), not a clinician; the alert bands follow at once', async () => {
    // A pump 20 mL at 0.2 mL/day filled 1 May: refill deadline 30 July, 58.9 days away: no alert at a 21-day horizon.
    const pump = await f.pump((await f.patient(clinic.id)).id);
    await f.program(pump.id, { effectiveFrom: '2026-05-01T08:00:00Z' });
    await f.fill(pump.id, { filledAt: '2026-05-01T09:00:00Z' });
    const engine = server.app.get(AlertEngine);
    await engine.sweep();
    const refillAlerts = () =>
      queryRows<{ severity: string }>(
        server.databaseUrl,
        `SELECT severity FROM alerts WHERE pump_id = $1 AND kind = 'refill_due' AND status <> 'resolved'`,
        [pump.id],
      );
    expect(await refillAlerts()).toEqual([]);

    const email = `settings-clinician-${Date.now()}@pumpwatch.test`;
    await f.http.post('/api/users', {
      email,
      displayName: 'C',
      password: 'initial-password-1',
      clinicRoles: [{ clinicId: clinic.id, role: 'clinician' }],
    });
    const token = await signIn(server.baseUrl, email, 'initial-password-1');
    await api(server.baseUrl, { token }).post('/api/auth/password', {
      currentPassword: 'initial-password-1',
      newPassword: 'chosen-password-1',
    });
    expect(
      (await api(server.baseUrl, { token }).call('PATCH', `/api/clinics/${clinic.id}/settings`, { alertWarningHorizonDays: 60 })).status,
    ).toBe(403);

    const changed = await f.http.call<ClinicSettings>('PATCH', `/api/clinics/${clinic.id}/settings`, {
      alertWarningHorizonDays: 60,
      bookingMarginDays: 5,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ alertWarningHorizonDays: 60, bookingMarginDays: 5, refillDurationMinutes: 30 });
    await engine.processPendingEvents();
    expect(await refillAlerts()).toEqual([{ severity: 'warning' }]);
    const audit = await queryRows<{ changes: Record<string, { before: unknown; after: unknown }> }>(
      server.databaseUrl,
      `SELECT changes FROM audit_log WHERE action = 'clinic.settings_changed' AND entity_id = $1`,
      [clinic.id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].changes).toEqual({ alertWarningHorizonDays: { before: 21, after: 60 }, bookingMarginDays: { before: 7, after: 5 } });
    // Retention: a number of days, and back to null (keep every raw reading).
    expect(
      (await f.http.call<ClinicSettings>('PATCH', `/api/clinics/${clinic.id}/settings`, { telemetryRetentionDays: 365 })).body
        .telemetryRetentionDays,
    ).toBe(365);
    expect(
      (await f.http.call<ClinicSettings>('PATCH', `/api/clinics/${clinic.id}/settings`, { telemetryRetentionDays: null })).body
        .telemetryRetentionDays,
    ).toBeNull();
  });
});
