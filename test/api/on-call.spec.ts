// Clinicians, on-call shifts, escalation policies and "who is on call now" over HTTP on real PostgreSQL.
import type { ClinicRole } from '@pumpwatch/shared';
import { clinicTime } from '@pumpwatch/shared';
import { ManualClock } from '../../server/src/infra/clock';
import { OnCallRosterService } from '../../server/src/on-call/on-call-roster.service';
import { fixtures, queryRows } from '../support/fixtures';
import { api, signIn } from '../support/http';
import { useTestServer } from '../support/test-server';

const UNKNOWN_ID = '6f1c1d2e-0000-4000-8000-000000000000';
const NOW = '2026-06-01T12:00:00.000Z';
const HOUR = 3_600_000;
/** An instant `hours` after the test clock's start, as the API writes it. */
const at = (hours: number): string => new Date(Date.parse(NOW) + hours * HOUR).toISOString();

describe('clinicians and on-call roster', () => {
  const clock = new ManualClock(NOW);
  let f: ReturnType<typeof fixtures>;
  let counter = 0;

  const server = useTestServer({ clock });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
  });
  afterEach(() => clock.set(NOW));

  /** Rows of every table these routes write, read straight from PostgreSQL: a refusal must leave them all as they were. */
  const counts = async (): Promise<Record<string, number>> => {
    const [row] = await queryRows<Record<string, number>>(
      server.databaseUrl,
      `SELECT
      (SELECT count(*)::int FROM clinicians) AS clinicians, (SELECT count(*)::int FROM on_call_shifts) AS shifts,
      (SELECT count(*) FILTER (WHERE cancelled_at IS NOT NULL)::int FROM on_call_shifts) AS cancelled,
      (SELECT count(*)::int FROM escalation_policies) AS policies, (SELECT count(*)::int FROM audit_log) AS audit,
      (SELECT count(*)::int FROM events) AS events`,
    );
    return row;
  };
  const clinician = async (clinicId: string, over: Record<string, unknown> = {}) => {
    const res = await f.http.post('/api/clinicians', { clinicId, displayName: `Clinician ${++counter}`, profession: 'nurse', ...over });
    if (res.status !== 201) throw new Error(`POST /api/clinicians answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const shift = async (clinicianId: string, startsAt: string, endsAt: string, over: Record<string, unknown> = {}) => {
    const res = await f.http.post('/api/on-call-shifts', { clinicianId, startsAt, endsAt, ...over });
    if (res.status !== 201) throw new Error(`POST /api/on-call-shifts answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  /** A user with one role in a clinic (created by the test administrator; never signs in). */
  const user = async (clinicId: string, role: ClinicRole = 'clinician') => {
    const res = await f.http.post('/api/users', {
      email: `user-${++counter}@pumpwatch.test`,
      displayName: `User ${counter}`,
      password: 'initial-password-1',
      clinicRoles: [{ clinicId, role }],
    });
    if (res.status !== 201) throw new Error(`POST /api/users answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as { id: string; displayName: string };
  };
  const fieldsOf = (res: { body: { fields?: { field: string }[] } }): string[] => (res.body.fields ?? []).map((x) => x.field);

  describe('clinicians', () => {
    it('registers a nurse linked to a clinic user, reads it back and lists it, keeping the pager number out of the audit trail', async () => {
      const clinic = await f.clinic();
      const member = await user(clinic.id);
      const created = await f.http.post('/api/clinicians', {
        clinicId: clinic.id,
        displayName: 'Claire Martin',
        profession: 'nurse',
        userId: member.id,
        pagerContact: '+33 6 12 34 56 78',
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        clinicId: clinic.id,
        displayName: 'Claire Martin',
        profession: 'nurse',
        userId: member.id,
        pagerContact: '+33 6 12 34 56 78',
        active: true,
        createdAt: expect.any(String),
      });
      expect((await f.http.get(`/api/clinicians/${created.body.id}`)).body).toEqual(created.body);
      expect((await f.http.get(`/api/clinicians?clinicId=${clinic.id}`)).body).toEqual([created.body]);

      const audit = await queryRows<{ action: string; changes: Record<string, { after: unknown }> }>(
        server.databaseUrl,
        `SELECT action, changes FROM audit_log WHERE entity_type = 'clinician' AND entity_id = $1`,
        [created.body.id],
      );
      expect(audit).toHaveLength(1);
      expect(audit[0].action).toBe('clinician.created');
      expect(audit[0].changes.displayName.after).toBe('Claire Martin');
      expect(audit[0].changes.pagerContact.after).toBe('(contact hidden)');
      expect(JSON.stringify(await queryRows(server.databaseUrl, 'SELECT * FROM audit_log'))).not.toContain('12 34 56');
    });

    type BadCase = [string, () => Promise<Record<string, unknown>>, number, string];
    const badCases: BadCase[] = [
      ['a missing display name', async () => ({ clinicId: (await f.clinic()).id, profession: 'nurse' }), 400, 'displayName'],
      [
        'an unknown profession',
        async () => ({ clinicId: (await f.clinic()).id, displayName: 'X', profession: 'surgeon' }),
        400,
        'profession',
      ],
      [
        'a malformed userId',
        async () => ({ clinicId: (await f.clinic()).id, displayName: 'X', profession: 'nurse', userId: 'user-1' }),
        400,
        'userId',
      ],
      [
        'an empty pager contact',
        async () => ({ clinicId: (await f.clinic()).id, displayName: 'X', profession: 'nurse', pagerContact: ' ' }),
        400,
        'pagerContact',
      ],
      ['an unknown clinic', async () => ({ clinicId: UNKNOWN_ID, displayName: 'X', profession: 'nurse' }), 404, 'clinicId'],
      [
        'a user without a role in the clinic',
        async () => {
          const [clinic, other] = [await f.clinic(), await f.clinic()];
          return { clinicId: clinic.id, displayName: 'X', profession: 'nurse', userId: (await user(other.id)).id };
        },
        422,
        'userId',
      ],
      [
        'a user already linked to a clinician of the clinic',
        async () => {
          const clinic = await f.clinic();
          const member = await user(clinic.id);
          await clinician(clinic.id, { userId: member.id });
          return { clinicId: clinic.id, displayName: 'Twin', profession: 'physician', userId: member.id };
        },
        409,
        'userId',
      ],
    ];
    it.each(badCases)('refuses %s, naming the field, and writes nothing', async (_name, setup, status, field) => {
      const body = await setup();
      const before = await counts();
      const res = await f.http.post('/api/clinicians', body);
      expect(res.status).toBe(status);
      expect(fieldsOf(res)).toContain(field);
      expect(await counts()).toEqual(before);
    });

    it('renames, replaces and clears the pager contact, deactivates and reactivates, auditing each change without a number', async () => {
      const clinic = await f.clinic();
      const nurse = await clinician(clinic.id, { pagerContact: 'bleep 4711' });
      const patch = (body: unknown) => f.http.call('PATCH', `/api/clinicians/${nurse.id}`, body);

      expect((await patch({ displayName: 'Claire Martin-Roux', pagerContact: 'bleep 4712' })).body).toMatchObject({
        displayName: 'Claire Martin-Roux',
        pagerContact: 'bleep 4712',
        active: true,
      });
      expect((await patch({ pagerContact: null })).body).toMatchObject({ pagerContact: null });
      expect((await patch({ active: false })).body).toMatchObject({ active: false });
      expect((await patch({ active: true })).body).toMatchObject({ active: true });
      const unchanged = await counts();
      expect((await patch({ active: true })).status).toBe(200);
      expect(await counts()).toEqual(unchanged);

      const audit = await queryRows<{ changes: Record<string, { before: unknown; after: unknown }> }>(
        server.databaseUrl,
        `SELECT changes FROM audit_log WHERE entity_id = $1 AND action = 'clinician.updated' ORDER BY id`,
        [nurse.id],
      );
      expect(audit.map((row) => row.changes)).toEqual([
        {
          displayName: { before: nurse.displayName, after: 'Claire Martin-Roux' },
          pagerContact: { before: '(contact hidden)', after: '(contact hidden)' },
        },
        { pagerContact: { before: '(contact hidden)', after: null } },
        { active: { before: true, after: false } },
        { active: { before: false, after: true } },
      ]);
      expect(JSON.stringify(audit)).not.toContain('bleep');
    });

    it('refuses changes it cannot make, naming the field, and writes nothing', async () => {
      const nurse = await clinician((await f.clinic()).id);
      const before = await counts();
      for (const [body, field] of [
        [{}, 'body'],
        [{ profession: 'physician' }, 'profession'],
        [{ active: 'no' }, 'active'],
        [{ displayName: '' }, 'displayName'],
      ] as const) {
        const res = await f.http.call('PATCH', `/api/clinicians/${nurse.id}`, body);
        expect([JSON.stringify(body), res.status, fieldsOf(res)]).toEqual([JSON.stringify(body), 400, [field]]);
      }
      expect(await counts()).toEqual(before);
    });

    it('refuses to deactivate a clinician who still has a shift now or ahead (409 naming active) and changes nothing', async () => {
      const nurse = await clinician((await f.clinic()).id);
      await shift(nurse.id, at(24), at(36));
      const before = await counts();
      const res = await f.http.call('PATCH', `/api/clinicians/${nurse.id}`, { active: false, displayName: 'Leaving' });
      expect(res.status).toBe(409);
      expect(fieldsOf(res)).toEqual(['active']);
      // The first shift in the way, on the clinic's wall clock (the fixtures' clinics are in Europe/Paris).
      expect(res.body.message).toContain(`the first ${clinicTime(at(24), 'Europe/Paris')} to ${clinicTime(at(36), 'Europe/Paris')}`);
      expect(await counts()).toEqual(before);
      expect((await f.http.get(`/api/clinicians/${nurse.id}`)).body).toMatchObject({ active: true, displayName: nurse.displayName });
    });

    it('answers 404 for an unknown clinician id, malformed or not, on read and on change', async () => {
      for (const id of [UNKNOWN_ID, 'not-a-uuid']) {
        expect(fieldsOf(await f.http.get(`/api/clinicians/${id}`))).toEqual(['id']);
        expect((await f.http.call('PATCH', `/api/clinicians/${id}`, { displayName: 'X' })).status).toBe(404);
      }
      expect((await f.http.get(`/api/clinicians?clinicId=${UNKNOWN_ID}`)).status).toBe(404);
    });
  });

  describe('on-call shifts', () => {
    it('puts a clinician on call as primary by default, lists the shift, and records the change for the dashboard', async () => {
      const clinic = await f.clinic();
      const nurse = await clinician(clinic.id);
      const created = await f.http.post('/api/on-call-shifts', {
        clinicianId: nurse.id,
        startsAt: '2026-06-01T18:00:00+02:00',
        endsAt: '2026-06-02T08:00:00+02:00',
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        clinicId: clinic.id,
        clinicianId: nurse.id,
        tier: 'primary',
        startsAt: '2026-06-01T16:00:00.000Z',
        endsAt: '2026-06-02T06:00:00.000Z',
        cancelledAt: null,
        createdAt: expect.any(String),
      });
      expect((await f.http.get(`/api/on-call-shifts?clinicId=${clinic.id}`)).body).toEqual([created.body]);
      const events = await queryRows(
        server.databaseUrl,
        `SELECT type, payload FROM events WHERE clinic_id = $1 AND type = 'on_call.changed'`,
        [clinic.id],
      );
      expect(events).toEqual([{ type: 'on_call.changed', payload: { shiftId: created.body.id } }]);
      const audit = await queryRows(
        server.databaseUrl,
        `SELECT action FROM audit_log WHERE entity_type = 'on_call_shift' AND entity_id = $1`,
        [created.body.id],
      );
      expect(audit).toEqual([{ action: 'on_call_shift.created' }]);
    });

    type BadShift = [string, (clinicianId: string) => Promise<Record<string, unknown>>, number, string];
    const badShifts: BadShift[] = [
      ['an end before the start', async (id) => ({ clinicianId: id, startsAt: at(10), endsAt: at(9) }), 400, 'endsAt'],
      ['an instant without offset', async (id) => ({ clinicianId: id, startsAt: '2026-06-02T08:00:00', endsAt: at(30) }), 400, 'startsAt'],
      ['an unknown tier', async (id) => ({ clinicianId: id, startsAt: at(1), endsAt: at(2), tier: 'tertiary' }), 400, 'tier'],
      ['a shift longer than 7 days', async (id) => ({ clinicianId: id, startsAt: at(1), endsAt: at(1 + 168 + 1) }), 422, 'endsAt'],
      ['a shift that has already ended', async (id) => ({ clinicianId: id, startsAt: at(-12), endsAt: at(-1) }), 422, 'endsAt'],
      ['an unknown clinician', async () => ({ clinicianId: UNKNOWN_ID, startsAt: at(1), endsAt: at(2) }), 404, 'clinicianId'],
      [
        'a deactivated clinician',
        async (id) => {
          const gone = await clinician((await f.http.get(`/api/clinicians/${id}`)).body.clinicId);
          await f.http.call('PATCH', `/api/clinicians/${gone.id}`, { active: false });
          return { clinicianId: gone.id, startsAt: at(1), endsAt: at(2) };
        },
        422,
        'clinicianId',
      ],
    ];
    it.each(badShifts)('refuses %s, naming the field, and writes nothing', async (_name, setup, status, field) => {
      const nurse = await clinician((await f.clinic()).id);
      const body = await setup(nurse.id);
      const before = await counts();
      const res = await f.http.post('/api/on-call-shifts', body);
      expect(res.status).toBe(status);
      expect(fieldsOf(res)).toContain(field);
      expect(await counts()).toEqual(before);
    });

    it('accepts a shift of exactly 7 days and one that is under way (it still pages from now)', async () => {
      const nurse = await clinician((await f.clinic()).id);
      await expect(shift(nurse.id, at(1), at(1 + 168))).resolves.toMatchObject({ endsAt: at(169) });
      const other = await clinician((await f.clinic()).id);
      await expect(shift(other.id, at(-2), at(6))).resolves.toMatchObject({ startsAt: at(-2) });
    });

    it('refuses a second overlapping shift of the same clinician (409 naming the shift in the way in clinic time), allows touching shifts and a colleague overlapping', async () => {
      const clinic = await f.clinic();
      const [anne, ben] = [await clinician(clinic.id), await clinician(clinic.id)];
      const day = await shift(anne.id, at(20), at(32));
      const before = await counts();
      for (const [startsAt, endsAt, tier] of [
        [at(31), at(40), 'primary'],
        [at(22), at(23), 'backup'],
        [at(10), at(21), 'primary'],
      ]) {
        const res = await f.http.post('/api/on-call-shifts', { clinicianId: anne.id, startsAt, endsAt, tier });
        expect([startsAt, res.status, fieldsOf(res)]).toEqual([startsAt, 409, ['clinicianId']]);
        // The shift in the way as the roster shows it (tier, clinic wall clock with its zone abbreviation), never an id or UTC.
        expect(res.body.message).toContain(
          `their primary shift from ${clinicTime(day.startsAt, clinic.timeZone)} to ${clinicTime(day.endsAt, clinic.timeZone)}`,
        );
        expect(res.body.message).not.toContain(day.id);
      }
      expect(await counts()).toEqual(before);
      // Back to back: 32:00 is the end of one and the start of the next.
      await expect(shift(anne.id, at(32), at(44))).resolves.toMatchObject({ startsAt: at(32) });
      // A handover: Ben starts 30 min before Anne's day shift ends.
      await expect(shift(ben.id, at(31.5), at(44))).resolves.toMatchObject({ clinicianId: ben.id });
    });

    it('lets exactly one of two concurrent overlapping shifts of a clinician through, every time', async () => {
      const clinic = await f.clinic();
      for (let round = 0; round < 5; round++) {
        const nurse = await clinician(clinic.id);
        const attempts = await Promise.all([
          f.http.post('/api/on-call-shifts', { clinicianId: nurse.id, startsAt: at(24), endsAt: at(36) }),
          f.http.post('/api/on-call-shifts', { clinicianId: nurse.id, startsAt: at(30), endsAt: at(42), tier: 'backup' }),
        ]);
        expect(attempts.map((a) => a.status).sort()).toEqual([201, 409]);
        expect(fieldsOf(attempts.find((a) => a.status === 409)!)).toEqual(['clinicianId']);
        const stored = await queryRows(server.databaseUrl, 'SELECT id FROM on_call_shifts WHERE clinician_id = $1', [nurse.id]);
        expect(stored).toEqual([{ id: attempts.find((a) => a.status === 201)!.body.id }]);
      }
    });

    it('holds the rule in PostgreSQL itself: an overlapping active row is refused by the exclusion constraint', async () => {
      const nurse = await clinician((await f.clinic()).id);
      await shift(nurse.id, at(24), at(36));
      const insert = (startsAt: string, endsAt: string, cancelledAt: string | null) =>
        queryRows(
          server.databaseUrl,
          `INSERT INTO on_call_shifts (clinic_id, clinician_id, tier, starts_at, ends_at, cancelled_at) VALUES ($1, $2, 'backup', $3, $4, $5)`,
          [nurse.clinicId, nurse.id, startsAt, endsAt, cancelledAt],
        );
      await expect(insert(at(35), at(40), null)).rejects.toMatchObject({ constraint: 'on_call_shifts_no_overlap_per_clinician' });
      // A cancelled row is history: it may overlap.
      await expect(insert(at(35), at(40), at(0))).resolves.toEqual([]);
      // A shift names a clinician of its own clinic.
      const elsewhere = await f.clinic();
      await expect(
        queryRows(
          server.databaseUrl,
          `INSERT INTO on_call_shifts (clinic_id, clinician_id, tier, starts_at, ends_at) VALUES ($1, $2, 'primary', $3, $4)`,
          [elsewhere.id, nurse.id, at(50), at(60)],
        ),
      ).rejects.toMatchObject({ constraint: 'on_call_shifts_clinician_fkey' });
    });

    it('cancels a shift: the time becomes free, cancelling again changes nothing, a shift that has ended stays as it was', async () => {
      const clinic = await f.clinic();
      const nurse = await clinician(clinic.id);
      const planned = await shift(nurse.id, at(2), at(4));
      const cancelled = await f.http.post(`/api/on-call-shifts/${planned.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toEqual({ ...planned, cancelledAt: NOW });
      const after = await counts();
      expect((await f.http.post(`/api/on-call-shifts/${planned.id}/cancel`)).body).toEqual(cancelled.body);
      expect(await counts()).toEqual(after);
      await expect(shift(nurse.id, at(2), at(4))).resolves.toMatchObject({ cancelledAt: null });

      const ending = await shift((await clinician(clinic.id)).id, at(1), at(2));
      clock.set(at(3));
      const late = await f.http.post(`/api/on-call-shifts/${ending.id}/cancel`);
      expect(late.status).toBe(422);
      expect(fieldsOf(late)).toEqual(['id']);
      for (const id of [UNKNOWN_ID, 'nope']) expect((await f.http.post(`/api/on-call-shifts/${id}/cancel`)).status).toBe(404);
    });

    it('lists the shifts of a window, earliest first, cancelled ones only when asked', async () => {
      const clinic = await f.clinic();
      const nurse = await clinician(clinic.id);
      const [first, second, third] = [
        await shift(nurse.id, at(1), at(5)),
        await shift(nurse.id, at(10), at(20)),
        await shift(nurse.id, at(30), at(40)),
      ];
      await f.http.post(`/api/on-call-shifts/${second.id}/cancel`);
      const list = async (query: string) =>
        ((await f.http.get(`/api/on-call-shifts?clinicId=${clinic.id}${query}`)).body as { id: string }[]).map((s) => s.id);
      expect(await list('')).toEqual([first.id, third.id]);
      expect(await list('&includeCancelled=true')).toEqual([first.id, second.id, third.id]);
      // [5, 30): the first ends at 5 (not after it), the third starts at 30 (not before it).
      expect(await list(`&from=${at(5)}&to=${at(30)}&includeCancelled=true`)).toEqual([second.id]);
      expect(await list(`&from=${at(4)}&to=${at(31)}`)).toEqual([first.id, third.id]);
      const bad = await f.http.get(`/api/on-call-shifts?clinicId=${clinic.id}&from=${at(5)}&to=${at(1)}`);
      expect([bad.status, fieldsOf(bad)]).toEqual([400, ['to']]);
    });
  });

  describe('who is on call now', () => {
    it('says no one on call without a shift, then names primary and backup, start inclusive and end exclusive', async () => {
      const clinic = await f.clinic();
      const now = async (query = '') => (await f.http.get(`/api/clinics/${clinic.id}/on-call-now${query}`)).body;
      expect(await now()).toEqual({ at: NOW, primary: [], backup: [], noOneOnCall: true });

      const [anne, carla] = [
        await clinician(clinic.id, { displayName: 'Anne' }),
        await clinician(clinic.id, { displayName: 'Carla', profession: 'physician' }),
      ];
      await shift(anne.id, at(1), at(13));
      await shift(carla.id, at(-1), at(23), { tier: 'backup' });
      // At 12:00 only the backup covers: still "no one on call", the banner shows.
      expect(await now()).toEqual({ at: NOW, primary: [], backup: [carla], noOneOnCall: true });
      expect(await now(`?at=${at(1)}`)).toEqual({ at: at(1), primary: [anne], backup: [carla], noOneOnCall: false });
      expect((await now(`?at=${at(13)}`)).primary).toEqual([]);
      // (Within the 12 h of the test session signed in at the clock's start.)
      clock.set(at(6));
      expect(await now()).toMatchObject({ at: at(6), primary: [anne], noOneOnCall: false });
    });

    it('drops a cancelled shift at once, yet answers for the time before the cancellation', async () => {
      const clinic = await f.clinic();
      const ben = await clinician(clinic.id);
      const night = await shift(ben.id, at(-2), at(10));
      clock.set(at(1));
      await f.http.post(`/api/on-call-shifts/${night.id}/cancel`);
      const now = (query = '') => f.http.get(`/api/clinics/${clinic.id}/on-call-now${query}`);
      expect((await now()).body).toMatchObject({ primary: [], noOneOnCall: true });
      expect((await now(`?at=${at(0.5)}`)).body.primary).toEqual([expect.objectContaining({ id: ben.id })]);
    });

    it('gives the escalation engine whom each level reaches, starting at the backup when no one is on call', async () => {
      const clinic = await f.clinic();
      const boss = await user(clinic.id, 'admin');
      const bossAsClinician = await clinician(clinic.id, {
        displayName: 'Dr Boss',
        profession: 'physician',
        userId: boss.id,
        pagerContact: 'bleep 1',
      });
      const backup = await clinician(clinic.id, { displayName: 'Backup Nurse', pagerContact: '+33 1 00 00 00 00' });
      await shift(backup.id, at(-1), at(8), { tier: 'backup' });
      const roster = server.app.get(OnCallRosterService);

      const { plan, roster: now, policy } = await roster.escalationPlanAt(clinic.id, new Date(NOW));
      expect(policy.isDefault).toBe(true);
      expect(now.noOneOnCall).toBe(true);
      expect(plan.startLevel).toBe(1);
      expect(plan.levels.map((l) => [l.target, l.recipients])).toEqual([
        ['on_call', []],
        ['backup', [{ clinicianId: backup.id, userId: null, displayName: 'Backup Nurse', pagerContact: '+33 1 00 00 00 00' }]],
        ['clinic_admins', [{ clinicianId: bossAsClinician.id, userId: boss.id, displayName: 'Dr Boss', pagerContact: 'bleep 1' }]],
      ]);
    });
  });

  describe('escalation policy', () => {
    const custom = {
      levels: [
        { target: 'on_call', afterMinutes: 0 },
        { target: 'clinic_admins', afterMinutes: 15 },
      ],
      repeatTopLevelEveryMinutes: 5,
      urgentPageAfterMinutes: 60,
    };

    it('answers the default until the clinic sets its own, then that one, audited', async () => {
      const clinic = await f.clinic();
      const path = `/api/clinics/${clinic.id}/escalation-policy`;
      expect((await f.http.get(path)).body).toEqual({
        clinicId: clinic.id,
        levels: [
          { target: 'on_call', afterMinutes: 0 },
          { target: 'backup', afterMinutes: 10 },
          { target: 'clinic_admins', afterMinutes: 20 },
        ],
        repeatTopLevelEveryMinutes: 10,
        urgentPageAfterMinutes: 30,
        isDefault: true,
        updatedAt: null,
      });
      const set = await f.http.call('PUT', path, custom);
      expect(set.status).toBe(200);
      const expected = { clinicId: clinic.id, ...custom, isDefault: false, updatedAt: NOW };
      expect(set.body).toEqual(expected);
      expect((await f.http.get(path)).body).toEqual(expected);

      clock.set(at(1));
      expect((await f.http.call('PUT', path, { ...custom, urgentPageAfterMinutes: 45 })).body).toMatchObject({
        urgentPageAfterMinutes: 45,
        updatedAt: at(1),
      });
      const audit = await queryRows<{ changes: Record<string, unknown> }>(
        server.databaseUrl,
        `SELECT changes FROM audit_log WHERE entity_type = 'escalation_policy' AND entity_id = $1 ORDER BY id`,
        [clinic.id],
      );
      expect(audit.map((row) => Object.keys(row.changes).sort())).toEqual([
        ['levels', 'repeatTopLevelEveryMinutes', 'urgentPageAfterMinutes'],
        ['urgentPageAfterMinutes'],
      ]);
      expect(audit[1].changes).toEqual({ urgentPageAfterMinutes: { before: 60, after: 45 } });
    });

    it.each([
      ['a first level that waits', { ...custom, levels: [{ target: 'on_call', afterMinutes: 5 }] }, 'levels.0.afterMinutes'],
      [
        'levels out of time order',
        {
          ...custom,
          levels: [
            { target: 'on_call', afterMinutes: 0 },
            { target: 'backup', afterMinutes: 0 },
          ],
        },
        'levels.1.afterMinutes',
      ],
      [
        'the same target twice',
        {
          ...custom,
          levels: [
            { target: 'on_call', afterMinutes: 0 },
            { target: 'on_call', afterMinutes: 10 },
          ],
        },
        'levels.1.target',
      ],
      ['no level', { ...custom, levels: [] }, 'levels'],
      ['a repeat of 0 minutes', { ...custom, repeatTopLevelEveryMinutes: 0 }, 'repeatTopLevelEveryMinutes'],
      ['a missing urgent setting', { levels: custom.levels, repeatTopLevelEveryMinutes: 5 }, 'urgentPageAfterMinutes'],
    ])('refuses %s, naming the field, and keeps the policy', async (_name, body, field) => {
      const clinic = await f.clinic();
      const before = await counts();
      const res = await f.http.call('PUT', `/api/clinics/${clinic.id}/escalation-policy`, body);
      expect([res.status, fieldsOf(res)]).toEqual([400, [field]]);
      expect(await counts()).toEqual(before);
      expect((await f.http.get(`/api/clinics/${clinic.id}/escalation-policy`)).body.isDefault).toBe(true);
    });

    it('answers 404 for an unknown clinic', async () => {
      for (const id of [UNKNOWN_ID, 'nope']) {
        expect((await f.http.get(`/api/clinics/${id}/escalation-policy`)).status).toBe(404);
        expect((await f.http.call('PUT', `/api/clinics/${id}/escalation-policy`, custom)).status).toBe(404);
        expect((await f.http.get(`/api/clinics/${id}/on-call-now`)).status).toBe(404);
      }
    });
  });

  describe('another clinic', () => {
    it('answers 404 for every clinician, shift, policy and roster of a clinic the user has no role in, and writes nothing', async () => {
      const [clinicA, clinicB] = [await f.clinic(), await f.clinic()];
      const nurseA = await clinician(clinicA.id);
      const shiftA = await shift(nurseA.id, at(1), at(5));
      const email = `b-admin-${++counter}@pumpwatch.test`;
      await f.http.post('/api/users', {
        email,
        displayName: 'B admin',
        password: 'initial-password-1',
        clinicRoles: [{ clinicId: clinicB.id, role: 'admin' }],
      });
      const token = await signIn(server.baseUrl, email, 'initial-password-1');
      await api(server.baseUrl, { token }).post('/api/auth/password', {
        currentPassword: 'initial-password-1',
        newPassword: 'chosen-password-1',
      });
      const outsider = api(server.baseUrl, { token });

      const before = await counts();
      const answers: [string, number][] = [];
      const check = async (label: string, call: Promise<{ status: number }>) => answers.push([label, (await call).status]);
      await check('GET clinician', outsider.get(`/api/clinicians/${nurseA.id}`));
      await check('GET clinicians of A', outsider.get(`/api/clinicians?clinicId=${clinicA.id}`));
      await check('PATCH clinician', outsider.call('PATCH', `/api/clinicians/${nurseA.id}`, { active: false }));
      await check('POST clinician in A', outsider.post('/api/clinicians', { clinicId: clinicA.id, displayName: 'X', profession: 'nurse' }));
      await check('POST shift of A', outsider.post('/api/on-call-shifts', { clinicianId: nurseA.id, startsAt: at(10), endsAt: at(12) }));
      await check('GET shifts of A', outsider.get(`/api/on-call-shifts?clinicId=${clinicA.id}`));
      await check('cancel shift of A', outsider.post(`/api/on-call-shifts/${shiftA.id}/cancel`));
      await check('on-call-now of A', outsider.get(`/api/clinics/${clinicA.id}/on-call-now`));
      await check('GET policy of A', outsider.get(`/api/clinics/${clinicA.id}/escalation-policy`));
      await check(
        'PUT policy of A',
        outsider.call('PUT', `/api/clinics/${clinicA.id}/escalation-policy`, {
          levels: [{ target: 'on_call', afterMinutes: 0 }],
          repeatTopLevelEveryMinutes: 5,
          urgentPageAfterMinutes: 0,
        }),
      );
      expect(answers).toEqual(answers.map(([label]) => [label, 404]));
      expect(await counts()).toEqual(before);
      expect((await outsider.get('/api/clinicians')).body).toEqual([]);
      expect((await outsider.get('/api/on-call-shifts')).body).toEqual([]);
    });
  });
});
