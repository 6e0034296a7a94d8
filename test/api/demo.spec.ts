// The demo clinic seeded on an empty database: about 40 pumps on a normal clinic day, every refill reconciled, quickly; and after a
// simulated backfill, still a normal day (at most one critical alert, no withdrawal risk).
import type { Alert, FleetPump, PumpReconciliations } from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { DemoSeedService } from '../../server/src/demo/demo-seed.service';
import { ManualClock } from '../../server/src/infra/clock';
import { runSimulation } from '../../server/src/simulation/run-simulation';
import { api } from '../support/http';
import { countRows, queryRows } from '../support/fixtures';
import { DEMO_LOGINS } from '../support/test-accounts';
import { startTestServer, TestServer } from '../support/test-server';

describe('demo seed', () => {
  let server: TestServer;
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  beforeAll(async () => {
    server = await startTestServer({ demo: true, clock });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('seeds one clinic with about 40 active pumps on a normal day: most OK, a few due soon, at most one critical, none overdue', async () => {
    const http = api(server.baseUrl);
    const clinics = (await http.get('/api/clinics')).body;
    expect(clinics).toEqual([expect.objectContaining({ name: 'Demo Spasticity Clinic', timeZone: 'Europe/Paris' })]);
    const fleet = (await http.get('/api/pumps')).body as FleetPump[];
    expect(fleet.length).toBeGreaterThanOrEqual(38);
    const count = (urgency: string) => fleet.filter((p) => p.urgency === urgency).length;
    expect(count('ok')).toBeGreaterThanOrEqual(Math.ceil(fleet.length * 0.6));
    expect(count('urgent') + count('warning')).toBeGreaterThanOrEqual(3);
    expect(count('urgent') + count('warning')).toBeLessThanOrEqual(12);
    expect(count('urgent')).toBeGreaterThanOrEqual(1);
    expect(count('critical')).toBeLessThanOrEqual(1);
    for (const urgency of ['overdue', 'no_forecast', 'delivery_interrupted']) expect(count(urgency)).toBe(0);
    expect(count('ok') + count('warning') + count('urgent') + count('critical')).toBe(fleet.length);
    expect(new Set(fleet.map((p) => p.status))).toEqual(new Set(['ok']));
    // The demo's aspirated residuals scatter around the expected: a pump its refills show running fast has its calibrated deadline (issue 13).
    const reasons = new Set(fleet.map((p) => p.deadlineReason));
    expect([...reasons]).toEqual(expect.arrayContaining(['low_reservoir', 'drug_stability']));
    expect([...reasons].filter((reason) => !['low_reservoir', 'drug_stability', 'calibrated_flow'].includes(reason as string))).toEqual([]);
    expect(fleet.filter((p) => p.pump.modelId === 'constant-flow')).toHaveLength(2);
    expect(fleet.some((p) => p.pump.modelId.startsWith('prometra'))).toBe(true);
    expect(new Set(fleet.map((p) => p.concentrationMcgPerMl).filter((c) => c !== null))).toEqual(new Set([500, 1000, 2000]));
  });

  it('starts with someone on call, so a normal day shows no "no one on call" warning', async () => {
    const http = api(server.baseUrl);
    const [clinic] = (await http.get<{ id: string }[]>('/api/clinics')).body;
    const now = (await http.get<{ primary: { displayName: string } | null; noOneOnCall: boolean }>(`/api/clinics/${clinic.id}/on-call-now`))
      .body;
    expect(now.noOneOnCall).toBe(false);
    expect(now.primary).toEqual([expect.objectContaining({ displayName: 'Dr Chris Clinician (demo)' })]);
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

  it('reconciles every refill that recorded an aspirated residual, as the fills use case does', async () => {
    const missing = await queryRows<{ id: string }>(
      server.databaseUrl,
      `SELECT f.id FROM fills f WHERE f.aspirated_residual_ml IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM reservoir_reconciliations r WHERE r.fill_id = f.id AND r.superseded_at IS NULL)`,
    );
    expect(missing).toEqual([]);
    const [{ n }] = await queryRows<{ n: string }>(
      server.databaseUrl,
      'SELECT count(*) AS n FROM fills WHERE aspirated_residual_ml IS NOT NULL',
    );
    expect(Number(n)).toBeGreaterThan(40);
    const http = api(server.baseUrl);
    const fleet = (await http.get('/api/pumps')).body as FleetPump[];
    let shown = 0;
    for (const item of fleet) {
      const detail = (await http.get(`/api/pumps/${item.pump.id}`)).body as { fills: { id: string; aspiratedResidualMl: number | null }[] };
      const answer = (await http.get(`/api/pumps/${item.pump.id}/reconciliations`)).body as PumpReconciliations;
      const residuals = detail.fills.filter((f) => f.aspiratedResidualMl !== null);
      expect(answer.reconciliations.map((r) => [r.fillId, r.aspiratedResidualMl]).sort()).toEqual(
        residuals.map((f) => [f.id, f.aspiratedResidualMl]).sort(),
      );
      // The nurse aspirated about what the forecast expected: nothing to investigate on a normal day.
      for (const r of answer.reconciliations) expect(r.flagged).toBe(false);
      shown += answer.reconciliations.length;
    }
    expect(shown).toBeGreaterThan(30);
  });

  it('after 14 days of simulated telemetry and an alert sweep: at most one critical alert, no withdrawal risk, no discrepancy', async () => {
    const summary = await runSimulation({
      url: server.baseUrl,
      gatewayToken: null,
      email: DEMO_LOGINS.admin.email,
      password: DEMO_LOGINS.admin.password,
      clinic: null,
      days: 14,
      speed: 1,
      once: true,
      seed: 20261125,
      incident: null,
      now: () => clock.now(),
    });
    expect(summary.new).toBeGreaterThan(500);
    expect(summary.roles).toMatchObject({ drifting: null, incident: null });
    await server.app.get(AlertEngine).sweep();
    const http = api(server.baseUrl);
    const alerts = (await http.get('/api/alerts?includeSnoozed=true')).body as Alert[];
    expect(alerts.filter((a) => a.severity === 'critical').length).toBeLessThanOrEqual(1);
    expect(alerts.filter((a) => a.withdrawalRisk)).toEqual([]);
    const kinds = new Set(alerts.map((a) => a.kind));
    for (const kind of [
      'reservoir_near_empty',
      'delivery_interrupted',
      'concentration_mismatch',
      'no_forecast',
      'reservoir_discrepancy',
      'reconciliation_discrepancy',
      'program_mismatch',
      'outside_drug_library',
    ])
      expect(kinds).not.toContain(kind);
    // Every demo pump's program and fill in force is inside the default drug library (issue 13): the planner flags none.
    const [demoClinic] = (await http.get('/api/clinics')).body as { id: string }[];
    const plan = await http.post('/api/refill-plan', {
      clinicId: demoClinic.id,
      from: clock.now().toISOString(),
      to: new Date(clock.now().getTime() + 28 * 86_400_000).toISOString(),
    });
    expect([plan.status, plan.body.outsideDrugLibrary]).toEqual([200, []]);
    // The texture of a normal day: refills due soon, the silent gateway and the pump at its replacement indicator.
    expect(kinds).toContain('refill_due');
    expect(kinds).toContain('telemetry_stale');
    expect(kinds).toContain('replacement_due');
    const fleet = (await http.get('/api/pumps')).body as FleetPump[];
    expect(fleet.filter((p) => p.urgency === 'critical').length).toBeLessThanOrEqual(1);
    for (const urgency of ['overdue', 'no_forecast', 'delivery_interrupted'])
      expect(fleet.filter((p) => p.urgency === urgency)).toEqual([]);
  });

  // Tests never assert on wall-clock time (a loaded CI machine is slow, not wrong): seeding an empty database works and reports its count.
  it('seeds an empty database on request and says how many pumps', async () => {
    const empty = await startTestServer({ demo: false });
    try {
      const seeded = await empty.app.get(DemoSeedService).seedIfEmpty();
      expect(seeded).toBeGreaterThanOrEqual(38);
    } finally {
      await empty.close();
    }
  });

  it('does not seed twice', async () => {
    expect(await server.app.get(DemoSeedService).seedIfEmpty()).toBe(0);
  });
});
