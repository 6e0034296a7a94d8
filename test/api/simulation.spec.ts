// The telemetry simulator against a real demo server over HTTP: backfill of every pump on a normal day (the stale and ERI pumps, volumes
// that agree with the forecast), idempotent re-runs, gateway tokens, incidents (a stopped and an over-infusing pump) only when asked,
// the live loop, and the demo server's own in-process feeder.
import type { Alert, FleetPump, MachineToken, PumpForecast } from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { ManualClock } from '../../server/src/infra/clock';
import { runSimulation, SimulationOptions, SimulationSummary } from '../../server/src/simulation/run-simulation';
import { queryRows } from '../support/fixtures';
import { api, signIn } from '../support/http';
import { DEMO_LOGINS } from '../support/test-accounts';
import { TestServer, useTestServer } from '../support/test-server';

const DAY_MS = 86_400_000;
const START = '2026-06-01T12:00:00Z';

const readingCount = async (server: TestServer): Promise<number> =>
  Number((await queryRows<{ n: string }>(server.databaseUrl, 'SELECT count(*) AS n FROM telemetry_readings'))[0].n);

/** Forecast at the pump's last reported volume less that volume, and what was delivered since the fill by then. */
async function gapOf(admin: ReturnType<typeof api>, item: FleetPump) {
  const t = item.telemetry!;
  const forecast: PumpForecast = (await admin.get(`/api/pumps/${item.pump.id}/forecast?at=${t.reportedReservoirVolumeAt}`)).body;
  const detail = (await admin.get(`/api/pumps/${item.pump.id}`)).body;
  const fill = detail.fills.find((f: { id: string }) => f.id === forecast.fillId);
  return {
    gapMl: (forecast.volumeMl as number) - (t.reportedReservoirVolumeMl as number),
    deliveredMl: fill.volumeMl - (forecast.volumeMl as number),
    forecast,
    detail,
  };
}

function options(server: TestServer, over: Partial<SimulationOptions> = {}): SimulationOptions {
  return {
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
    ...over,
  };
}

describe('npm run simulate --once against a demo server', () => {
  const clock = new ManualClock(START);
  let admin: ReturnType<typeof api>;
  let first: SimulationSummary;
  let fleet: FleetPump[];
  const bySerial = (serial: string | null) => fleet.find((p) => p.pump.serialNumber === serial) as FleetPump;

  const server = useTestServer({ demo: true, clock });
  beforeAll(async () => {
    admin = api(server.baseUrl, { token: await signIn(server.baseUrl, DEMO_LOGINS.admin.email, DEMO_LOGINS.admin.password) });
    first = await runSimulation(options(server, { now: () => clock.now() }));
    fleet = (await admin.get('/api/pumps')).body;
  });

  it('stores readings for every demo pump that can report, over the gateway route, and none for constant-flow pumps', async () => {
    expect(first.clinic.name).toBe('Demo Spasticity Clinic');
    expect(first).toMatchObject({ pumps: fleet.length, unknownSerials: 0, duplicates: 0 });
    expect(first.new).toBe(first.sent);
    expect(await readingCount(server)).toBe(first.sent);
    const programmable = fleet.filter((p) => p.pump.modelId !== 'constant-flow');
    expect(first.reportingPumps).toBe(programmable.length);
    for (const item of programmable) {
      expect(item.telemetry?.lastContactAt).not.toBeNull();
      const readings = (
        await admin.get(`/api/pumps/${item.pump.id}/telemetry?from=${new Date(clock.now().getTime() - 14 * DAY_MS).toISOString()}`)
      ).body.readings;
      // Two uploads a day for 14 days (the stale pump stopped 60 h ago), fewer for a pump implanted within the window.
      if (item.pump.implantDate <= '2026-05-17') expect(readings.length).toBe(item.pump.serialNumber === first.roles.stale ? 23 : 28);
      else expect(readings.length).toBeGreaterThan(0);
    }
    for (const item of fleet.filter((p) => p.pump.modelId === 'constant-flow')) expect(item.telemetry?.lastContactAt ?? null).toBeNull();
  });

  it('shows the stale pump stale, and no other', () => {
    const stale = fleet.filter((p) => p.telemetry?.stale).map((p) => p.pump.serialNumber);
    expect(stale).toEqual([first.roles.stale]);
    expect(bySerial(first.roles.stale).telemetry).toMatchObject({ monitored: true, stale: true });
  });

  it('shows the ERI pump with battery eri and a replacement due 60 days after its ERI (90 days to the stop, 30 of margin)', () => {
    const telemetry = bySerial(first.roles.eri).telemetry!;
    expect(telemetry).toMatchObject({ batteryStatus: 'eri', replacementEstimated: false, deliveryInterrupted: false });
    expect(telemetry.activeAlarms).toContain('eri');
    expect(telemetry.eriAt).not.toBeNull();
    // ERI from 3 days before the seed: the first upload at or after 2026-05-29T12:00Z.
    expect(Date.parse(telemetry.eriAt!)).toBeGreaterThanOrEqual(Date.parse('2026-05-29T12:00:00Z'));
    expect(Date.parse(telemetry.eriAt!)).toBeLessThan(Date.parse('2026-05-29T12:00:00Z') + 12 * 3_600_000);
    expect(Date.parse(telemetry.replacementDueBy!)).toBe(Date.parse(telemetry.eriAt!) + 60 * DAY_MS);
    expect(fleet.filter((p) => p.telemetry?.batteryStatus === 'eri').map((p) => p.pump.serialNumber)).toEqual([first.roles.eri]);
  });

  it('casts no over-infusing pump without an incident: every reported volume agrees with the forecast, patient boluses counted', async () => {
    expect(first.roles).toMatchObject({ drifting: null, incident: null });
    const reporting = fleet.filter(
      (p) => p.telemetry?.reportedReservoirVolumeMl !== null && p.telemetry?.reportedReservoirVolumeMl !== undefined,
    );
    expect(reporting.length).toBeGreaterThan(30);
    let withBoluses = 0;
    for (const item of reporting) {
      const { gapMl, forecast, detail } = await gapOf(admin, item);
      const bolusesAllowed = detail.programs.some((p: { patientBolus: unknown }) => p.patientBolus !== null);
      // Programmed delivery agrees to the reported hundredth; the boluses counted from the reading before the refill add at most the
      // half day of boluses between that reading and the refill.
      expect(Math.abs(gapMl)).toBeLessThanOrEqual(bolusesAllowed ? 0.2 : 0.005 + 1e-9);
      // Far inside the clinic's discrepancy tolerance (2 mL or 10%, whichever is larger).
      expect(Math.abs(gapMl)).toBeLessThan(Math.max(2, 0.1 * (forecast.volumeMl as number)));
      if (bolusesAllowed) withBoluses++;
    }
    expect(withBoluses).toBeGreaterThan(3);
  });

  it('keys the program and the fill on record (no mismatch), and no pump of a normal day is at its low-reservoir alarm', () => {
    for (const item of fleet.filter((p) => p.telemetry?.lastContactAt)) {
      expect(item.telemetry).toMatchObject({ programMismatch: null, concentrationMismatch: null, deliveryInterrupted: false });
      const reported = item.telemetry!.reportedReservoirVolumeMl;
      if (reported !== null) expect(reported).toBeGreaterThan(item.pump.lowReservoirAlarmMl);
      expect(item.telemetry!.activeAlarms).not.toContain('low_reservoir');
    }
  });

  it('raises no withdrawal-risk alert and at most one critical alert without an incident', async () => {
    await server.app.get(AlertEngine).sweep();
    const alerts: Alert[] = (await admin.get('/api/alerts?includeSnoozed=true')).body;
    expect(alerts.filter((a) => a.withdrawalRisk)).toEqual([]);
    expect(alerts.filter((a) => a.severity === 'critical').length).toBeLessThanOrEqual(1);
  });

  it('stores nothing twice when run again, and revokes the gateway token it created', async () => {
    const before = await readingCount(server);
    const again = await runSimulation(options(server, { now: () => clock.now() }));
    expect(again).toMatchObject({ new: 0, duplicates: again.sent, roles: first.roles });
    expect(again.sent).toBe(first.sent);
    expect(await readingCount(server)).toBe(before);
    const tokens: MachineToken[] = (await admin.get(`/api/machine-tokens?clinicId=${first.clinic.id}`)).body;
    for (const id of [first.createdGatewayTokenId, again.createdGatewayTokenId]) {
      expect(tokens.find((t) => t.id === id)).toMatchObject({ revokedAt: expect.any(String) });
    }
  });

  it('posts with a given gateway token and reads with any role; refuses clearly without a reader', async () => {
    const created = (await admin.post('/api/machine-tokens', { clinicId: first.clinic.id, name: 'home gateways' })).body;
    const run = await runSimulation(
      options(server, {
        gatewayToken: created.token,
        email: DEMO_LOGINS.staff.email,
        password: DEMO_LOGINS.staff.password,
        now: () => clock.now(),
      }),
    );
    expect(run).toMatchObject({ createdGatewayTokenId: null, new: 0, unknownSerials: 0 });
    await expect(
      runSimulation(options(server, { gatewayToken: created.token, password: 'not the password', now: () => clock.now() })),
    ).rejects.toThrow(
      /cannot sign in as demo-admin@pumpwatch.example .*a gateway token can only post telemetry: give --email and --password/,
    );
    await expect(
      runSimulation(options(server, { email: DEMO_LOGINS.staff.email, password: DEMO_LOGINS.staff.password, now: () => clock.now() })),
    ).rejects.toThrow(/may not create gateway tokens \(administrators only\): pass --token/);
  });

  it("injects an incident on one pump (delivery interrupted) that the pump's next upload without it clears", async () => {
    const withIncident = await runSimulation(options(server, { incident: 'motor_stall', now: () => clock.now() }));
    expect(withIncident.new).toBe(1);
    const pumpOf = async (http: ReturnType<typeof api>) =>
      ((await http.get('/api/pumps')).body as FleetPump[]).find((p) => p.pump.serialNumber === withIncident.roles.incident)!;
    expect((await pumpOf(admin)).telemetry).toMatchObject({
      deliveryInterrupted: true,
      activeAlarms: expect.arrayContaining(['motor_stall']),
    });
    // Its next scheduled upload falls within the next 12 h (sessions last 12 h: sign in again after moving the clock).
    clock.set(new Date(Date.parse(START) + 12 * 3_600_000));
    await runSimulation(options(server, { days: 1, now: () => clock.now() }));
    const later = api(server.baseUrl, { token: await signIn(server.baseUrl, DEMO_LOGINS.admin.email, DEMO_LOGINS.admin.password) });
    expect((await pumpOf(later)).telemetry).toMatchObject({
      deliveryInterrupted: false,
      activeAlarms: expect.not.arrayContaining(['motor_stall']),
    });
  });
});

describe('an incident run on a fresh demo (--incident)', () => {
  const clock = new ManualClock(START);
  const server = useTestServer({ demo: true, clock });

  it('stops one pump (a critical withdrawal-risk alert) and shows the over-infusing pump below its forecast', async () => {
    const admin = api(server.baseUrl, { token: await signIn(server.baseUrl, DEMO_LOGINS.admin.email, DEMO_LOGINS.admin.password) });
    const run = await runSimulation(options(server, { incident: 'pump_stopped', now: () => clock.now() }));
    expect(run.roles.incident).not.toBeNull();
    expect(run.roles.drifting).not.toBeNull();
    // The same stale and ERI pumps as a normal day's run would cast.
    expect(new Set(Object.values(run.roles)).size).toBe(4);
    const fleet: FleetPump[] = (await admin.get('/api/pumps')).body;
    const drifting = fleet.find((p) => p.pump.serialNumber === run.roles.drifting)!;
    const drift = await gapOf(admin, drifting);
    // About 12.5% over-infusion of the programmed delivery at the seed's "now" (2% growing half a point a day for 21 days); the
    // patient boluses it also delivered (counted, so not part of the gap) make the share of everything delivered smaller.
    expect(drift.gapMl / drift.deliveredMl).toBeGreaterThan(0.06);
    expect(drift.gapMl).toBeGreaterThan(0.5);
    await server.app.get(AlertEngine).sweep();
    const alerts: Alert[] = (await admin.get('/api/alerts?includeSnoozed=true')).body;
    expect(alerts.filter((a) => a.withdrawalRisk && a.pump?.serialNumber === run.roles.incident)).toEqual([
      expect.objectContaining({ kind: 'delivery_interrupted', severity: 'critical' }),
    ]);
  });
});

describe('the demo server feeding itself, and the live loop', () => {
  let admin: ReturnType<typeof api>;

  const server = useTestServer({ demo: true, simulate: true });
  beforeAll(async () => {
    admin = api(server.baseUrl, { token: await signIn(server.baseUrl, DEMO_LOGINS.admin.email, DEMO_LOGINS.admin.password) });
  });

  it("posts the demo fleet's telemetry through its own API after listen (PUMPWATCH_SIMULATE on)", async () => {
    const deadline = Date.now() + 20_000;
    let waiting: string[] = ['not read yet'];
    while (waiting.length > 0 && Date.now() < deadline) {
      const fleet: FleetPump[] = (await admin.get('/api/pumps')).body;
      waiting = fleet.filter((p) => p.pump.modelId !== 'constant-flow' && !p.telemetry?.lastContactAt).map((p) => p.pump.serialNumber);
      if (waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(waiting).toEqual([]);
    const audit = (
      await queryRows<{ actor_type: string }>(
        server.databaseUrl,
        "SELECT DISTINCT actor_type FROM audit_log WHERE action LIKE 'telemetry%'",
      )
    ).map((r) => r.actor_type);
    expect(audit).toEqual(['machine']);
  });

  it('uploads live at --speed until stopped, then revokes its token', async () => {
    const stop = new AbortController();
    const logs: string[] = [];
    const running = runSimulation(options(server, { once: false, speed: 43_200, days: 0, signal: stop.signal, log: (m) => logs.push(m) }));
    const deadline = Date.now() + 15_000;
    while (logs.filter((m) => m.startsWith('live: ') && /readings up to/.test(m)).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stop.abort();
    const summary = await running;
    expect(logs.filter((m) => /^live: \d+ readings up to/.test(m)).length).toBeGreaterThanOrEqual(2);
    expect(summary.new).toBeGreaterThan(0);
    const tokens: MachineToken[] = (await admin.get(`/api/machine-tokens?clinicId=${summary.clinic.id}`)).body;
    expect(tokens.find((t) => t.id === summary.createdGatewayTokenId)).toMatchObject({ revokedAt: expect.any(String) });
  });
});
