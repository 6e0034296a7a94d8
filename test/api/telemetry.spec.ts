// POST /api/telemetry on real PostgreSQL: idempotent batches, whole-batch validation, unknown serials, 10,000 readings, who may post.
import type { ClinicRole } from '@pumpwatch/shared';
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures, queryRows } from '../support/fixtures';
import { api } from '../support/http';
import { useTestServer } from '../support/test-server';

describe('telemetry ingest', () => {
  let f: ReturnType<typeof fixtures>;
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  let clinicA: { id: string };
  let clinicB: { id: string };
  let gatewayA: ReturnType<typeof api>;
  let gatewayB: ReturnType<typeof api>;

  const server = useTestServer({ clock });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    clinicA = await f.clinic();
    clinicB = await f.clinic();
    gatewayA = api(server.baseUrl, {
      token: (await f.http.post('/api/machine-tokens', { clinicId: clinicA.id, name: 'gateway A' })).body.token,
    });
    gatewayB = api(server.baseUrl, {
      token: (await f.http.post('/api/machine-tokens', { clinicId: clinicB.id, name: 'gateway B' })).body.token,
    });
  });

  const newPump = async (clinicId = clinicA.id, overrides: Record<string, unknown> = {}): Promise<{ id: string; serialNumber: string }> =>
    f.pump((await f.patient(clinicId)).id, overrides);
  const storedReadings = async (pumpId: string): Promise<number> =>
    (
      await queryRows<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM telemetry_readings WHERE pump_id = $1', [pumpId])
    )[0].n;
  /** Telemetry's own rows (other features, e.g. alerts, may write events of their own meanwhile). */
  const totals = async () =>
    (
      await queryRows<{ readings: number; events: number; audit: number }>(
        server.databaseUrl,
        `SELECT (SELECT count(*)::int FROM telemetry_readings) AS readings,
            (SELECT count(*)::int FROM events WHERE type = 'telemetry.received') AS events,
            (SELECT count(*)::int FROM audit_log WHERE action = 'telemetry.received') AS audit`,
      )
    )[0];
  /** Readings one hour apart from `start`. */
  const hourly = (serialNumber: string, start: string, count: number, extra: Record<string, unknown> = {}) =>
    Array.from({ length: count }, (_, i) => ({
      serialNumber,
      recordedAt: new Date(Date.parse(start) + i * 3_600_000).toISOString(),
      reservoirVolumeMl: 15 - i * 0.01,
      ...extra,
    }));

  it('stores a batch, answers how many were new, and stores nothing twice when the batch is sent again', async () => {
    const pump = await newPump();
    const readings = hourly(pump.serialNumber, '2026-05-01T00:00:00Z', 24, { batteryStatus: 'ok', alarms: [] });
    const first = await gatewayA.post('/api/telemetry', { readings });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: 24, new: 24, duplicates: 0, unknownSerials: [] });
    const again = await gatewayA.post('/api/telemetry', { readings });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ received: 24, new: 0, duplicates: 24, unknownSerials: [] });
    // Half old, half new: only the new half is stored.
    const overlapping = await gatewayA.post('/api/telemetry', { readings: hourly(pump.serialNumber, '2026-05-01T12:00:00Z', 24) });
    expect(overlapping.body).toMatchObject({ new: 12, duplicates: 12 });
    expect(await storedReadings(pump.id)).toBe(36);
  });

  it('counts the same reading twice in one batch as one new reading and one duplicate', async () => {
    const pump = await newPump();
    const reading = { serialNumber: pump.serialNumber, recordedAt: '2026-05-02T08:00:00Z', reservoirVolumeMl: 12 };
    const res = await gatewayA.post('/api/telemetry', { readings: [reading, { ...reading, recordedAt: '2026-05-02T10:00:00+02:00' }] });
    expect(res.body).toEqual({ received: 2, new: 1, duplicates: 1, unknownSerials: [] });
    expect(await storedReadings(pump.id)).toBe(1);
  });

  it('refuses a batch with malformed readings with 400 naming each bad index and field, and stores nothing', async () => {
    const pump = await newPump();
    const before = await totals();
    const res = await gatewayA.post('/api/telemetry', {
      readings: [
        { serialNumber: pump.serialNumber, recordedAt: '2026-05-03T00:00:00Z' },
        { serialNumber: pump.serialNumber, recordedAt: '2026-05-03T01:00:00Z', alarms: ['low_reservoir', 'battery_gone'] },
        { serialNumber: pump.serialNumber, recordedAt: '2026-05-03T02:00:00Z' },
        { serialNumber: pump.serialNumber, reservoirVolumeMl: -1 },
        { serialNumber: pump.serialNumber, recordedAt: '2026-05-03T04:00:00Z', reservoirVolumeML: 3 },
        'not a reading',
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation_failed');
    const fields = (res.body.fields as { field: string }[]).map((x) => x.field);
    expect(fields).toEqual(
      expect.arrayContaining(['readings.1.alarms.1', 'readings.3.recordedAt', 'readings.3.reservoirVolumeMl', 'readings.4', 'readings.5']),
    );
    expect(fields.some((field) => field.startsWith('readings.0.') || field.startsWith('readings.2.'))).toBe(false);
    expect(await totals()).toEqual(before);
  });

  it('refuses with 422 a reading before the implant date, naming each, and stores nothing', async () => {
    const pump = await newPump(clinicA.id, { implantDate: '2026-01-15' });
    const before = await totals();
    const res = await gatewayA.post('/api/telemetry', {
      readings: [
        { serialNumber: pump.serialNumber, recordedAt: '2026-06-01T12:04:59Z' },
        // 23:30 UTC on 14 January is still 14 January in Paris (UTC+1): before the implant date.
        { serialNumber: pump.serialNumber, recordedAt: '2026-01-14T22:30:00Z' },
        { serialNumber: pump.serialNumber, recordedAt: '2026-01-14T23:30:00Z' },
        // Weeks before (decided without a time-zone lookup) and well after (likewise).
        { serialNumber: pump.serialNumber, recordedAt: '2025-12-20T12:00:00Z' },
        { serialNumber: pump.serialNumber, recordedAt: '2026-01-15T12:00:00Z' },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.fields.map((x: { field: string }) => x.field)).toEqual(['readings.1.recordedAt', 'readings.3.recordedAt']);
    expect(await totals()).toEqual(before);
  });

  describe('plausibility (issue 16): refused with 400 naming the field, nothing of the batch stored', () => {
    // The server clock is 2026-06-01T12:00:00Z; the fixtures' pump is a SynchroMed II of 20 mL, read back from the table.
    let pump: { id: string; serialNumber: string };
    let capacityMl: number;
    beforeAll(async () => {
      pump = await newPump();
      [{ capacityMl }] = await queryRows<{ capacityMl: number }>(
        server.databaseUrl,
        'SELECT reservoir_capacity_ml AS "capacityMl" FROM pumps WHERE id = $1',
        [pump.id],
      );
    });
    const good = (recordedAt: string) => ({ serialNumber: pump.serialNumber, recordedAt, reservoirVolumeMl: 10 });

    it.each([
      [
        'a reservoir volume above the pump capacity',
        () => ({ ...good('2026-05-20T01:00:00Z'), reservoirVolumeMl: capacityMl + 0.5 }),
        'readings.1.reservoirVolumeMl',
      ],
      ['a negative reservoir volume', () => ({ ...good('2026-05-20T01:00:00Z'), reservoirVolumeMl: -0.5 }), 'readings.1.reservoirVolumeMl'],
      ['a recordedAt more than 5 minutes ahead of the server clock', () => good('2026-06-01T12:05:01Z'), 'readings.1.recordedAt'],
    ])('refuses %s', async (_what, bad, field) => {
      const before = await totals();
      const res = await gatewayA.post('/api/telemetry', { readings: [good('2026-05-20T00:00:00Z'), bad(), good('2026-05-20T02:00:00Z')] });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
      expect(res.body.fields.map((x: { field: string }) => x.field)).toEqual([field]);
      expect(await totals()).toEqual(before);
      expect(await storedReadings(pump.id)).toBe(0);
    });

    it('accepts a reading at exactly the capacity and one 4 minutes ahead of the server clock', async () => {
      const res = await gatewayA.post('/api/telemetry', {
        readings: [{ ...good('2026-05-21T00:00:00Z'), reservoirVolumeMl: capacityMl }, good('2026-06-01T12:04:00Z')],
      });
      expect([res.status, res.body]).toEqual([200, { received: 2, new: 2, duplicates: 0, unknownSerials: [] }]);
      expect(await storedReadings(pump.id)).toBe(2);
    });
  });

  it('refuses an empty batch and one of more than 10,000 readings, naming readings', async () => {
    const empty = await gatewayA.post('/api/telemetry', { readings: [] });
    expect([empty.status, empty.body.fields]).toEqual([400, [expect.objectContaining({ field: 'readings' })]]);
    const tooMany = await gatewayA.post('/api/telemetry', {
      readings: Array.from({ length: 10_001 }, () => ({ serialNumber: 'X', recordedAt: '2026-05-01T00:00:00Z' })),
    });
    expect([tooMany.status, tooMany.body.fields]).toEqual([400, [expect.objectContaining({ field: 'readings' })]]);
  });

  it('reports unknown serial numbers per reading and stores the readings of known pumps', async () => {
    const pump = await newPump();
    const res = await gatewayA.post('/api/telemetry', {
      readings: [
        { serialNumber: 'NO-SUCH-PUMP', recordedAt: '2026-05-04T00:00:00Z' },
        { serialNumber: pump.serialNumber, recordedAt: '2026-05-04T00:00:00Z' },
        { serialNumber: 'ANOTHER-UNKNOWN', recordedAt: '2026-05-04T01:00:00Z' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      received: 3,
      new: 1,
      duplicates: 0,
      unknownSerials: [
        { index: 0, serialNumber: 'NO-SUCH-PUMP' },
        { index: 2, serialNumber: 'ANOTHER-UNKNOWN' },
      ],
    });
    expect(await storedReadings(pump.id)).toBe(1);
  });

  it('stores a 10,000-reading batch in one request and answers every one a duplicate when sent again', async () => {
    const pumps = await Promise.all(Array.from({ length: 10 }, () => newPump()));
    const readings = pumps.flatMap((pump) =>
      Array.from({ length: 1000 }, (_, i) => ({
        serialNumber: pump.serialNumber,
        recordedAt: new Date(Date.parse('2026-03-01T00:00:00Z') + i * 600_000).toISOString(),
        reservoirVolumeMl: 18 - i * 0.001,
        alarms: i % 100 === 0 ? ['low_reservoir'] : [],
        batteryStatus: 'ok',
        programDoseMcgPerDay: 100,
        programConcentrationMcgPerMl: 500,
        patientBolusCountTotal: i,
      })),
    );
    const auditBefore = (await totals()).audit;
    const first = await gatewayA.post('/api/telemetry', { readings });
    expect([first.status, first.body]).toEqual([200, { received: 10_000, new: 10_000, duplicates: 0, unknownSerials: [] }]);
    for (const pump of pumps) expect(await storedReadings(pump.id)).toBe(1000);
    const again = await gatewayA.post('/api/telemetry', { readings });
    expect(again.body).toEqual({ received: 10_000, new: 0, duplicates: 10_000, unknownSerials: [] });
    // One audit row per batch, whatever its size.
    expect((await totals()).audit).toBe(auditBefore + 2);
  });

  it('writes one audit row per batch naming the gateway, and one event per pump that got new readings', async () => {
    const [one, two] = [await newPump(), await newPump()];
    const eventsBefore = (await totals()).events;
    const res = await gatewayA.post('/api/telemetry', {
      readings: [...hourly(one.serialNumber, '2026-05-05T00:00:00Z', 3), ...hourly(two.serialNumber, '2026-05-05T00:00:00Z', 2)],
    });
    expect(res.body.new).toBe(5);
    const events = await queryRows<{ pump_id: string; type: string; clinic_id: string }>(
      server.databaseUrl,
      "SELECT pump_id, type, clinic_id FROM events WHERE type = 'telemetry.received' AND pump_id = ANY($1) ORDER BY pump_id",
      [[one.id, two.id]],
    );
    expect(events).toEqual(
      [one.id, two.id].sort().map((pumpId) => ({ pump_id: pumpId, type: 'telemetry.received', clinic_id: clinicA.id })),
    );
    expect((await totals()).events).toBe(eventsBefore + 2);
    const [audit] = await queryRows<{
      actor_type: string;
      actor_label: string;
      action: string;
      clinic_id: string;
      changes: Record<string, { after: unknown }>;
    }>(
      server.databaseUrl,
      "SELECT actor_type, actor_label, action, clinic_id, changes FROM audit_log WHERE action = 'telemetry.received' ORDER BY id DESC LIMIT 1",
    );
    expect(audit).toMatchObject({
      actor_type: 'machine',
      actor_label: 'gateway token gateway A',
      action: 'telemetry.received',
      clinic_id: clinicA.id,
    });
    expect(audit.changes).toMatchObject({ received: { after: 5 }, new: { after: 5 }, duplicates: { after: 0 }, pumps: { after: 2 } });
    // A re-sent batch changes no pump: no event, still an audit row.
    await gatewayA.post('/api/telemetry', { readings: hourly(one.serialNumber, '2026-05-05T00:00:00Z', 3) });
    expect((await totals()).events).toBe(eventsBefore + 2);
  });

  it("lets a gateway post only for its clinic: another clinic's pump is reported like an unknown serial, and nothing else is reachable", async () => {
    const pumpA = await newPump(clinicA.id);
    const pumpB = await newPump(clinicB.id);
    const res = await gatewayA.post('/api/telemetry', {
      readings: [
        { serialNumber: pumpB.serialNumber, recordedAt: '2026-05-06T00:00:00Z' },
        { serialNumber: pumpA.serialNumber, recordedAt: '2026-05-06T00:00:00Z' },
      ],
    });
    expect(res.body).toEqual({ received: 2, new: 1, duplicates: 0, unknownSerials: [{ index: 0, serialNumber: pumpB.serialNumber }] });
    expect(await storedReadings(pumpB.id)).toBe(0);
    // Even a reading of clinic B's pump that would be refused (before its implant date) is only "unknown": nothing is revealed.
    const early = await gatewayA.post('/api/telemetry', {
      readings: [{ serialNumber: pumpB.serialNumber, recordedAt: '2020-01-01T00:00:00Z' }],
    });
    expect([early.status, early.body.unknownSerials]).toEqual([200, [{ index: 0, serialNumber: pumpB.serialNumber }]]);
    expect(
      (await gatewayB.post('/api/telemetry', { readings: [{ serialNumber: pumpB.serialNumber, recordedAt: '2026-05-06T00:00:00Z' }] })).body
        .new,
    ).toBe(1);
    for (const path of ['/api/pumps', `/api/pumps/${pumpA.id}`, `/api/pumps/${pumpA.id}/telemetry`, '/api/patients', '/api/auth/me']) {
      expect([path, (await gatewayA.get(path)).status]).toEqual([path, 403]);
    }
    expect(
      (await gatewayA.post(`/api/pumps/${pumpA.id}/fills`, { filledAt: '2026-05-01T00:00:00Z', concentrationMcgPerMl: 500, volumeMl: 20 }))
        .status,
    ).toBe(403);
    expect((await gatewayA.post(`/api/pumps/${pumpA.id}/events`, { kind: 'mri', at: '2026-05-01T00:00:00Z' })).status).toBe(403);
  });

  it('refuses a revoked gateway token with 401', async () => {
    const created = await f.http.post('/api/machine-tokens', { clinicId: clinicA.id, name: 'soon revoked' });
    await f.http.post(`/api/machine-tokens/${created.body.id}/revoke`);
    const res = await api(server.baseUrl, { token: created.body.token }).post('/api/telemetry', {
      readings: [{ serialNumber: 'X', recordedAt: '2026-05-01T00:00:00Z' }],
    });
    expect(res.status).toBe(401);
  });

  describe('users', () => {
    const member = async (clinicId: string, role: string) =>
      (
        await f.member(clinicId, role as ClinicRole, role, {
          email: `telemetry-${role}-${Date.now()}-${Math.random().toString(36).slice(2)}@pumpwatch.test`,
        })
      ).http;

    it('lets a clinician of the clinic post telemetry, audited as that user', async () => {
      const pump = await newPump();
      const clinician = await member(clinicA.id, 'clinician');
      const res = await clinician.post('/api/telemetry', {
        readings: [{ serialNumber: pump.serialNumber, recordedAt: '2026-05-07T00:00:00Z', batteryStatus: 'ok' }],
      });
      expect(res.body).toMatchObject({ new: 1 });
      const [audit] = await queryRows<{ actor_type: string }>(
        server.databaseUrl,
        "SELECT actor_type FROM audit_log WHERE action = 'telemetry.received' ORDER BY id DESC LIMIT 1",
      );
      expect(audit.actor_type).toBe('user');
    });

    it("does not let a user of another clinic post telemetry for this clinic's pumps", async () => {
      const pump = await newPump(clinicA.id);
      const outsider = await member(clinicB.id, 'admin');
      const res = await outsider.post('/api/telemetry', {
        readings: [{ serialNumber: pump.serialNumber, recordedAt: '2026-05-08T00:00:00Z' }],
      });
      expect(res.body).toEqual({ received: 1, new: 0, duplicates: 0, unknownSerials: [{ index: 0, serialNumber: pump.serialNumber }] });
      expect(await storedReadings(pump.id)).toBe(0);
      expect((await outsider.get(`/api/pumps/${pump.id}/telemetry`)).status).toBe(404);
      expect((await outsider.get(`/api/pumps/${pump.id}/reconciliations`)).status).toBe(404);
      expect((await outsider.post(`/api/pumps/${pump.id}/events`, { kind: 'mri', at: '2026-05-01T00:00:00Z' })).status).toBe(404);
    });

    it('refuses telemetry from staff and schedulers (403)', async () => {
      const pump = await newPump(clinicA.id);
      for (const role of ['staff', 'scheduler']) {
        const user = await member(clinicA.id, role);
        expect(
          (await user.post('/api/telemetry', { readings: [{ serialNumber: pump.serialNumber, recordedAt: '2026-05-08T00:00:00Z' }] }))
            .status,
        ).toBe(403);
      }
      expect(await storedReadings(pump.id)).toBe(0);
    });
  });

  it("answers a pump's readings in time order within [from, to], the latest `limit` of them", async () => {
    const pump = await newPump();
    await gatewayA.post('/api/telemetry', {
      readings: hourly(pump.serialNumber, '2026-05-10T00:00:00Z', 10, {
        alarms: ['low_reservoir'],
        batteryStatus: 'eri',
        patientBolusCountTotal: 3,
      }).reverse(),
    });
    const all = await f.http.get(`/api/pumps/${pump.id}/telemetry`);
    expect(all.status).toBe(200);
    expect(all.body.readings).toHaveLength(10);
    expect(all.body.readings[0]).toEqual({
      recordedAt: '2026-05-10T00:00:00.000Z',
      receivedAt: '2026-06-01T12:00:00.000Z',
      reservoirVolumeMl: 15,
      alarms: ['low_reservoir'],
      batteryStatus: 'eri',
      programDoseMcgPerDay: null,
      programConcentrationMcgPerMl: null,
      patientBolusCountTotal: 3,
    });
    expect(all.body.truncated).toBe(false);
    const window = await f.http.get(`/api/pumps/${pump.id}/telemetry?from=2026-05-10T02:00:00Z&to=2026-05-10T05:00:00Z&limit=2`);
    expect(window.body.readings.map((r: { recordedAt: string }) => r.recordedAt)).toEqual([
      '2026-05-10T04:00:00.000Z',
      '2026-05-10T05:00:00.000Z',
    ]);
    expect(window.body.truncated).toBe(true);
    const backwards = await f.http.get(`/api/pumps/${pump.id}/telemetry?from=2026-05-11T00:00:00Z&to=2026-05-10T00:00:00Z`);
    expect([backwards.status, backwards.body.fields]).toEqual([400, [expect.objectContaining({ field: 'from' })]]);
  });

  it('keeps readings append-only for the application role', async () => {
    await expect(queryRows(server.appDatabaseUrl, 'UPDATE telemetry_readings SET reservoir_volume_ml = 0')).rejects.toThrow(
      /permission denied/,
    );
    await expect(queryRows(server.appDatabaseUrl, 'DELETE FROM telemetry_readings')).rejects.toThrow(/permission denied/);
  });
});
