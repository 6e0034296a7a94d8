// The demo clinic seeded on an empty database: about 40 pumps spread over every urgency band, quickly.
import { DemoSeedService } from '../../server/src/demo/demo-seed.service';
import { ManualClock } from '../../server/src/infra/clock';
import { api } from '../support/http';
import { countRows } from '../support/fixtures';
import { startTestServer, TestServer } from '../support/test-server';

describe('demo seed', () => {
  let server: TestServer;
  let startMs: number;
  beforeAll(async () => {
    const started = Date.now();
    server = await startTestServer({ demo: true, clock: new ManualClock('2026-06-01T12:00:00Z') });
    startMs = Date.now() - started;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('seeds one clinic with about 40 active pumps covering every urgency band', async () => {
    const http = api(server.baseUrl);
    const clinics = (await http.get('/api/clinics')).body;
    expect(clinics).toEqual([expect.objectContaining({ name: 'Demo Spasticity Clinic', timeZone: 'Europe/Paris' })]);
    const fleet = (await http.get('/api/pumps')).body as { urgency: string; status: string; deadlineReason: string | null; pump: { modelId: string; reservoirCapacityMl: number }; concentrationMcgPerMl: number | null }[];
    expect(fleet.length).toBeGreaterThanOrEqual(38);
    const urgencies = new Set(fleet.map((p) => p.urgency));
    for (const urgency of ['no_forecast', 'overdue', 'critical', 'urgent', 'warning', 'ok']) expect(urgencies).toContain(urgency);
    expect(new Set(fleet.map((p) => p.status))).toEqual(new Set(['no_fill', 'no_program', 'ok']));
    expect(new Set(fleet.map((p) => p.deadlineReason))).toEqual(new Set([null, 'low_reservoir', 'drug_stability']));
    expect(fleet.filter((p) => p.pump.modelId === 'constant-flow')).toHaveLength(2);
    expect(fleet.some((p) => p.pump.modelId.startsWith('prometra'))).toBe(true);
    expect(new Set(fleet.map((p) => p.concentrationMcgPerMl).filter((c) => c !== null))).toEqual(new Set([500, 1000, 2000]));
    expect(startMs).toBeLessThan(15_000);
  });

  it('keeps an explanted-and-replaced pump with its history', async () => {
    const http = api(server.baseUrl);
    const fleet = (await http.get('/api/pumps')).body as { pump: { replacesPumpId: string | null } }[];
    const replacement = fleet.find((p) => p.pump.replacesPumpId !== null);
    expect(replacement).toBeDefined();
    const old = (await http.get(`/api/pumps/${replacement!.pump.replacesPumpId}`)).body;
    expect(old.pump).toMatchObject({ explantReason: 'replacement' });
    expect(old.pump.explantedAt).not.toBeNull();
    expect(old.fills.length).toBeGreaterThanOrEqual(2);
    expect(old.forecast).toBeNull();
  });

  it('never fills a reservoir above its capacity and serves every pump page', async () => {
    const http = api(server.baseUrl);
    const fleet = (await http.get('/api/pumps')).body as { pump: { id: string; reservoirCapacityMl: number } }[];
    for (const item of fleet) {
      const detail = (await http.get(`/api/pumps/${item.pump.id}`)).body;
      for (const fill of detail.fills) expect(fill.volumeMl).toBeLessThanOrEqual(item.pump.reservoirCapacityMl);
    }
    expect(await countRows(server.databaseUrl, 'fills')).toBeGreaterThan(40);
  });

  it('seeds in well under 3 seconds', async () => {
    const empty = await startTestServer({ demo: false });
    try {
      const started = Date.now();
      const seeded = await empty.app.get(DemoSeedService).seedIfEmpty();
      const elapsedMs = Date.now() - started;
      expect(seeded).toBeGreaterThanOrEqual(38);
      expect(elapsedMs).toBeLessThan(3000);
    } finally {
      await empty.close();
    }
  });

  it('does not seed twice', async () => {
    expect(await server.app.get(DemoSeedService).seedIfEmpty()).toBe(0);
  });
});
