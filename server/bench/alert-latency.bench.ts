// Benchmark: end-to-end latency from POST /api/telemetry of a pump alarm to receipt of the alert by 1,000 socket.io clients,
// next to raw socket.io fan-out to the same clients in the same run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import { createPumpWatchApp } from '../src/app.factory';
import { clinicRoom, EventsGateway } from '../src/events/events.gateway';
import { ALARM_HOPS, AlarmHop, alarmPathTimer } from '../src/infra/alarm-path-timer';
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

interface Round { started: number; latencies: number[]; eventId: number | null }

/** One round: start the clock, trigger, and wait until every client has received one matching event. */
async function measureRound(clients: Socket[], events: string[], trigger: () => Promise<void>): Promise<Round> {
  const latencies: number[] = [];
  const started = performance.now();
  let eventId: number | null = null;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${latencies.length} of ${clients.length} clients received the event`)), ROUND_TIMEOUT_MS);
    for (const client of clients) {
      const onEvent = (payload?: { eventId?: number }): void => {
        for (const name of events) client.off(name, onEvent);
        eventId ??= typeof payload?.eventId === 'number' ? payload.eventId : null;
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
  return { started, latencies, eventId };
}

/**
 * Per hop of the alarm path (PUMPWATCH_TRACE_ALARM_PATH=on): how long each took after the previous one, and the time from the
 * POST being sent, over the rounds. The server's marks and the clients are in this process, on one performance.now() clock.
 */
function hopTable(rounds: Round[]): string[] {
  type Row = { name: string; step: number[]; total: number[] };
  const rows: Row[] = [];
  const row = (name: string): Row => {
    let found = rows.find((r) => r.name === name);
    if (!found) rows.push((found = { name, step: [], total: [] }));
    return found;
  };
  for (const round of rounds) {
    const trace = round.eventId === null ? undefined : alarmPathTimer.traceOf(round.eventId);
    if (!trace) continue;
    let previous = round.started;
    const add = (name: string, at: number | undefined): void => {
      if (at === undefined) return;
      row(name).step.push(at - previous);
      row(name).total.push(at - round.started);
      previous = at;
    };
    // The NOTIFY is no longer on the way (the relay is kicked in-process): shown from the alert's commit, apart.
    for (const hop of ALARM_HOPS.filter((h): h is Exclude<AlarmHop, 'notify_received'> => h !== 'notify_received')) add(hop, trace[hop]);
    const sorted = [...round.latencies].sort((a, b) => a - b);
    add('first_client_received', round.started + sorted[0]);
    add('last_client_received', round.started + sorted[sorted.length - 1]);
    if (trace.notify_received !== undefined && trace.alert_committed !== undefined) {
      row('(notify_received after alert_committed)').step.push(trace.notify_received - trace.alert_committed);
      row('(notify_received after alert_committed)').total.push(trace.notify_received - round.started);
    }
  }
  const fixed = (n: number): string => n.toFixed(1).padStart(9);
  return [
    'hop (PUMPWATCH_TRACE_ALARM_PATH=on)'.padEnd(44) + 'step p50'.padStart(9) + 'step p99'.padStart(9) + ' from POST p50'.padStart(15) + 'p99'.padStart(9),
    ...rows.map((r) => r.name.padEnd(44) + fixed(percentile(r.step, 50)) + fixed(percentile(r.step, 99)) + ' '.repeat(6) + fixed(percentile(r.total, 50)) + fixed(percentile(r.total, 99))),
  ];
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

    // What an alarm puts on the wire: its pump.changed, then the alert (the payload is kept from the warm-up round).
    let alertPayload: unknown = null;
    clients[0].on('alert.updated', (payload: unknown) => { alertPayload = payload; });
    await measureRound(clients, ['alert.raised', 'alert.updated'], postAlarm); // warm-up
    await measureRound(clients, ['alert.raised', 'alert.updated'], postAlarm);
    const rawPair = async (): Promise<void> => {
      server.to(clinicRoom(clinic.id)).emit('pump.changed', { eventId: 0, clinicId: clinic.id, pumpId: pump.id });
      server.to(clinicRoom(clinic.id)).emit('bench.ping', alertPayload);
    };
    await measureRound(clients, ['bench.ping'], rawEmit);
    const endToEnd: number[] = [];
    const raw: number[] = [];
    const rawPairs: number[] = [];
    const alarmRounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const alarm = await measureRound(clients, ['alert.raised', 'alert.updated'], postAlarm);
      alarmRounds.push(alarm);
      endToEnd.push(...alarm.latencies);
      raw.push(...(await measureRound(clients, ['bench.ping'], rawEmit)).latencies);
      rawPairs.push(...(await measureRound(clients, ['bench.ping'], rawPair)).latencies);
    }

    const rows = [
      { name: 'telemetry_alarm_to_alert_on_every_client', values: endToEnd },
      { name: 'raw_socketio_fanout_same_clients', values: raw },
      // Not the goal's baseline: the floor of this bench's alarm (two messages to the same clients, in this process) without the server.
      { name: 'raw_fanout_pump_changed_then_alert_payload', values: rawPairs },
    ];
    console.log(`\nAlert delivery to ${CLIENTS.toLocaleString('en')} socket.io clients (one process), ${ROUNDS} rounds, embedded PostgreSQL 18`);
    console.log('benchmark'.padEnd(44) + 'p50 ms'.padStart(10) + 'p99 ms'.padStart(10) + 'max ms'.padStart(10));
    for (const row of rows) {
      console.log(row.name.padEnd(44) + percentile(row.values, 50).toFixed(1).padStart(10) + percentile(row.values, 99).toFixed(1).padStart(10) + Math.max(...row.values).toFixed(1).padStart(10));
    }
    console.log('(end to end: HTTP ingest, commit, alert rule evaluation after commit, alert write + event, relay to the clinic room)');
    const ratio = percentile(endToEnd, 99) / percentile(raw, 99);
    console.log(`p99 ratio end to end / raw fan-out: ${ratio.toFixed(2)} (goal: at most 1.5)`);
    if (alarmPathTimer.enabled) for (const line of hopTable(alarmRounds)) console.log(line);
    else console.log('(per-hop times: run with PUMPWATCH_TRACE_ALARM_PATH=on)');
    for (const row of rows) {
      console.log(JSON.stringify({ name: row.name, clients: CLIENTS, rounds: ROUNDS, p50Ms: Number(percentile(row.values, 50).toFixed(2)), p99Ms: Number(percentile(row.values, 99).toFixed(2)) }));
    }
    console.log(JSON.stringify({ name: 'alarm_p99_over_raw_p99', clients: CLIENTS, rounds: ROUNDS, ratio: Number(ratio.toFixed(3)), loadAverage1m: Number(os.loadavg()[0].toFixed(2)) }));
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
