// Builders for API tests: a clinic, a patient and a pump in a few lines, with valid defaults to override.
import type { Clinician, ClinicRole } from '@pumpwatch/shared';
import { Client } from 'pg';
import { api, signIn } from './http';

/** What a member made by `fixtures(...).member` signs in with once the forced first change is done. */
export const MEMBER_PASSWORD = 'chosen-password-1';

let counter = 0;
const unique = (prefix: string): string => `${prefix}-${process.pid}-${++counter}`;

export function fixtures(baseUrl: string) {
  const http = api(baseUrl);
  const created = async (path: string, body: unknown) => {
    const res = await http.post(path, body);
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  return {
    http,
    clinic: (overrides: Record<string, unknown> = {}) =>
      created('/api/clinics', { name: unique('Clinic'), timeZone: 'Europe/Paris', ...overrides }),
    patient: (clinicId: string, overrides: Record<string, unknown> = {}) =>
      created('/api/patients', {
        clinicId,
        mrn: unique('MRN'),
        displayName: unique('Patient'),
        birthDate: '1970-05-04',
        sex: 'female',
        ...overrides,
      }),
    pump: (patientId: string, overrides: Record<string, unknown> = {}) =>
      created('/api/pumps', {
        patientId,
        modelId: 'synchromed-ii-20',
        serialNumber: unique('NGP'),
        implantDate: '2025-01-10',
        ...overrides,
      }),
    fill: (pumpId: string, overrides: Record<string, unknown> = {}) =>
      created(`/api/pumps/${pumpId}/fills`, { filledAt: '2026-03-01T09:00:00Z', concentrationMcgPerMl: 500, volumeMl: 20, ...overrides }),
    program: (pumpId: string, overrides: Record<string, unknown> = {}) =>
      created(`/api/pumps/${pumpId}/programs`, {
        effectiveFrom: '2026-03-01T08:00:00Z',
        steps: [{ startTime: '00:00', doseMcgPerDay: 100 }],
        ...overrides,
      }),
    /** A nurse of the clinic who refills in these weekly sessions (clinic's zone; no dated overrides). */
    clinicianWithSessions: async (clinicId: string, displayName: string, weekly: { weekday: number; start: string; end: string }[]) => {
      const clinician = (await created('/api/clinicians', { clinicId, displayName, profession: 'nurse' })) as Clinician;
      const availability = await http.call('PUT', `/api/clinicians/${clinician.id}/availability`, { weekly, overrides: [] });
      if (availability.status !== 200)
        throw new Error(`PUT availability answered ${availability.status}: ${JSON.stringify(availability.body)}`);
      return clinician;
    },
    /** A user with one role, signed in, the initial password replaced (forced at first sign-in): ready to call the API. */
    member: async (clinicId: string, role: ClinicRole, label: string, options: { email?: string } = {}) => {
      const email = options.email ?? `${label}-${Date.now()}@pumpwatch.test`;
      const createdUser = await http.post('/api/users', {
        email,
        displayName: label,
        password: 'initial-password-1',
        clinicRoles: [{ clinicId, role }],
      });
      expect(createdUser.status).toBe(201);
      const token = await signIn(baseUrl, email, 'initial-password-1');
      expect(
        (await api(baseUrl, { token }).post('/api/auth/password', { currentPassword: 'initial-password-1', newPassword: MEMBER_PASSWORD }))
          .status,
      ).toBe(200);
      return { token, id: createdUser.body.id as string, email, displayName: label, http: api(baseUrl, { token }) };
    },
  };
}

/** Rows of any query, straight from PostgreSQL (one short connection): what the database really holds. */
export async function queryRows<T = Record<string, unknown>>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Rows in a table, read straight from PostgreSQL: proves a refused request wrote nothing (not even an event). */
export async function countRows(
  databaseUrl: string,
  table: 'clinics' | 'patients' | 'pumps' | 'fills' | 'programs' | 'events',
): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
    return result.rows[0].n as number;
  } finally {
    await client.end();
  }
}

export async function countAllRows(databaseUrl: string): Promise<Record<string, number>> {
  const tables = ['clinics', 'patients', 'pumps', 'fills', 'programs', 'events'] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = await countRows(databaseUrl, table);
  return counts;
}
