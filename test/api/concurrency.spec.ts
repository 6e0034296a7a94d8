// Concurrent writers and several server instances on one real PostgreSQL: rules hold and events reach every instance.
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import type { PumpChangedEvent } from '@pumpwatch/shared';
import { createPumpWatchApp } from '../../server/src/app.factory';
import { ManualClock } from '../../server/src/infra/clock';
import { adminToken, api } from '../support/http';
import { fixtures } from '../support/fixtures';
import { useTestServer } from '../support/test-server';

describe('concurrency and several instances', () => {
  let f: ReturnType<typeof fixtures>;
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  const server = useTestServer({ clock });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
  });

  it('registers only one of two simultaneous first pumps for the same patient', async () => {
    const patient = await f.patient((await f.clinic()).id);
    const attempts = await Promise.all(
      ['NGP-RACE-A', 'NGP-RACE-B', 'NGP-RACE-C'].map((serialNumber) =>
        f.http.post('/api/pumps', { patientId: patient.id, modelId: 'synchromed-ii-20', serialNumber, implantDate: '2025-01-10' }),
      ),
    );
    expect(attempts.map((a) => a.status).sort()).toEqual([201, 422, 422]);
    for (const refused of attempts.filter((a) => a.status !== 201)) {
      expect(refused.body.fields).toEqual([expect.objectContaining({ field: 'replacesPumpId' })]);
    }
    const active = (await f.http.get('/api/pumps')).body.filter((p: { patient: { id: string } }) => p.patient.id === patient.id);
    expect(active).toHaveLength(1);
  });

  it('registers a serial number once when two clinics race for it', async () => {
    const patients = [
      await f.patient((await f.clinic()).id),
      await f.patient((await f.clinic()).id),
      await f.patient((await f.clinic()).id),
    ];
    const attempts = await Promise.all(
      patients.map((patient) =>
        f.http.post('/api/pumps', {
          patientId: patient.id,
          modelId: 'synchromed-ii-40',
          serialNumber: 'NGP-SAME-SERIAL',
          implantDate: '2025-01-10',
        }),
      ),
    );
    expect(attempts.map((a) => a.status).sort()).toEqual([201, 409, 409]);
    for (const refused of attempts.filter((a) => a.status === 409)) {
      expect(refused.body.fields).toEqual([expect.objectContaining({ field: 'serialNumber' })]);
    }
  });

  it('gives concurrent fills distinct, gap-free event ids', async () => {
    const pump = await f.pump((await f.patient((await f.clinic()).id)).id);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_v, i) =>
        f.http.post(`/api/pumps/${pump.id}/fills`, { filledAt: `2026-05-0${i + 1}T09:00:00Z`, concentrationMcgPerMl: 500, volumeMl: 20 }),
      ),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect((await f.http.get(`/api/pumps/${pump.id}/fills`)).body).toHaveLength(8);
    const client = new Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      const all = (await client.query('SELECT id::int AS id FROM events ORDER BY id')).rows.map((r) => r.id as number);
      expect(all).toEqual(all.map((_id, i) => i + 1));
      const forPump = await client.query(`SELECT count(DISTINCT id)::int AS n FROM events WHERE pump_id = $1 AND type = 'fill.recorded'`, [
        pump.id,
      ]);
      expect(forPump.rows[0].n).toBe(8);
    } finally {
      await client.end();
    }
  });

  it('delivers a change made through one instance to a dashboard connected to another', async () => {
    const second = await createPumpWatchApp({ databaseUrl: server.databaseUrl, demo: false, clock, logLevel: 'silent' });
    await second.listen(0, '127.0.0.1');
    const secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
    let socket: Socket | null = null;
    try {
      socket = io(secondUrl, { transports: ['websocket'], forceNew: true, auth: { token: await adminToken(server.baseUrl) } });
      const received: PumpChangedEvent[] = [];
      socket.on('pump.changed', (event: PumpChangedEvent) => received.push(event));
      await new Promise<void>((resolve, reject) => {
        socket!.once('connect', () => resolve());
        socket!.once('connect_error', reject);
      });
      const pump = await f.pump((await f.patient((await f.clinic()).id)).id);
      await f.fill(pump.id, { filledAt: '2026-05-01T09:00:00Z' });
      const started = Date.now();
      while (received.filter((e) => e.pumpId === pump.id).length < 2 && Date.now() - started < 2000)
        await new Promise((r) => setTimeout(r, 10));
      expect(received.filter((e) => e.pumpId === pump.id)).toHaveLength(2);
      // And the second instance reads the same data.
      expect((await api(secondUrl).get(`/api/pumps/${pump.id}/fills`)).body).toHaveLength(1);
    } finally {
      socket?.close();
      await second.close();
    }
  });
});
