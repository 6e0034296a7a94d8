// The database dies under running servers: the embedded PostgreSQL is restarted by the server's own supervisor, and with an
// external database (DATABASE_URL) two instances reconnect, re-subscribe and push every event committed after it returned.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import type { PumpChangedEvent } from '@pumpwatch/shared';
import { createPumpWatchApp } from '../../server/src/app.factory';
import { RunningPostgres, startEmbeddedPostgres } from '../../server/src/infra/embedded-postgres';
import { adminToken, api } from '../support/http';
import { fixtures } from '../support/fixtures';
import { TEST_ADMIN, useTestServer } from '../support/test-server';

/** The functional bound of the issue: writes succeed again within this after the database died. */
const RECOVERY_BOUND_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `attempt` until it returns a value other than undefined, or fails after `withinMs`. */
async function eventually<T>(what: string, withinMs: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await attempt().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms`);
    await sleep(100);
  }
}

describe('the embedded PostgreSQL killed under a running server', () => {
  const server = useTestServer({ ownEmbeddedPostgres: true });

  it('is restarted by the server: health says "recovering" meanwhile, and writes succeed again within 60 s with no restart by the test', async () => {
    const f = fixtures(server.baseUrl);
    const pump = await f.pump((await f.patient((await f.clinic()).id)).id);
    await f.fill(pump.id, { filledAt: '2026-03-01T09:00:00Z' });
    expect((await api(server.baseUrl, { token: null }).get('/api/health/ready')).status).toBe(200);

    const postgres = server.postgres!;
    const killed = postgres.pid!;
    process.kill(killed, 'SIGKILL');

    // The supervisor waits before its first restart attempt: the liveness answer names the recovery meanwhile.
    const recovering = await eventually('health answering "recovering"', 5_000, async () => {
      const res = await api(server.baseUrl, { token: null }).get('/api/health');
      return res.body?.status === 'recovering' ? res : undefined;
    });
    expect(recovering.status).toBe(503);
    expect(recovering.body.message).toMatch(/embedded PostgreSQL stopped .* being restarted/);
    const notReady = await api(server.baseUrl, { token: null }).get('/api/health/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.body.notReady).toContain('database');

    const written = await eventually('a fill written after the kill', RECOVERY_BOUND_MS, async () => {
      const res = await f.http.post(`/api/pumps/${pump.id}/fills`, {
        filledAt: '2026-04-01T09:00:00Z',
        concentrationMcgPerMl: 500,
        volumeMl: 20,
      });
      return res.status === 201 ? res : undefined;
    });
    expect(written.body).toMatchObject({ pumpId: pump.id, filledAt: '2026-04-01T09:00:00.000Z' });
    expect(postgres.pid).not.toBeNull();
    expect(postgres.pid).not.toBe(killed);
    expect(server.supervisor!.current()).toEqual({ state: 'running' });
    expect((await f.http.get(`/api/pumps/${pump.id}/fills`)).body).toHaveLength(2);
    const health = await api(server.baseUrl, { token: null }).get('/api/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', info: { database: { status: 'up' } } } });
    const ready = await eventually('ready again', 10_000, async () => {
      const res = await api(server.baseUrl, { token: null }).get('/api/health/ready');
      return res.status === 200 ? res : undefined;
    });
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'up', migrations: 'up', listen: 'up' }, notReady: [] });
  }, 90_000);
});

describe('an external database restarted under two instances', () => {
  let dir: string;
  let postgres: RunningPostgres;
  const apps: INestApplication[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Its own PostgreSQL (not the run's shared one), persistent so that a stop keeps the data for the restart.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pumpwatch-restart-pg-'));
    fs.chmodSync(dir, 0o777);
    postgres = await startEmbeddedPostgres({ databaseDir: path.join(dir, 'data'), databaseName: 'pumpwatch', persistent: true });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const app of apps) await app.close().catch(() => undefined);
    await postgres?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startInstance(): Promise<string> {
    // As with DATABASE_URL: no supervision, the app only reconnects.
    const app = await createPumpWatchApp({ databaseUrl: postgres.url, demo: false, logLevel: 'silent', bootstrapAdmin: { ...TEST_ADMIN } });
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  }

  async function listen(baseUrl: string): Promise<PumpChangedEvent[]> {
    const received: PumpChangedEvent[] = [];
    const socket = io(baseUrl, { transports: ['websocket'], forceNew: true, auth: { token: await adminToken(baseUrl) } });
    sockets.push(socket);
    socket.on('pump.changed', (event: PumpChangedEvent) => received.push(event));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return received;
  }

  it('both push events again once it is back, and none committed after it returned is missed', async () => {
    const urls = [await startInstance(), await startInstance()];
    const received = [await listen(urls[0]), await listen(urls[1])];
    const f = fixtures(urls[0]);
    const pump = await f.pump((await f.patient((await f.clinic()).id)).id);
    const idsOf = (events: PumpChangedEvent[]) => events.filter((e) => e.pumpId === pump.id).map((e) => e.eventId);
    await eventually('both instances pushing before the restart', 5_000, async () =>
      received.every((r) => idsOf(r).length >= 1) ? true : undefined,
    );

    await postgres.stop();
    const down = await api(urls[1], { token: null }).get('/api/health/ready');
    expect(down.status).toBe(503);
    expect(down.body.notReady).toEqual(expect.arrayContaining(['database']));
    postgres = await startEmbeddedPostgres({
      databaseDir: postgres.databaseDir,
      port: postgres.port,
      databaseName: 'pumpwatch',
      persistent: true,
    });

    // Writes through both instances as soon as each answers again, some before its LISTEN connection has re-subscribed.
    const written: number[] = [];
    for (const [i, url] of [urls[0], urls[1], urls[0], urls[1]].entries()) {
      const res = await eventually(`fill ${i} through instance ${i % 2}`, 30_000, async () => {
        const answer = await api(url).post(`/api/pumps/${pump.id}/fills`, {
          filledAt: `2026-04-0${i + 1}T09:00:00Z`,
          concentrationMcgPerMl: 500,
          volumeMl: 20,
        });
        return answer.status === 201 ? answer : undefined;
      });
      written.push(i);
      expect(res.body.pumpId).toBe(pump.id);
    }
    expect(written).toHaveLength(4);

    // Every pump.changed event of the pump in the outbox (socketMessageOf), in order, reaches both instances' dashboards, once each.
    const client = new Client({ connectionString: postgres.url });
    await client.connect();
    let committed: number[];
    try {
      committed = (
        await client.query(
          `SELECT id::int AS id FROM events WHERE pump_id = $1
        AND type NOT IN ('alert.raised', 'alert.updated', 'alert.snoozed', 'page.sent', 'on_call.changed') ORDER BY id`,
          [pump.id],
        )
      ).rows.map((r) => r.id as number);
    } finally {
      await client.end();
    }
    expect(committed.length).toBeGreaterThanOrEqual(5);
    for (const events of received) {
      await eventually('every committed event pushed', 15_000, async () => (idsOf(events).length >= committed.length ? true : undefined));
      expect(idsOf(events)).toEqual(committed);
    }
    for (const url of urls) {
      const ready = await eventually('instance ready again', 10_000, async () => {
        const res = await api(url, { token: null }).get('/api/health/ready');
        return res.status === 200 ? res : undefined;
      });
      expect(ready.body.checks).toEqual({ database: 'up', migrations: 'up', listen: 'up' });
    }
  }, 60_000);
});
