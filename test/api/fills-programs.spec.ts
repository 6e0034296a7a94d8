// Fills and programs over HTTP on real PostgreSQL: recording, history, expected residual and every refused input.
import { ManualClock } from '../../server/src/infra/clock';
import { countAllRows, fixtures } from '../support/fixtures';
import { useTestServer } from '../support/test-server';

const UNKNOWN_ID = '6f1c1d2e-0000-4000-8000-000000000000';

describe('fills and programs', () => {
  let f: ReturnType<typeof fixtures>;
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  const server = useTestServer({ clock });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
  });

  const newPump = async (overrides: Record<string, unknown> = {}, timeZone = 'Europe/Paris') => {
    const patient = await f.patient((await f.clinic({ timeZone })).id);
    return f.pump(patient.id, overrides);
  };

  it('records a fill with the default stability of 180 days and no expected residual for a first fill', async () => {
    const pump = await newPump();
    const fill = await f.fill(pump.id, {
      filledAt: '2026-03-01T09:00:00+01:00',
      concentrationMcgPerMl: 1000,
      volumeMl: 19.5,
      aspiratedResidualMl: 0,
    });
    expect(fill).toMatchObject({
      pumpId: pump.id,
      filledAt: '2026-03-01T08:00:00.000Z',
      drug: 'baclofen',
      concentrationMcgPerMl: 1000,
      volumeMl: 19.5,
      aspiratedResidualMl: 0,
      stabilityDays: 180,
      bridgeBolus: null,
      expectedResidualMl: null,
    });
    expect((await f.http.get(`/api/pumps/${pump.id}/fills`)).body).toEqual([fill]);
  });

  it('stores the residual the previous forecast expected at the next refill', async () => {
    const pump = await newPump();
    await f.program(pump.id, { effectiveFrom: '2026-01-01T00:00:00Z' });
    await f.fill(pump.id, { filledAt: '2026-01-10T09:00:00Z', volumeMl: 20 });
    // 60 days at 0.2 mL/day: 20 - 12 = 8 mL expected.
    const second = await f.fill(pump.id, {
      filledAt: '2026-03-11T09:00:00Z',
      volumeMl: 20,
      aspiratedResidualMl: 7.6,
      concentrationMcgPerMl: 1000,
      bridgeBolus: { volumeMl: 0.5, durationMinutes: 120 },
    });
    expect(second.expectedResidualMl).toBeCloseTo(8, 6);
    expect(second.bridgeBolus).toEqual({ volumeMl: 0.5, durationMinutes: 120 });
  });

  it('accepts a fill on the implant date in the clinic time zone even when UTC is still the day before', async () => {
    const pump = await newPump({ implantDate: '2026-05-10' }, 'Pacific/Auckland');
    // 2026-05-09T13:00Z is 2026-05-10 01:00 in Auckland (UTC+12).
    await expect(f.fill(pump.id, { filledAt: '2026-05-09T13:00:00Z' })).resolves.toMatchObject({ filledAt: '2026-05-09T13:00:00.000Z' });
  });

  it('keeps programs as history and computes the daily dose (steps by their hours plus periodic boluses)', async () => {
    const pump = await newPump();
    const first = await f.program(pump.id, { effectiveFrom: '2026-02-01T08:00:00Z' });
    const second = await f.program(pump.id, {
      effectiveFrom: '2026-04-01T08:00:00Z',
      // 6 h at 200 + 18 h at 400 = 50 + 300 = 350 mcg/day, plus 2 x 25 mcg boluses = 400 mcg/day.
      steps: [
        { startTime: '00:00', doseMcgPerDay: 200 },
        { startTime: '06:00', doseMcgPerDay: 400 },
      ],
      periodicBoluses: [
        { time: '08:00', doseMcg: 25 },
        { time: '20:00', doseMcg: 25 },
      ],
      patientBolus: { doseMcg: 30, maxPerDay: 3 },
      // 100 -> 400 mcg/day is far above the escalation range: the dose guard (issue 7) asks why.
      doseChangeReason: 'Titration test',
    });
    expect(first.doseMcgPerDay).toBe(100);
    expect(second).toMatchObject({
      doseMcgPerDay: 400,
      patientBolus: { doseMcg: 30, maxPerDay: 3 },
      periodicBoluses: [
        { time: '08:00', doseMcg: 25 },
        { time: '20:00', doseMcg: 25 },
      ],
    });
    const list = (await f.http.get(`/api/pumps/${pump.id}/programs`)).body;
    expect(list).toEqual([first, second]);
  });

  type BadCase = [string, () => Promise<{ path: string; body: unknown }>, number, string];
  const fillOn = async (body: Record<string, unknown>, pumpOverrides: Record<string, unknown> = {}) => {
    const pump = await newPump(pumpOverrides);
    return {
      path: `/api/pumps/${pump.id}/fills`,
      body: { filledAt: '2026-03-01T09:00:00Z', concentrationMcgPerMl: 500, volumeMl: 18, ...body },
    };
  };
  const programOn = async (body: Record<string, unknown>, pumpOverrides: Record<string, unknown> = {}) => {
    const pump = await newPump(pumpOverrides);
    return {
      path: `/api/pumps/${pump.id}/programs`,
      body: { effectiveFrom: '2026-03-01T08:00:00Z', steps: [{ startTime: '00:00', doseMcgPerDay: 100 }], ...body },
    };
  };
  const badCases: BadCase[] = [
    ['an overfill above the reservoir capacity', () => fillOn({ volumeMl: 20.5 }), 422, 'volumeMl'],
    [
      'an overfill of a constant-flow pump above its label capacity',
      () => fillOn({ volumeMl: 36 }, { modelId: 'constant-flow', reservoirCapacityMl: 35, flowRateMlPerDay: 0.5 }),
      422,
      'volumeMl',
    ],
    ['an aspirated residual above the capacity', () => fillOn({ aspiratedResidualMl: 25 }), 422, 'aspiratedResidualMl'],
    ['a zero concentration', () => fillOn({ concentrationMcgPerMl: 0 }), 400, 'concentrationMcgPerMl'],
    ['a negative concentration', () => fillOn({ concentrationMcgPerMl: -500 }), 400, 'concentrationMcgPerMl'],
    ['a zero volume', () => fillOn({ volumeMl: 0 }), 400, 'volumeMl'],
    ['a fill before the implant date', () => fillOn({ filledAt: '2025-01-09T12:00:00Z' }), 422, 'filledAt'],
    [
      'a fill at 00:30 Paris time on the day before the implant (23:30 UTC)',
      () => fillOn({ filledAt: '2025-01-08T23:30:00Z' }),
      422,
      'filledAt',
    ],
    ['a fill in the future', () => fillOn({ filledAt: '2026-06-01T12:10:00Z' }), 422, 'filledAt'],
    ['a filledAt without offset', () => fillOn({ filledAt: '2026-03-01T09:00:00' }), 400, 'filledAt'],
    ['an unknown drug', () => fillOn({ drug: 'morphine' }), 400, 'drug'],
    ['a fractional stability', () => fillOn({ stabilityDays: 12.5 }), 400, 'stabilityDays'],
    [
      'a bridge bolus larger than the fill',
      () => fillOn({ volumeMl: 5, bridgeBolus: { volumeMl: 6, durationMinutes: 60 } }),
      422,
      'bridgeBolus.volumeMl',
    ],
    ['a bridge bolus without duration', () => fillOn({ bridgeBolus: { volumeMl: 1 } }), 400, 'bridgeBolus.durationMinutes'],
    [
      'a fill on an explanted pump',
      async () => {
        const patient = await f.patient((await f.clinic()).id);
        const old = await f.pump(patient.id);
        await f.pump(patient.id, { replacesPumpId: old.id });
        return { path: `/api/pumps/${old.id}/fills`, body: { filledAt: '2026-03-01T09:00:00Z', concentrationMcgPerMl: 500, volumeMl: 18 } };
      },
      422,
      'pumpId',
    ],
    [
      'a fill on an unknown pump',
      async () => ({
        path: `/api/pumps/${UNKNOWN_ID}/fills`,
        body: { filledAt: '2026-03-01T09:00:00Z', concentrationMcgPerMl: 500, volumeMl: 18 },
      }),
      404,
      'id',
    ],
    [
      'a malformed fill on an unknown pump (the pump is looked up first)',
      async () => ({ path: `/api/pumps/${UNKNOWN_ID}/fills`, body: { volumeMl: -1 } }),
      404,
      'id',
    ],
    ['a fill on a malformed pump id', async () => ({ path: '/api/pumps/pump-1/fills', body: {} }), 404, 'id'],
    [
      'a second fill at the same instant',
      async () => {
        const pump = await newPump();
        await f.fill(pump.id);
        return {
          path: `/api/pumps/${pump.id}/fills`,
          body: { filledAt: '2026-03-01T09:00:00Z', concentrationMcgPerMl: 500, volumeMl: 18 },
        };
      },
      409,
      'filledAt',
    ],
    ['steps not starting at 00:00', () => programOn({ steps: [{ startTime: '06:00', doseMcgPerDay: 100 }] }), 400, 'steps.0.startTime'],
    [
      'steps out of order',
      () =>
        programOn({
          steps: [
            { startTime: '00:00', doseMcgPerDay: 100 },
            { startTime: '18:00', doseMcgPerDay: 200 },
            { startTime: '07:00', doseMcgPerDay: 150 },
          ],
        }),
      400,
      'steps.2.startTime',
    ],
    [
      'a repeated step time',
      () =>
        programOn({
          steps: [
            { startTime: '00:00', doseMcgPerDay: 100 },
            { startTime: '00:00', doseMcgPerDay: 200 },
          ],
        }),
      400,
      'steps.1.startTime',
    ],
    [
      'a malformed step time',
      () =>
        programOn({
          steps: [
            { startTime: '00:00', doseMcgPerDay: 100 },
            { startTime: '7:5', doseMcgPerDay: 200 },
          ],
        }),
      400,
      'steps.1.startTime',
    ],
    [
      'a step time of 24:00',
      () =>
        programOn({
          steps: [
            { startTime: '00:00', doseMcgPerDay: 100 },
            { startTime: '24:00', doseMcgPerDay: 200 },
          ],
        }),
      400,
      'steps.1.startTime',
    ],
    [
      'a malformed periodic bolus time',
      () => programOn({ periodicBoluses: [{ time: '8h00', doseMcg: 20 }] }),
      400,
      'periodicBoluses.0.time',
    ],
    ['a negative step dose', () => programOn({ steps: [{ startTime: '00:00', doseMcgPerDay: -1 }] }), 400, 'steps.0.doseMcgPerDay'],
    ['no steps', () => programOn({ steps: [] }), 400, 'steps'],
    ['a patient bolus with zero per day', () => programOn({ patientBolus: { doseMcg: 20, maxPerDay: 0 } }), 400, 'patientBolus.maxPerDay'],
    ['a malformed effectiveFrom', () => programOn({ effectiveFrom: 'yesterday' }), 400, 'effectiveFrom'],
    ['a program before the implant date', () => programOn({ effectiveFrom: '2024-12-31T12:00:00Z' }), 422, 'effectiveFrom'],
    [
      'a program for a constant-flow pump',
      () => programOn({}, { modelId: 'constant-flow', reservoirCapacityMl: 35, flowRateMlPerDay: 0.5 }),
      422,
      'modelId',
    ],
    [
      'a program for an unknown pump',
      async () => ({
        path: `/api/pumps/${UNKNOWN_ID}/programs`,
        body: { effectiveFrom: '2026-03-01T08:00:00Z', steps: [{ startTime: '00:00', doseMcgPerDay: 100 }] },
      }),
      404,
      'id',
    ],
    [
      'a program for an explanted pump',
      async () => {
        const patient = await f.patient((await f.clinic()).id);
        const old = await f.pump(patient.id);
        await f.pump(patient.id, { replacesPumpId: old.id });
        return {
          path: `/api/pumps/${old.id}/programs`,
          body: { effectiveFrom: '2026-03-01T08:00:00Z', steps: [{ startTime: '00:00', doseMcgPerDay: 100 }] },
        };
      },
      422,
      'pumpId',
    ],
  ];

  it.each(badCases)('refuses %s, naming the field, and writes nothing', async (_name, setup, status, field) => {
    const { path, body } = await setup();
    const before = await countAllRows(server.databaseUrl);
    const res = await f.http.post(path, body);
    expect(res.status).toBe(status);
    expect(res.body.statusCode).toBe(status);
    expect(res.body.fields.map((x: { field: string }) => x.field)).toContain(field);
    expect(await countAllRows(server.databaseUrl)).toEqual(before);
  });

  it('leaves the fill history unchanged after a refused fill', async () => {
    const pump = await newPump();
    const fill = await f.fill(pump.id);
    const res = await f.http.post(`/api/pumps/${pump.id}/fills`, {
      filledAt: '2026-04-01T09:00:00Z',
      concentrationMcgPerMl: 500,
      volumeMl: 21,
    });
    expect(res.status).toBe(422);
    expect((await f.http.get(`/api/pumps/${pump.id}/fills`)).body).toEqual([fill]);
  });
});
