// Benchmark: end-to-end latency from POST /api/telemetry of a pump alarm to receipt of the alert by 1,000 socket.io clients,
// next to raw socket.io fan-out to the same clients in the same run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import { createPumpWatchApp } from '../src/app.factory';
import { clinicRoom, EventsGateway } from '../src/events/events.gateway';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const ROUND_TIMEOUT_MS = 15_000;
const ADMIN = { email: 'bench-admin@pumpwatch.bench', password: 'bench-admin-password' };
const CLINICIAN = { email: 'bench-clinician@pumpwatch.bench', password: 'bench-clinician-password' };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** One round: start the clock, trigger, and wait until every client has received one matching event. */
async function measureRound(clients: Socket[], events: string[], trigger: () => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${latencies.length} of ${clients.length} clients received the event`)), ROUND_TIMEOUT_MS);
    for (const client of clients) {
      const onEvent = (): void => {
        for (const name of events) client.off(name, onEvent);
        latencies.push(performance.now() - started);
        if (latencies.length === clients.length) {
          clearTimeout(timer);
          resolve();
        }
      };
      for (const name of events) client.on(name, onEvent);
    }
    trigger().catch(reject);
  });
  return latencies;
}

async function main(): Promise<void> {
  // The database runs as the `postgres` user when the bench runs as root: it must be able to enter the folder.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pumpwatch-bench-alerts-'));
  fs.chmodSync(dir, 0o777);
  const pg = await startEmbeddedPostgres({ databaseDir: path.join(dir, 'data'), databaseName: 'pumpwatch_bench', persistent: false });
  let app: Awaited<ReturnType<typeof createPumpWatchApp>> | null = null;
  const clients: Socket[] = [];
  try {
    app = await createPumpWatchApp({ databaseUrl: pg.url, demo: false, logLevel: 'silent', bootstrapAdmin: { ...ADMIN } });
    await app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const call = async (method: string, url: string, token: string | null, body?: unknown): Promise<any> => {
      const response = await fetch(`${baseUrl}${url}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = await response.json().catch(() => null);
      if (response.status >= 300) throw new Error(`${method} ${url} answered ${response.status}: ${JSON.stringify(json).slice(0, 500)}`);
      return json;
    };

    const admin = (await call('POST', '/api/auth/login', null, ADMIN)).accessToken as string;
    const clinic = await call('POST', '/api/clinics', admin, { name: 'Bench clinic', timeZone: 'Europe/Paris' });
    const patient = await call('POST', '/api/patients', admin, { clinicId: clinic.id, mrn: 'BENCH-1', displayName: 'Bench Patient', birthDate: '1970-01-01', sex: 'female' });
    const now = Date.now();
    const pump = await call('POST', '/api/pumps', admin, { patientId: patient.id, modelId: 'synchromed-ii-20', serialNumber: 'BENCH-SN-1', implantDate: '2025-01-10' });
    await call('POST', `/api/pumps/${pump.id}/programs`, admin, { effectiveFrom: new Date(now - 3 * 86_400_000).toISOString(), steps: [{ startTime: '00:00', doseMcgPerDay: 100 }] });
    await call('POST', `/api/pumps/${pump.id}/fills`, admin, { filledAt: new Date(now - 2 * 86_400_000).toISOString(), concentrationMcgPerMl: 500, volumeMl: 20 });
    const gateway = (await call('POST', '/api/machine-tokens', admin, { clinicId: clinic.id, name: 'bench gateway' })).token as string;
    // The dashboards are a clinician's: a clinic room, as in a real clinic.
    await call('POST', '/api/users', admin, { email: CLINICIAN.email, displayName: 'Bench Clinician', password: 'initial-password-1', clinicRoles: [{ clinicId: clinic.id, role: 'clinician' }] });
    const clinician = (await call('POST', '/api/auth/login', null, { email: CLINICIAN.email, password: 'initial-password-1' })).accessToken as string;
    await call('POST', '/api/auth/password', clinician, { currentPassword: 'initial-password-1', newPassword: CLINICIAN.password });

    for (let i = 0; i < CLIENTS; i++) clients.push(io(baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: clinician } }));
    await Promise.all(clients.map((client) => new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', reject);
    })));

    // Each round posts one reading with a delivery-interrupting alarm: the first raises the critical alert, the next re-fire it.
    let readingAt = now - 60 * 60_000;
    const postAlarm = async (): Promise<void> => {
      readingAt += 1_000;
      await call('POST', '/api/telemetry', gateway, { readings: [{ serialNumber: 'BENCH-SN-1', recordedAt: new Date(readingAt).toISOString(), alarms: ['motor_stall'] }] });
    };
    const server = app.get(EventsGateway).server as unknown as { to(room: string): { emit(name: string, payload: unknown): void } };
    const rawEmit = async (): Promise<void> => {
      server.to(clinicRoom(clinic.id)).emit('bench.ping', { at: Date.now() });
    };

    await measureRound(clients, ['alert.raised', 'alert.updated'], postAlarm); // warm-up
    await measureRound(clients, ['bench.ping'], rawEmit);
    const endToEnd: number[] = [];
    const raw: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      endToEnd.push(...(await measureRound(clients, ['alert.raised', 'alert.updated'], postAlarm)));
      raw.push(...(await measureRound(clients, ['bench.ping'], rawEmit)));
    }

    const rows = [
      { name: 'telemetry_alarm_to_alert_on_every_client', values: endToEnd },
      { name: 'raw_socketio_fanout_same_clients', values: raw },
    ];
    console.log(`\nAlert delivery to ${CLIENTS.toLocaleString('en')} socket.io clients (one process), ${ROUNDS} rounds, embedded PostgreSQL 18`);
    console.log('benchmark'.padEnd(44) + 'p50 ms'.padStart(10) + 'p99 ms'.padStart(10) + 'max ms'.padStart(10));
    for (const row of rows) {
      console.log(row.name.padEnd(44) + percentile(row.values, 50).toFixed(1).padStart(10) + percentile(row.values, 99).toFixed(1).padStart(10) + Math.max(...row.values).toFixed(1).padStart(10));
    }
    console.log('(end to end: HTTP ingest, commit, alert rule evaluation after commit, alert write + event, NOTIFY, relay to the clinic room)');
    for (const row of rows) {
      console.log(JSON.stringify({ name: row.name, clients: CLIENTS, rounds: ROUNDS, p50Ms: Number(percentile(row.values, 50).toFixed(2)), p99Ms: Number(percentile(row.values, 99).toFixed(2)) }));
    }
  } finally {
    for (const client of clients) client.close();
    await app?.close();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
