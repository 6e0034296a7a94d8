// A pump's flow learnt from its reconciled refills, over HTTP on real PostgreSQL: the factor, the calibrated alarm and the
// deadline the page, the forecast route and the fleet all show (issue 13).
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures } from '../support/fixtures';
import { useTestServer } from '../support/test-server';

describe('flow calibration from reconciled refills', () => {
  let f: ReturnType<typeof fixtures>;
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  let clinic: { id: string };

  const server = useTestServer({ clock });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    clinic = await f.clinic({ timeZone: 'UTC' });
  });

  // 100 mcg/day at 500 mcg/mL = 0.2 mL/day. 20 mL fills 75 days apart: 15 mL programmed, 5 mL expected at each refill.
  // The current fill (05-31) reaches the 2 mL alarm after 18 / 0.2 = 90 days: 2026-08-29T00:00Z.
  const FILLS = ['2026-01-01T00:00:00Z', '2026-03-17T00:00:00Z', '2026-05-31T00:00:00Z'];
  const pumpWithRefills = async (aspiratedResidualMl: number | null) => {
    const pump = await f.pump((await f.patient(clinic.id)).id);
    await f.program(pump.id, { effectiveFrom: '2025-12-01T00:00:00Z' });
    await f.fill(pump.id, { filledAt: FILLS[0], volumeMl: 20 });
    for (const filledAt of FILLS.slice(1)) {
      await f.fill(pump.id, { filledAt, volumeMl: 20, ...(aspiratedResidualMl === null ? {} : { aspiratedResidualMl }) });
    }
    return pump as { id: string };
  };
  const forecastOf = async (pumpId: string, query = '') => {
    const res = await f.http.get(`/api/pumps/${pumpId}/forecast${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const fleetRowOf = async (pumpId: string) => {
    const res = await f.http.get(`/api/pumps?clinicId=${clinic.id}`);
    expect(res.status).toBe(200);
    return (res.body as { pump: { id: string }; refillDeadline: string; deadlineReason: string }[]).find((row) => row.pump.id === pumpId);
  };

  it('a pump 10% fast over two refills gets a factor near 1.1 and an earlier deadline with calibrated_flow', async () => {
    // Aspirated 3.5 mL against 5 expected: 16.5 mL delivered of 15 programmed (1.1) twice; shrunk (2 x 1.1 + 0.5) / 2.5 = 1.08.
    const pump = await pumpWithRefills(3.5);
    const reconciliations = (await f.http.get(`/api/pumps/${pump.id}/reconciliations`)).body.reconciliations as {
      expectedResidualMl: number;
    }[];
    expect(reconciliations.map((r) => r.expectedResidualMl)).toEqual([expect.closeTo(5, 6), expect.closeTo(5, 6)]);

    const forecast = await forecastOf(pump.id);
    // 18 / 1.08 / 0.2 = 83.333 days = 83 d 8 h after 05-31; empty 20 / 1.08 / 0.2 = 92.5926 days = 92 d 14 h 13 min 20 s.
    expect(forecast.calibrated).toEqual({
      flowFactor: 1.08,
      intervals: 2,
      lowReservoirAlarmAt: '2026-08-22T08:00:00.000Z',
      emptyAt: '2026-08-31T14:13:20.000Z',
    });
    expect(forecast.calibrated.flowFactor).toBeCloseTo(1.1, 1);
    expect(forecast.refillDeadline).toBe('2026-08-22T08:00:00.000Z');
    expect(forecast.deadlineReason).toBe('calibrated_flow');
    // Nominal and worst case keep their meaning: the program alone.
    expect(forecast.nominal).toEqual({ lowReservoirAlarmAt: '2026-08-29T00:00:00.000Z', emptyAt: '2026-09-08T00:00:00.000Z' });
    expect(forecast.worstCase).toEqual(forecast.nominal);

    // The page and the fleet (the same deadline the alert rules and the scheduler load) agree.
    const detail = (await f.http.get(`/api/pumps/${pump.id}`)).body;
    expect(detail.forecast).toMatchObject({
      calibrated: forecast.calibrated,
      refillDeadline: '2026-08-22T08:00:00.000Z',
      deadlineReason: 'calibrated_flow',
    });
    expect(await fleetRowOf(pump.id)).toMatchObject({ refillDeadline: '2026-08-22T08:00:00.000Z', deadlineReason: 'calibrated_flow' });

    // Before the second refill was reconciled, one interval: (1.1 + 0.5) / 1.5 = 1.066667.
    const earlier = await forecastOf(pump.id, '?at=2026-04-01T00:00:00Z');
    expect(earlier.calibrated).toMatchObject({ flowFactor: 1.066667, intervals: 1 });
  });

  it('a pump with no reconciliation has calibrated null and the unchanged worst-case deadline', async () => {
    const pump = await pumpWithRefills(null);
    const forecast = await forecastOf(pump.id);
    expect(forecast.calibrated).toBeNull();
    expect(forecast.refillDeadline).toBe('2026-08-29T00:00:00.000Z');
    expect(forecast.deadlineReason).toBe('low_reservoir');
    expect((await f.http.get(`/api/pumps/${pump.id}`)).body.forecast.calibrated).toBeNull();
    expect(await fleetRowOf(pump.id)).toMatchObject({ refillDeadline: '2026-08-29T00:00:00.000Z', deadlineReason: 'low_reservoir' });
  });

  it('a pump running slow shows its factor but keeps the worst-case deadline', async () => {
    // Aspirated 6.5 mL: 13.5 of 15 (0.9) twice; (1.8 + 0.5) / 2.5 = 0.92. The calibrated alarm is later: the deadline is not moved.
    const pump = await pumpWithRefills(6.5);
    const forecast = await forecastOf(pump.id);
    expect(forecast.calibrated).toMatchObject({ flowFactor: 0.92, intervals: 2 });
    expect(Date.parse(forecast.calibrated.lowReservoirAlarmAt)).toBeGreaterThan(Date.parse('2026-08-29T00:00:00Z'));
    expect(forecast.refillDeadline).toBe('2026-08-29T00:00:00.000Z');
    expect(forecast.deadlineReason).toBe('low_reservoir');
  });
});
