// GET /api/pumps/:id/forecast on real PostgreSQL: statuses, hand-computed instants, `at` rules.
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures } from '../support/fixtures';
import { useTestServer } from '../support/test-server';

describe('forecast endpoint', () => {
  let f: ReturnType<typeof fixtures>;
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  const server = useTestServer({ clock });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
  });

  const newPump = async (overrides: Record<string, unknown> = {}) => {
    const patient = await f.patient((await f.clinic({ timeZone: 'Europe/Paris' })).id);
    return f.pump(patient.id, overrides);
  };

  it('answers no_fill, then no_program, with null instants', async () => {
    const pump = await newPump();
    const noFill = await f.http.get(`/api/pumps/${pump.id}/forecast`);
    expect(noFill.status).toBe(200);
    expect(noFill.body).toMatchObject({
      pumpId: pump.id,
      status: 'no_fill',
      at: '2026-06-01T12:00:00.000Z',
      volumeMl: null,
      nominal: { lowReservoirAlarmAt: null, emptyAt: null },
      worstCase: { lowReservoirAlarmAt: null, emptyAt: null },
      drugExpiresAt: null,
      refillDeadline: null,
      deadlineReason: null,
      dailyVolumeMl: null,
      curve: [],
    });
    await f.fill(pump.id, { filledAt: '2026-03-01T09:00:00Z' });
    const noProgram = await f.http.get(`/api/pumps/${pump.id}/forecast`);
    expect(noProgram.body).toMatchObject({ status: 'no_program', refillDeadline: null, nominal: { lowReservoirAlarmAt: null } });
  });

  it('matches a hand computation for a simple continuous program', async () => {
    // 20 mL at 500 mcg/mL, 100 mcg/day: 0.2 mL/day. Alarm 2 mL after (20 - 2) / 0.2 = 90 days, empty after 100 days,
    // drug expires after 180 days: the deadline is the alarm.
    const pump = await newPump();
    await f.program(pump.id, { effectiveFrom: '2026-03-01T08:00:00Z', steps: [{ startTime: '00:00', doseMcgPerDay: 100 }] });
    await f.fill(pump.id, { filledAt: '2026-03-01T09:00:00Z', concentrationMcgPerMl: 500, volumeMl: 20 });
    const res = await f.http.get(`/api/pumps/${pump.id}/forecast?at=2026-03-11T09:00:00Z`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      at: '2026-03-11T09:00:00.000Z',
      nominal: { lowReservoirAlarmAt: '2026-05-30T09:00:00.000Z', emptyAt: '2026-06-09T09:00:00.000Z' },
      worstCase: { lowReservoirAlarmAt: '2026-05-30T09:00:00.000Z', emptyAt: '2026-06-09T09:00:00.000Z' },
      drugExpiresAt: '2026-08-28T09:00:00.000Z',
      refillDeadline: '2026-05-30T09:00:00.000Z',
      deadlineReason: 'low_reservoir',
      lowReservoirAlarmMl: 2,
      concentrationMcgPerMl: 500,
      doseMcgPerDay: 100,
    });
    expect(res.body.volumeMl).toBeCloseTo(18, 6);
    expect(res.body.dailyVolumeMl).toBeCloseTo(0.2, 9);
    expect(res.body.curve.length).toBeGreaterThan(10);
    expect(res.body.curve[0]).toMatchObject({ at: '2026-03-01T09:00:00.000Z', volumeMl: 20 });
  });

  it('uses the patient-bolus allowance for the worst case and the deadline', async () => {
    // Nominal 0.2 mL/day; worst case adds 50 mcg x 2 / day = 100 mcg/day: 0.4 mL/day, alarm after 45 days.
    const pump = await newPump();
    await f.program(pump.id, { effectiveFrom: '2026-03-01T08:00:00Z', patientBolus: { doseMcg: 50, maxPerDay: 2 } });
    await f.fill(pump.id, { filledAt: '2026-03-01T09:00:00Z', concentrationMcgPerMl: 500, volumeMl: 20 });
    const res = await f.http.get(`/api/pumps/${pump.id}/forecast?at=2026-03-02T09:00:00Z`);
    expect(res.body.nominal.lowReservoirAlarmAt).toBe('2026-05-30T09:00:00.000Z');
    expect(res.body.worstCase.lowReservoirAlarmAt).toBe('2026-04-15T09:00:00.000Z');
    expect(res.body.refillDeadline).toBe('2026-04-15T09:00:00.000Z');
  });

  it('caps the deadline at the drug stability', async () => {
    // 40 mL at 2000 mcg/mL, 100 mcg/day: 0.05 mL/day, alarm after 760 days; the drug expires after 180 days.
    const pump = await newPump({ modelId: 'synchromed-ii-40' });
    await f.program(pump.id, { effectiveFrom: '2026-03-01T08:00:00Z' });
    await f.fill(pump.id, { filledAt: '2026-03-01T09:00:00Z', concentrationMcgPerMl: 2000, volumeMl: 40 });
    const res = await f.http.get(`/api/pumps/${pump.id}/forecast`);
    expect(res.body).toMatchObject({
      refillDeadline: '2026-08-28T09:00:00.000Z',
      deadlineReason: 'drug_stability',
      drugExpiresAt: '2026-08-28T09:00:00.000Z',
    });
  });

  it('forecasts a constant-flow pump from its flow and the fill concentration', async () => {
    // 35 mL, 0.5 mL/day: alarm 2 mL after 66 days; dose 0.5 x 500 = 250 mcg/day.
    const pump = await newPump({ modelId: 'constant-flow', reservoirCapacityMl: 35, flowRateMlPerDay: 0.5 });
    await f.fill(pump.id, { filledAt: '2026-03-01T09:00:00Z', concentrationMcgPerMl: 500, volumeMl: 35 });
    const res = await f.http.get(`/api/pumps/${pump.id}/forecast?at=2026-03-02T09:00:00Z`);
    expect(res.body).toMatchObject({ status: 'ok', nominal: { lowReservoirAlarmAt: '2026-05-06T09:00:00.000Z' }, doseMcgPerDay: 250 });
  });

  it('refuses an `at` before the first fill with 422 naming at', async () => {
    const pump = await newPump();
    await f.program(pump.id);
    await f.fill(pump.id, { filledAt: '2026-03-01T09:00:00Z' });
    const res = await f.http.get(`/api/pumps/${pump.id}/forecast?at=2026-02-28T09:00:00Z`);
    expect(res.status).toBe(422);
    expect(res.body.fields).toEqual([expect.objectContaining({ field: 'at' })]);
  });

  it('refuses a malformed `at` with 400 naming at', async () => {
    const pump = await newPump();
    const res = await f.http.get(`/api/pumps/${pump.id}/forecast?at=tomorrow`);
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([expect.objectContaining({ field: 'at' })]);
  });

  it('gives no forecast for an explanted pump (422 naming pumpId)', async () => {
    const patient = await f.patient((await f.clinic()).id);
    const old = await f.pump(patient.id);
    await f.pump(patient.id, { replacesPumpId: old.id });
    const res = await f.http.get(`/api/pumps/${old.id}/forecast`);
    expect(res.status).toBe(422);
    expect(res.body.fields).toEqual([expect.objectContaining({ field: 'pumpId' })]);
  });
});
