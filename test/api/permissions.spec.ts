// Walks the whole permission table on real PostgreSQL: every route x every role (and anonymous) gets exactly the table's
// answer, every served route has a row, and a user of clinic B finds nothing of clinic A on REST and on the socket.
import { CLINIC_ROLES, ClinicRole, PumpChangedEvent, roleHolds, ROUTE_PERMISSIONS, RouteKey } from '@pumpwatch/shared';
import { io, Socket } from 'socket.io-client';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { RoutePermissionCheck } from '../../server/src/auth/route-permissions';
import { fixtures, MEMBER_PASSWORD } from '../support/fixtures';
import { adminToken, api, signIn } from '../support/http';
import { useTestServer } from '../support/test-server';

/** `gateway`: a telemetry machine token of clinic A. */
type Subject = 'anonymous' | ClinicRole | 'platform' | 'gateway';
const SUBJECTS: Subject[] = ['anonymous', ...CLINIC_ROLES, 'platform', 'gateway'];

interface Sample {
  path: string;
  body?: unknown;
  /** Status when the subject is allowed (a 4xx here still proves the guard let the request through). */
  allowed: number;
  /** A token of its own (logout ends the session it is called with). */
  ownToken?: boolean;
}

let counter = 0;
const next = (): number => ++counter;
const TAPER_PLAN = {
  startsAt: '2030-01-01T08:00:00Z',
  steps: [{ at: '2030-01-01T09:00:00Z', targetDoseMcgPerDay: 80 }],
  bridge: { drug: 'oral_baclofen', doseMgPerDay: 20 },
  reintroductionDoseMcgPerDay: 50,
};

describe('permission table', () => {
  let f: ReturnType<typeof fixtures>;
  const passwords = new Map<Subject, { email: string; password: string }>();
  const tokens = new Map<Subject, string | null>();
  let clinicA: { id: string };
  let clinicB: { id: string };
  let patientA: { id: string };
  let pumpA: { id: string; serialNumber: string };
  let victimId: string;
  let tokenIdA: string;
  let clinicianIdA: string;
  let shiftIdA: string;
  let webhookIdA: string;
  /** Scheduling (issue 6): a booked appointment of clinic A, a cancelled one (every action on it answers 409), a revoked feed. */
  const scheduling = { booked: '', cancelled: '', revokedFeed: '' };
  /** A pump of its own each time (one booked refill per pump), on a patient of its own (one active pump per patient). */
  const freshPumpA = async (): Promise<string> => (await f.pump((await f.patient(clinicA.id)).id)).id;
  /** An Opsgenie channel of clinic A of its own (issue 17), to change or disable. */
  const freshChannelA = async (): Promise<string> => {
    const created = await f.http.post(`/api/clinics/${clinicA.id}/notification-channels`, {
      kind: 'opsgenie',
      name: `Opsgenie ${next()}`,
      secret: 'opsgenie-api-key-for-permissions',
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  /** A start a day apart each time, on the minute, so no two bookings of clinician A overlap. */
  const freshStart = (): string => new Date(Math.floor((Date.now() + (30 + next()) * 86_400_000) / 60_000) * 60_000).toISOString();
  /** Alerts of pumpA (overdue and empty by now): a withdrawal-risk one left open, a refill one resolved. */
  const alertsA = { open: '', resolved: '' };

  /** A staff account of clinic A that has never signed in. */
  const freshUserA = async (): Promise<string> => {
    const created = await f.http.post('/api/users', {
      email: `fresh-${next()}@pumpwatch.test`,
      displayName: 'Fresh',
      password: 'initial-password-1',
      clinicRoles: [{ clinicId: clinicA.id, role: 'staff' }],
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  /** Creates a user with one role, signs in and replaces the initial password (forced at first sign-in). */
  const createMember = async (
    clinicId: string,
    role: ClinicRole,
    label: string,
  ): Promise<{ email: string; password: string; token: string; id: string }> => {
    const { email, token, id } = await f.member(clinicId, role, label, { email: `${label}-${next()}@pumpwatch.test` });
    return { email, password: MEMBER_PASSWORD, token, id };
  };

  const server = useTestServer();
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    clinicA = await f.clinic();
    clinicB = await f.clinic();
    patientA = await f.patient(clinicA.id);
    pumpA = await f.pump(patientA.id);
    await f.fill(pumpA.id, { filledAt: '2026-03-01T09:00:00Z' });
    await f.program(pumpA.id);
    tokens.set('anonymous', null);
    tokens.set('platform', await adminToken(server.baseUrl));
    for (const role of CLINIC_ROLES) {
      const member = await createMember(clinicA.id, role, `a-${role}`);
      tokens.set(role, member.token);
      passwords.set(role, member);
    }
    victimId = (await createMember(clinicA.id, 'staff', 'victim')).id;
    tokenIdA = (await f.http.post('/api/machine-tokens', { clinicId: clinicA.id, name: 'gateway A' })).body.id;
    tokens.set('gateway', (await f.http.post('/api/machine-tokens', { clinicId: clinicA.id, name: 'gateway subject' })).body.token);
    clinicianIdA = (await f.http.post('/api/clinicians', { clinicId: clinicA.id, displayName: 'Nurse A', profession: 'nurse' })).body.id;
    shiftIdA = (
      await f.http.post('/api/on-call-shifts', {
        clinicianId: clinicianIdA,
        startsAt: new Date(Date.now() + 3_600_000).toISOString(),
        endsAt: new Date(Date.now() + 7_200_000).toISOString(),
      })
    ).body.id;
    webhookIdA = (await f.http.post(`/api/clinics/${clinicA.id}/webhooks`, { name: 'Pager A', url: 'https://pager.example.org/a' })).body
      .id;
    const book = async () =>
      (
        await f.http.post('/api/appointments', {
          pumpId: await freshPumpA(),
          clinicianId: clinicianIdA,
          startsAt: freshStart(),
          overrideReason: 'permission test',
        })
      ).body.id as string;
    scheduling.booked = await book();
    scheduling.cancelled = await book();
    expect((await f.http.post(`/api/appointments/${scheduling.cancelled}/cancel`, {})).status).toBe(200);
    scheduling.revokedFeed = (await f.http.post('/api/calendar-feeds', { clinicianId: clinicianIdA, name: 'revoked feed' })).body.id;
    expect((await f.http.post(`/api/calendar-feeds/${scheduling.revokedFeed}/revoke`, {})).status).toBe(200);
    await server.app.get(AlertEngine).processPendingEvents();
    const alerts = (await f.http.get(`/api/alerts?pumpId=${pumpA.id}`)).body as { id: string; kind: string }[];
    alertsA.open = alerts.find((a) => a.kind === 'reservoir_near_empty')!.id;
    alertsA.resolved = alerts.find((a) => a.kind === 'refill_due')!.id;
    expect((await f.http.post(`/api/alerts/${alertsA.resolved}/resolve`, { note: 'refill booked' })).status).toBe(200);
  });

  const samples = (): Record<RouteKey, () => Promise<Sample>> => ({
    'GET /api/health': async () => ({ path: '/api/health', allowed: 200 }),
    'GET /api/health/ready': async () => ({ path: '/api/health/ready', allowed: 200 }),
    'POST /api/auth/login': async () => ({ path: '/api/auth/login', body: passwords.get('staff'), allowed: 200 }),
    'POST /api/auth/logout': async () => ({ path: '/api/auth/logout', allowed: 204, ownToken: true }),
    'GET /api/auth/me': async () => ({ path: '/api/auth/me', allowed: 200 }),
    'POST /api/auth/password': async () => ({
      path: '/api/auth/password',
      body: { currentPassword: 'not-the-password', newPassword: 'another-password-1' },
      allowed: 422,
    }),
    'POST /api/users': async () => ({
      path: '/api/users',
      allowed: 201,
      body: {
        email: `new-${next()}@pumpwatch.test`,
        displayName: 'New',
        password: 'initial-password-1',
        clinicRoles: [{ clinicId: clinicA.id, role: 'staff' }],
      },
    }),
    'GET /api/users': async () => ({ path: '/api/users', allowed: 200 }),
    'POST /api/users/:id/password': async () => ({
      path: `/api/users/${victimId}/password`,
      body: { password: 'reset-password-12' },
      allowed: 200,
    }),
    // Users (issue 16): a fresh staff account of clinic A each time (deactivating one twice answers 409).
    'POST /api/users/:id/deactivate': async () => ({ path: `/api/users/${await freshUserA()}/deactivate`, allowed: 200 }),
    'POST /api/users/:id/reactivate': async () => {
      const id = await freshUserA();
      expect((await f.http.post(`/api/users/${id}/deactivate`)).status).toBe(200);
      return { path: `/api/users/${id}/reactivate`, allowed: 200 };
    },
    'PUT /api/users/:id/clinic-roles/:clinicId': async () => ({
      path: `/api/users/${victimId}/clinic-roles/${clinicA.id}`,
      body: { role: 'staff' },
      allowed: 200,
    }),
    'POST /api/machine-tokens': async () => ({
      path: '/api/machine-tokens',
      body: { clinicId: clinicA.id, name: `gateway ${next()}` },
      allowed: 201,
    }),
    'GET /api/machine-tokens': async () => ({ path: '/api/machine-tokens', allowed: 200 }),
    'POST /api/machine-tokens/:id/revoke': async () => ({ path: `/api/machine-tokens/${tokenIdA}/revoke`, allowed: 200 }),
    'GET /api/audit': async () => ({ path: '/api/audit', allowed: 200 }),
    'POST /api/clinics': async () => ({ path: '/api/clinics', body: { name: `Clinic ${next()}`, timeZone: 'Europe/Paris' }, allowed: 201 }),
    'GET /api/clinics': async () => ({ path: '/api/clinics', allowed: 200 }),
    'POST /api/patients': async () => ({
      path: '/api/patients',
      allowed: 201,
      body: { clinicId: clinicA.id, mrn: `MRN-P-${next()}`, displayName: 'Permission Patient', birthDate: '1970-01-01', sex: 'male' },
    }),
    'GET /api/patients': async () => ({ path: '/api/patients', allowed: 200 }),
    'GET /api/patients/:id': async () => ({ path: `/api/patients/${patientA.id}`, allowed: 200 }),
    'GET /api/patients/:id/pumps': async () => ({ path: `/api/patients/${patientA.id}/pumps`, allowed: 200 }),
    'POST /api/pumps': async () => {
      const patient = await f.patient(clinicA.id);
      return {
        path: '/api/pumps',
        body: { patientId: patient.id, modelId: 'synchromed-ii-20', serialNumber: `PERM-${next()}`, implantDate: '2025-01-10' },
        allowed: 201,
      };
    },
    'GET /api/pumps': async () => ({ path: '/api/pumps', allowed: 200 }),
    'GET /api/pumps/:id': async () => ({ path: `/api/pumps/${pumpA.id}`, allowed: 200 }),
    'GET /api/pumps/:id/fleet-row': async () => ({ path: `/api/pumps/${pumpA.id}/fleet-row`, allowed: 200 }),
    'POST /api/pumps/:id/fills': async () => ({
      path: `/api/pumps/${pumpA.id}/fills`,
      allowed: 201,
      body: {
        filledAt: new Date(Date.parse('2026-04-01T09:00:00Z') + next() * 60_000).toISOString(),
        concentrationMcgPerMl: 500,
        volumeMl: 20,
      },
    }),
    'GET /api/pumps/:id/fills': async () => ({ path: `/api/pumps/${pumpA.id}/fills`, allowed: 200 }),
    'POST /api/pumps/:id/programs': async () => ({
      path: `/api/pumps/${pumpA.id}/programs`,
      allowed: 201,
      body: {
        effectiveFrom: new Date(Date.parse('2026-04-01T08:00:00Z') + next() * 60_000).toISOString(),
        steps: [{ startTime: '00:00', doseMcgPerDay: 100 }],
      },
    }),
    'GET /api/pumps/:id/programs': async () => ({ path: `/api/pumps/${pumpA.id}/programs`, allowed: 200 }),
    'GET /api/pumps/:id/forecast': async () => ({ path: `/api/pumps/${pumpA.id}/forecast`, allowed: 200 }),
    'POST /api/telemetry': async () => ({
      path: '/api/telemetry',
      allowed: 200,
      body: {
        readings: [
          {
            serialNumber: pumpA.serialNumber,
            recordedAt: new Date(Date.parse('2026-03-02T09:00:00Z') + next() * 60_000).toISOString(),
            reservoirVolumeMl: 15,
          },
        ],
      },
    }),
    'GET /api/pumps/:id/telemetry': async () => ({ path: `/api/pumps/${pumpA.id}/telemetry`, allowed: 200 }),
    'GET /api/pumps/:id/reconciliations': async () => ({ path: `/api/pumps/${pumpA.id}/reconciliations`, allowed: 200 }),
    'POST /api/pumps/:id/events': async () => ({
      path: `/api/pumps/${pumpA.id}/events`,
      body: { kind: 'mri', at: '2026-03-05T10:00:00Z' },
      allowed: 201,
    }),
    'GET /api/pumps/:id/events': async () => ({ path: `/api/pumps/${pumpA.id}/events`, allowed: 200 }),
    'POST /api/pumps/:id/events/:eventId/clear': async () => {
      const event = await f.http.post(`/api/pumps/${pumpA.id}/events`, { kind: 'mri', at: '2026-03-05T10:00:00Z' });
      return { path: `/api/pumps/${pumpA.id}/events/${event.body.id}/clear`, body: { note: 'valve reset' }, allowed: 200 };
    },
    'POST /api/clinicians': async () => ({
      path: '/api/clinicians',
      body: { clinicId: clinicA.id, displayName: `Clinician ${next()}`, profession: 'physician' },
      allowed: 201,
    }),
    'GET /api/clinicians': async () => ({ path: `/api/clinicians?clinicId=${clinicA.id}`, allowed: 200 }),
    'GET /api/clinicians/:id': async () => ({ path: `/api/clinicians/${clinicianIdA}`, allowed: 200 }),
    'PATCH /api/clinicians/:id': async () => ({
      path: `/api/clinicians/${clinicianIdA}`,
      body: { displayName: `Nurse A ${next()}` },
      allowed: 200,
    }),
    'POST /api/on-call-shifts': async () => {
      // A day apart each time, so no two allowed subjects' shifts of the same clinician overlap.
      const startsAt = Date.now() + next() * 86_400_000;
      return {
        path: '/api/on-call-shifts',
        body: {
          clinicianId: clinicianIdA,
          startsAt: new Date(startsAt).toISOString(),
          endsAt: new Date(startsAt + 3_600_000).toISOString(),
        },
        allowed: 201,
      };
    },
    'GET /api/on-call-shifts': async () => ({ path: `/api/on-call-shifts?clinicId=${clinicA.id}`, allowed: 200 }),
    'POST /api/on-call-shifts/:id/cancel': async () => ({ path: `/api/on-call-shifts/${shiftIdA}/cancel`, allowed: 200 }),
    'GET /api/clinics/:id/on-call-now': async () => ({ path: `/api/clinics/${clinicA.id}/on-call-now`, allowed: 200 }),
    'GET /api/clinics/:id/escalation-policy': async () => ({ path: `/api/clinics/${clinicA.id}/escalation-policy`, allowed: 200 }),
    'PUT /api/clinics/:id/escalation-policy': async () => ({
      path: `/api/clinics/${clinicA.id}/escalation-policy`,
      allowed: 200,
      body: {
        levels: [
          { target: 'on_call', afterMinutes: 0 },
          { target: 'clinic_admins', afterMinutes: 15 },
        ],
        repeatTopLevelEveryMinutes: 10,
        urgentPageAfterMinutes: next(),
      },
    }),
    // Alerts (issue 5): acting on the resolved alert answers 409, which proves the guard let the request through.
    'GET /api/alerts': async () => ({ path: `/api/alerts?clinicId=${clinicA.id}`, allowed: 200 }),
    'GET /api/alerts/:id': async () => ({ path: `/api/alerts/${alertsA.open}`, allowed: 200 }),
    'POST /api/alerts/:id/acknowledge': async () => ({ path: `/api/alerts/${alertsA.resolved}/acknowledge`, body: {}, allowed: 409 }),
    'POST /api/alerts/:id/resolve': async () => ({
      path: `/api/alerts/${alertsA.resolved}/resolve`,
      body: { note: 'checked' },
      allowed: 409,
    }),
    'POST /api/alerts/:id/snooze': async () => ({ path: `/api/alerts/${alertsA.open}/snooze`, body: { minutes: 15 }, allowed: 200 }),
    'PATCH /api/patients/:id': async () => ({ path: `/api/patients/${patientA.id}`, body: { previousWithdrawal: false }, allowed: 200 }),
    // Paging (issue 5): an unknown acknowledge token answers 404 to everyone, which proves the public routes need no sign-in.
    'GET /api/alerts/:id/pages': async () => ({ path: `/api/alerts/${alertsA.open}/pages`, allowed: 200 }),
    'GET /api/alerts/acknowledge-link': async () => ({ path: '/api/alerts/acknowledge-link?token=not-a-known-token', allowed: 404 }),
    'POST /api/alerts/acknowledge-link': async () => ({
      path: '/api/alerts/acknowledge-link',
      body: { token: 'not-a-known-token' },
      allowed: 404,
    }),
    'POST /api/clinics/:id/webhooks': async () => ({
      path: `/api/clinics/${clinicA.id}/webhooks`,
      body: { name: `Pager ${next()}`, url: 'https://pager.example.org/hook' },
      allowed: 201,
    }),
    'GET /api/clinics/:id/webhooks': async () => ({ path: `/api/clinics/${clinicA.id}/webhooks`, allowed: 200 }),
    'POST /api/clinics/:id/webhooks/:webhookId/disable': async () => ({
      path: `/api/clinics/${clinicA.id}/webhooks/${webhookIdA}/disable`,
      allowed: 200,
    }),
    // Notification channels (issue 17): a channel of its own to change or disable each time.
    'POST /api/clinics/:id/notification-channels': async () => ({
      path: `/api/clinics/${clinicA.id}/notification-channels`,
      body: { kind: 'opsgenie', name: `Opsgenie ${next()}`, secret: 'opsgenie-api-key-for-permissions' },
      allowed: 201,
    }),
    'GET /api/clinics/:id/notification-channels': async () => ({ path: `/api/clinics/${clinicA.id}/notification-channels`, allowed: 200 }),
    'PATCH /api/clinics/:id/notification-channels/:channelId': async () => ({
      path: `/api/clinics/${clinicA.id}/notification-channels/${await freshChannelA()}`,
      body: { name: `Opsgenie ${next()}` },
      allowed: 200,
    }),
    'DELETE /api/clinics/:id/notification-channels/:channelId': async () => ({
      path: `/api/clinics/${clinicA.id}/notification-channels/${await freshChannelA()}`,
      allowed: 200,
    }),
    // Clinical safety (issue 7): a taper plan per call on a fresh patient (one active plan per patient); ending one, a fresh plan each time.
    'POST /api/patients/:id/labs': async () => ({
      path: `/api/patients/${patientA.id}/labs`,
      body: { kind: 'serum_creatinine', value: 0.9, unit: 'mg/dL', takenAt: '2025-06-01T08:00:00Z' },
      allowed: 201,
    }),
    'GET /api/patients/:id/labs': async () => ({ path: `/api/patients/${patientA.id}/labs`, allowed: 200 }),
    'POST /api/patients/:id/side-effects': async () => ({
      path: `/api/patients/${patientA.id}/side-effects`,
      body: { kind: 'drowsiness', severity: 'mild', reportedAt: '2025-06-01T08:00:00Z', reportedBy: 'patient' },
      allowed: 201,
    }),
    'GET /api/patients/:id/side-effects': async () => ({ path: `/api/patients/${patientA.id}/side-effects`, allowed: 200 }),
    'POST /api/patients/:id/check-ups': async () => ({
      path: `/api/patients/${patientA.id}/check-ups`,
      body: { at: '2025-06-01T08:00:00Z', modifiedAshworth: '1+', patientRating: 6 },
      allowed: 201,
    }),
    'GET /api/patients/:id/check-ups': async () => ({ path: `/api/patients/${patientA.id}/check-ups`, allowed: 200 }),
    'POST /api/patients/:id/taper-plans': async () => ({
      path: `/api/patients/${(await f.patient(clinicA.id)).id}/taper-plans`,
      body: TAPER_PLAN,
      allowed: 201,
    }),
    'GET /api/patients/:id/taper-plans': async () => ({ path: `/api/patients/${patientA.id}/taper-plans`, allowed: 200 }),
    'POST /api/patients/:id/taper-plans/:planId/end': async () => {
      const patient = await f.patient(clinicA.id);
      const plan = await f.http.post(`/api/patients/${patient.id}/taper-plans`, TAPER_PLAN);
      return {
        path: `/api/patients/${patient.id}/taper-plans/${plan.body.id}/end`,
        body: { outcome: 'cancelled', note: 'permission test' },
        allowed: 200,
      };
    },
    'GET /api/patients/:id/clinical-summary': async () => ({ path: `/api/patients/${patientA.id}/clinical-summary`, allowed: 200 }),
    'GET /api/clinics/:id/clinical-safety-settings': async () => ({
      path: `/api/clinics/${clinicA.id}/clinical-safety-settings`,
      allowed: 200,
    }),
    'PUT /api/clinics/:id/clinical-safety-settings': async () => ({
      path: `/api/clinics/${clinicA.id}/clinical-safety-settings`,
      body: { labsIntervalMonths: 12 },
      allowed: 200,
    }),
    'GET /api/clinics/:id/drug-library': async () => ({ path: `/api/clinics/${clinicA.id}/drug-library`, allowed: 200 }),
    'PUT /api/clinics/:id/drug-library': async () => ({ path: `/api/clinics/${clinicA.id}/drug-library`, body: {}, allowed: 200 }),
    // Spreadsheet import (issue 17): a JSON body carries no file (400 naming it); an unknown import answers 404 naming importId.
    'POST /api/clinics/:id/imports': async () => ({ path: `/api/clinics/${clinicA.id}/imports`, body: {}, allowed: 400 }),
    'POST /api/clinics/:id/imports/:importId/confirm': async () => ({
      path: `/api/clinics/${clinicA.id}/imports/00000000-0000-4000-8000-000000000000/confirm`,
      allowed: 404,
    }),
    'GET /api/imports/template.csv': async () => ({ path: '/api/imports/template.csv', allowed: 200 }),
    // Scheduling (issue 6): actions on the cancelled appointment and the revoked feed answer 409, which proves the guard let them through.
    'GET /api/clinics/:id/settings': async () => ({ path: `/api/clinics/${clinicA.id}/settings`, allowed: 200 }),
    'PATCH /api/clinics/:id/settings': async () => ({
      path: `/api/clinics/${clinicA.id}/settings`,
      body: { alertWarningHorizonDays: 21 },
      allowed: 200,
    }),
    'GET /api/clinicians/:id/availability': async () => ({ path: `/api/clinicians/${clinicianIdA}/availability`, allowed: 200 }),
    'PUT /api/clinicians/:id/availability': async () => ({
      path: `/api/clinicians/${clinicianIdA}/availability`,
      body: { weekly: [{ weekday: 1, start: '08:00', end: '12:00' }] },
      allowed: 200,
    }),
    'GET /api/clinicians/:id/free-slots': async () => ({ path: `/api/clinicians/${clinicianIdA}/free-slots`, allowed: 200 }),
    'POST /api/rooms': async () => ({ path: '/api/rooms', body: { clinicId: clinicA.id, name: `Room ${next()}` }, allowed: 201 }),
    'GET /api/rooms': async () => ({ path: `/api/rooms?clinicId=${clinicA.id}`, allowed: 200 }),
    'GET /api/pumps/:id/refill-slots': async () => ({ path: `/api/pumps/${pumpA.id}/refill-slots`, allowed: 200 }),
    // Clinic closures (issue 16): a closure of its own to remove each time, far ahead so no test slot falls on it.
    'GET /api/clinics/:id/closures': async () => ({ path: `/api/clinics/${clinicA.id}/closures`, allowed: 200 }),
    'POST /api/clinics/:id/closures': async () => ({
      path: `/api/clinics/${clinicA.id}/closures`,
      body: { startDate: '2031-12-25', label: `Holiday ${next()}` },
      allowed: 201,
    }),
    'DELETE /api/clinics/:id/closures/:closureId': async () => {
      const closure = await f.http.post(`/api/clinics/${clinicA.id}/closures`, { startDate: '2031-12-26', label: `Holiday ${next()}` });
      return { path: `/api/clinics/${clinicA.id}/closures/${closure.body.id}`, allowed: 200 };
    },
    'POST /api/appointments': async () => ({
      path: '/api/appointments',
      body: { pumpId: await freshPumpA(), clinicianId: clinicianIdA, startsAt: freshStart(), overrideReason: 'permission test' },
      allowed: 201,
    }),
    'GET /api/appointments': async () => ({ path: `/api/appointments?clinicId=${clinicA.id}`, allowed: 200 }),
    'GET /api/appointments/:id': async () => ({ path: `/api/appointments/${scheduling.booked}`, allowed: 200 }),
    'PATCH /api/appointments/:id': async () => ({
      path: `/api/appointments/${scheduling.booked}`,
      body: { startsAt: freshStart(), overrideReason: 'permission test' },
      allowed: 200,
    }),
    'POST /api/appointments/:id/cancel': async () => ({ path: `/api/appointments/${scheduling.cancelled}/cancel`, body: {}, allowed: 409 }),
    'POST /api/appointments/:id/no-show': async () => ({
      path: `/api/appointments/${scheduling.cancelled}/no-show`,
      body: {},
      allowed: 409,
    }),
    'POST /api/appointments/:id/complete': async () => ({
      path: `/api/appointments/${scheduling.cancelled}/complete`,
      body: { filledAt: new Date().toISOString(), concentrationMcgPerMl: 500, volumeMl: 20, aspiratedResidualMl: 2 },
      allowed: 409,
    }),
    'GET /api/appointments/:id/worksheet': async () => ({ path: `/api/appointments/${scheduling.booked}/worksheet`, allowed: 200 }),
    'POST /api/refill-plan': async () => ({
      path: '/api/refill-plan',
      body: { clinicId: clinicA.id, from: new Date().toISOString(), to: new Date(Date.now() + 14 * 86_400_000).toISOString() },
      allowed: 200,
    }),
    'POST /api/refill-plan/confirm': async () => ({
      path: '/api/refill-plan/confirm',
      body: {
        appointments: [{ pumpId: await freshPumpA(), clinicianId: clinicianIdA, startsAt: freshStart() }],
        overrideReason: 'permission test',
      },
      allowed: 201,
    }),
    'GET /api/clinics/:id/fleet.csv': async () => ({ path: `/api/clinics/${clinicA.id}/fleet.csv`, allowed: 200 }),
    'GET /api/calendar.ics': async () => ({ path: '/api/calendar.ics?token=pwc_not-a-known-token', allowed: 404 }),
    'POST /api/calendar-feeds': async () => ({
      path: '/api/calendar-feeds',
      body: { clinicianId: clinicianIdA, name: `Feed ${next()}` },
      allowed: 201,
    }),
    'GET /api/calendar-feeds': async () => ({ path: `/api/calendar-feeds?clinicId=${clinicA.id}`, allowed: 200 }),
    // FHIR (issue 17): the CapabilityStatement is public; reads and searches need 'read' in the record's clinic.
    'GET /fhir/metadata': async () => ({ path: '/fhir/metadata', allowed: 200 }),
    'GET /fhir/:resourceType': async () => ({ path: `/fhir/Patient?_id=${patientA.id}`, allowed: 200 }),
    'GET /fhir/:resourceType/:id': async () => ({ path: `/fhir/Device/${pumpA.id}`, allowed: 200 }),
    'POST /api/calendar-feeds/:id/revoke': async () => ({ path: `/api/calendar-feeds/${scheduling.revokedFeed}/revoke`, allowed: 409 }),
  });

  /** What the table says this subject gets. */
  const expectedStatus = (route: RouteKey, subject: Subject, allowed: number): number => {
    const capability = ROUTE_PERMISSIONS[route];
    if (capability === 'public') return allowed;
    if (subject === 'anonymous') return 401;
    // A gateway token reaches the telemetry route of its clinic and nothing else.
    if (subject === 'gateway') return capability === 'telemetry' ? allowed : 403;
    if (subject === 'platform' || capability === 'authenticated') return allowed;
    return roleHolds(subject, capability) ? allowed : 403;
  };

  it('has a row for every route the server serves, and a route for every row', () => {
    const served = server.app.get(RoutePermissionCheck).routeKeys().sort();
    expect(served).toEqual(Object.keys(ROUTE_PERMISSIONS).sort());
  });

  it('answers every route for every role exactly as the table says', async () => {
    const table = samples();
    expect(Object.keys(table).sort()).toEqual(Object.keys(ROUTE_PERMISSIONS).sort());
    const mismatches: string[] = [];
    for (const route of Object.keys(ROUTE_PERMISSIONS) as RouteKey[]) {
      const method = route.split(' ')[0];
      for (const subject of SUBJECTS) {
        const sample = await table[route]();
        let token = tokens.get(subject) ?? null;
        if (sample.ownToken && subject !== 'anonymous' && subject !== 'gateway') {
          const login =
            subject === 'platform' ? { email: 'admin@pumpwatch.test', password: 'test-admin-password' } : passwords.get(subject)!;
          token = await signIn(server.baseUrl, login.email, login.password);
        }
        const response = await api(server.baseUrl, { token }).call(method, sample.path, sample.body);
        const expected = expectedStatus(route, subject, sample.allowed);
        if (response.status !== expected)
          mismatches.push(`${route} as ${subject}: ${response.status} (expected ${expected}) ${JSON.stringify(response.body)}`);
      }
    }
    expect(mismatches).toEqual([]);
    // Several hundred sequential calls (every route, every role), growing with the table: more than the default 30 s on a loaded machine.
  }, 180_000);

  describe('a user of clinic B', () => {
    let outsider: ReturnType<typeof api>;
    let outsiderToken: string;
    beforeAll(async () => {
      const member = await createMember(clinicB.id, 'admin', 'b-admin');
      outsiderToken = member.token;
      outsider = api(server.baseUrl, { token: outsiderToken });
    });

    it('gets 404 for every record of clinic A, as if it did not exist', async () => {
      const paths = [
        `/api/patients/${patientA.id}`,
        `/api/patients/${patientA.id}/pumps`,
        `/api/pumps/${pumpA.id}`,
        `/api/pumps/${pumpA.id}/fills`,
        `/api/pumps/${pumpA.id}/programs`,
        `/api/pumps/${pumpA.id}/forecast`,
        `/api/pumps/${pumpA.id}/fleet-row`,
        `/api/pumps?clinicId=${clinicA.id}`,
        `/api/patients?clinicId=${clinicA.id}`,
        `/api/machine-tokens?clinicId=${clinicA.id}`,
        `/api/alerts/${alertsA.open}`,
        `/api/alerts?clinicId=${clinicA.id}`,
        `/api/alerts/${alertsA.open}/pages`,
        `/api/clinics/${clinicA.id}/webhooks`,
        `/api/appointments/${scheduling.booked}`,
        `/api/appointments/${scheduling.booked}/worksheet`,
        `/api/appointments?clinicId=${clinicA.id}`,
        `/api/clinicians/${clinicianIdA}/availability`,
        `/api/rooms?clinicId=${clinicA.id}`,
        `/api/pumps/${pumpA.id}/refill-slots`,
        `/api/clinics/${clinicA.id}/fleet.csv`,
        `/api/patients/${patientA.id}/labs`,
        `/api/patients/${patientA.id}/clinical-summary`,
        `/api/patients/${patientA.id}/taper-plans`,
        `/fhir/Patient/${patientA.id}`,
        `/fhir/Device/${pumpA.id}`,
        `/fhir/Observation/${pumpA.id}-refill-deadline`,
        `/fhir/Organization/${clinicA.id}`,
        `/api/clinics/${clinicA.id}/clinical-safety-settings`,
        `/api/clinics/${clinicA.id}/drug-library`,
        `/api/clinics/${clinicA.id}/closures`,
        `/api/clinics/${clinicA.id}/notification-channels`,
      ];
      for (const path of paths) expect([path, (await outsider.get(path)).status]).toEqual([path, 404]);
      const writes: [string, unknown][] = [
        [`/api/pumps/${pumpA.id}/fills`, { filledAt: '2026-05-01T09:00:00Z', concentrationMcgPerMl: 500, volumeMl: 20 }],
        [`/api/pumps/${pumpA.id}/programs`, { effectiveFrom: '2026-05-01T08:00:00Z', steps: [{ startTime: '00:00', doseMcgPerDay: 100 }] }],
        ['/api/patients', { clinicId: clinicA.id, mrn: 'X-1', displayName: 'X', birthDate: '1970-01-01', sex: 'male' }],
        ['/api/pumps', { patientId: patientA.id, modelId: 'synchromed-ii-20', serialNumber: 'X-SER-1', implantDate: '2025-01-10' }],
        ['/api/machine-tokens', { clinicId: clinicA.id, name: 'x' }],
        [`/api/machine-tokens/${tokenIdA}/revoke`, undefined],
        [
          '/api/users',
          {
            email: 'x-user@pumpwatch.test',
            displayName: 'X',
            password: 'initial-password-1',
            clinicRoles: [{ clinicId: clinicA.id, role: 'admin' }],
          },
        ],
        [`/api/users/${victimId}/password`, { password: 'reset-password-12' }],
        [`/api/users/${victimId}/deactivate`, undefined],
        [`/api/users/${victimId}/reactivate`, undefined],
        [`/api/alerts/${alertsA.open}/acknowledge`, {}],
        [`/api/alerts/${alertsA.open}/resolve`, { note: 'x' }],
        [`/api/alerts/${alertsA.open}/snooze`, { minutes: 15 }],
        ['/api/appointments', { pumpId: pumpA.id, clinicianId: clinicianIdA, startsAt: freshStart(), overrideReason: 'x' }],
        [`/api/appointments/${scheduling.booked}/cancel`, {}],
        ['/api/rooms', { clinicId: clinicA.id, name: 'B room' }],
        ['/api/calendar-feeds', { clinicianId: clinicianIdA, name: 'B feed' }],
        [`/api/clinics/${clinicA.id}/imports`, {}],
        [`/api/clinics/${clinicA.id}/imports/00000000-0000-4000-8000-000000000000/confirm`, {}],
        [`/api/clinics/${clinicA.id}/closures`, { startDate: '2031-12-24', label: 'B holiday' }],
        [`/api/clinics/${clinicA.id}/notification-channels`, { kind: 'opsgenie', name: 'B Opsgenie', secret: 'opsgenie-api-key-of-b' }],
        [`/api/patients/${patientA.id}/labs`, { kind: 'serum_creatinine', value: 0.9, unit: 'mg/dL', takenAt: '2025-06-01T08:00:00Z' }],
        [
          `/api/patients/${patientA.id}/side-effects`,
          { kind: 'confusion', severity: 'mild', reportedAt: '2025-06-01T08:00:00Z', reportedBy: 'staff' },
        ],
      ];
      for (const [path, body] of writes) expect([path, (await outsider.post(path, body)).status]).toEqual([path, 404]);
      for (const clinicId of [clinicA.id, clinicB.id]) {
        const path = `/api/users/${victimId}/clinic-roles/${clinicId}`;
        expect([path, (await outsider.call('PUT', path, { role: 'admin' })).status]).toEqual([path, 404]);
      }
    });

    it('lists nothing of clinic A', async () => {
      const clinics = (await outsider.get('/api/clinics')).body as { id: string }[];
      expect(clinics.map((c) => c.id)).toEqual([clinicB.id]);
      expect((await outsider.get('/api/pumps')).body).toEqual([]);
      expect((await outsider.get('/api/patients')).body).toEqual([]);
      const users = (await outsider.get('/api/users')).body as { email: string; clinicRoles: { clinicId: string }[] }[];
      expect(users.every((u) => u.clinicRoles.every((r) => r.clinicId === clinicB.id))).toBe(true);
      const audit = (await outsider.get('/api/audit')).body as { clinicId: string | null }[];
      expect(audit.some((entry) => entry.clinicId === clinicA.id)).toBe(false);
    });

    it('receives on the socket the events of clinic B only', async () => {
      const socket: Socket = io(server.baseUrl, { transports: ['websocket'], forceNew: true, auth: { token: outsiderToken } });
      const received: PumpChangedEvent[] = [];
      socket.on('pump.changed', (event: PumpChangedEvent) => received.push(event));
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        await f.fill(pumpA.id, { filledAt: '2026-06-01T09:00:00Z' });
        const pumpB = await f.pump((await f.patient(clinicB.id)).id);
        const started = Date.now();
        while (!received.some((e) => e.pumpId === pumpB.id) && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 10));
        expect(received.map((e) => e.clinicId)).toContain(clinicB.id);
        expect(received.filter((e) => e.clinicId === clinicA.id)).toEqual([]);
      } finally {
        socket.close();
      }
    });
  });

  it('refuses a socket without credentials or with a revoked session', async () => {
    const attempt = (auth: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const socket = io(server.baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
        socket.once('connect', () => {
          socket.close();
          resolve('connected');
        });
        socket.once('connect_error', (error) => {
          socket.close();
          resolve(error.message);
        });
      });
    expect(await attempt({})).toBe('unauthenticated');
    const token = await signIn(server.baseUrl, 'admin@pumpwatch.test', 'test-admin-password');
    expect(await attempt({ token })).toBe('connected');
    expect((await api(server.baseUrl, { token }).post('/api/auth/logout')).status).toBe(204);
    expect(await attempt({ token })).toBe('unauthenticated');
  });
});
