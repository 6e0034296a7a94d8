// The load seed (npm run seed): every pump through the API's use cases, listed with its forecast, audited; the same seed, the same spread.
import type { FleetPump, Urgency } from '@pumpwatch/shared';
import { ManualClock } from '../../server/src/infra/clock';
import { SeededFleet, seedFleet, SeedTarget } from '../../server/src/seed/seed-fleet';
import { queryRows } from '../support/fixtures';
import { api } from '../support/http';
import { useTestServer } from '../support/test-server';

const PUMPS = 30;
/** What each planned band reads as on the fleet (no fill recorded: no forecast). */
const URGENCY_OF: Record<SeedTarget, Urgency> = {
  no_fill: 'no_forecast',
  overdue: 'overdue',
  critical: 'critical',
  urgent: 'urgent',
  warning: 'warning',
  ok: 'ok',
};

describe('load seed (seedFleet)', () => {
  const clock = new ManualClock('2026-09-14T08:30:00Z');
  const server = useTestServer({ clock });
  let first: SeededFleet;

  async function fleetOf(clinicId: string): Promise<Map<string, FleetPump>> {
    const response = await api(server.baseUrl).get(`/api/pumps?clinicId=${clinicId}`);
    expect(response.status).toBe(200);
    const rows = (Array.isArray(response.body) ? response.body : response.body.rows) as FleetPump[];
    return new Map(rows.map((row) => [row.pump.id, row]));
  }

  /** What the seed decides for pump i: model, patient, deadline, urgency (ids and serial numbers differ from run to run). */
  function spreadOf(fleet: SeededFleet, rows: Map<string, FleetPump>) {
    return fleet.pumpIds.map((id) => {
      const row = rows.get(id) as FleetPump;
      return {
        modelId: row.pump.modelId,
        patient: row.patient.displayName,
        status: row.status,
        refillDeadline: row.refillDeadline,
        urgency: row.urgency,
        volumeMl: row.volumeMl,
      };
    });
  }

  beforeAll(async () => {
    first = await seedFleet(server.app, { pumps: PUMPS, clinicName: 'Load clinic A', seed: 42 });
  });

  it('lists every seeded pump in GET /api/pumps of its clinic with a forecast, in the urgency band it was planned for', async () => {
    const rows = await fleetOf(first.clinicId);
    expect(rows.size).toBe(PUMPS);
    expect(new Set(first.pumpIds)).toEqual(new Set(rows.keys()));
    for (const [i, id] of first.pumpIds.entries()) {
      const row = rows.get(id) as FleetPump;
      const target = first.targets[i];
      expect({ target, urgency: row.urgency }).toEqual({ target, urgency: URGENCY_OF[target] });
      if (target === 'no_fill') {
        expect(row.status).toBe('no_fill');
      } else {
        expect(row.status).toBe('ok');
        expect(row.refillDeadline).not.toBeNull();
        expect(row.volumeMl).not.toBeNull();
      }
    }
    // 30 pumps from seed 42 span more than the 'ok' band.
    expect(new Set(first.targets).size).toBeGreaterThan(2);
  });

  it('writes what the API writes: one audit row and one event per created record, by the system actor (the alert engine adds its own)', async () => {
    const filled = first.targets.filter((t) => t !== 'no_fill').length;
    const programs = Number(
      (
        await queryRows<{ n: string }>(
          server.databaseUrl,
          `SELECT count(*) AS n FROM pumps WHERE clinic_id = $1 AND model_id <> 'constant-flow'`,
          [first.clinicId],
        )
      )[0].n,
    );
    const audit = await queryRows<{ action: string; actor_type: string; n: string }>(
      server.databaseUrl,
      `SELECT action, actor_type, count(*) AS n FROM audit_log WHERE clinic_id = $1 AND action IN ('clinic.created', 'patient.created', 'pump.created', 'program.set', 'fill.recorded')
       GROUP BY action, actor_type ORDER BY action`,
      [first.clinicId],
    );
    expect(audit.map((r) => [r.action, r.actor_type, Number(r.n)])).toEqual([
      ['clinic.created', 'system', 1],
      ['fill.recorded', 'system', filled],
      ['patient.created', 'system', PUMPS],
      ['program.set', 'system', programs],
      ['pump.created', 'system', PUMPS],
    ]);
    const events = await queryRows<{ type: string; n: string }>(
      server.databaseUrl,
      `SELECT type, count(*) AS n FROM events WHERE clinic_id = $1 AND type IN ('clinic.created', 'patient.created', 'pump.created', 'program.set', 'fill.recorded')
       GROUP BY type ORDER BY type`,
      [first.clinicId],
    );
    expect(events.map((r) => [r.type, Number(r.n)])).toEqual([
      ['clinic.created', 1],
      ['fill.recorded', filled],
      ['patient.created', PUMPS],
      ['program.set', programs],
      ['pump.created', PUMPS],
    ]);
  });

  it('gives the same spread for the same seed, whatever the concurrency, and another for another seed', async () => {
    const again = await seedFleet(server.app, { pumps: PUMPS, clinicName: 'Load clinic B', seed: 42, concurrency: 1 });
    const other = await seedFleet(server.app, { pumps: PUMPS, clinicName: 'Load clinic C', seed: 43 });
    const firstSpread = spreadOf(first, await fleetOf(first.clinicId));
    expect(again.targets).toEqual(first.targets);
    expect(spreadOf(again, await fleetOf(again.clinicId))).toEqual(firstSpread);
    expect(spreadOf(other, await fleetOf(other.clinicId))).not.toEqual(firstSpread);
  });

  it('names the new clinic "Load clinic <pumps>" by default', async () => {
    const fleet = await seedFleet(server.app, { pumps: 2, seed: 5 });
    const clinics = (await api(server.baseUrl).get('/api/clinics')).body as { id: string; name: string }[];
    expect(clinics.find((c) => c.id === fleet.clinicId)?.name).toBe('Load clinic 2');
  });
});
