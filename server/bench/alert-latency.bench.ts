// Benchmark: end-to-end latency from POST /api/telemetry of a pump alarm to receipt of the alert by 1,000 socket.io clients,
// next to raw socket.io fan-out to the same clients in the same run: of a 20-character ping, of the alert's own JSON, and after an HTTP
// POST of a reading that raises nothing (the request and its commit, then the raw emit). The clients live in child processes
// (alert-latency-clients.ts; BENCH_CLIENT_PROCESSES, 2 by default), so what is measured is the server's work and the wire, not the
// clients' parsing on the server's event loop. Instants on both sides are process.hrtime.bigint() (CLOCK_MONOTONIC, one clock
// for every process on a Linux machine; see alert-latency-clients.ts).
import { ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPumpWatchApp } from '../src/app.factory';
import { clinicRoom, EventsGateway } from '../src/events/events.gateway';
import { ALARM_HOPS, AlarmHop, alarmPathTimer } from '../src/infra/alarm-path-timer';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres';
import { FromClients, monotonicMs, ToClients } from './alert-latency-clients';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const CLIENT_PROCESSES = Math.max(1, Number(process.env.BENCH_CLIENT_PROCESSES ?? 2));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const ROUND_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 120_000;
const ADMIN = { email: 'bench-admin@pumpwatch.bench', password: 'bench-admin-password' };
const CLINICIAN = { email: 'bench-clinician@pumpwatch.bench', password: 'bench-clinician-password' };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** `started`: monotonicMs() when the trigger began; latencies from it, one per client. */
interface Round {
  started: number;
  latencies: number[];
  eventId: number | null;
  firstPayload: unknown;
}

/** The child processes holding the clients, and the replies they owe. */
class ClientProcesses {
  private round = 0;
  private readonly waiting = new Map<
    string,
    { count: number; replies: FromClients[]; resolve: (replies: FromClients[]) => void; reject: (error: Error) => void }
  >();

  private constructor(private readonly children: ChildProcess[]) {
    for (const child of children) {
      child.on('message', (message: FromClients) => {
        if (message.type === 'failed') return this.failAll(new Error(`a client process failed: ${message.message}`));
        const key = message.type === 'connected' ? 'connected' : `${message.type}:${message.round}`;
        const wait = this.waiting.get(key);
        if (!wait) return;
        wait.replies.push(message);
        if (wait.replies.length === wait.count) {
          this.waiting.delete(key);
          wait.resolve(wait.replies);
        }
      });
      child.on('exit', (code) => {
        if (code) this.failAll(new Error(`a client process exited with ${code}`));
      });
    }
  }

  static async start(url: string, token: string, clients: number, processes: number): Promise<ClientProcesses> {
    const children: ChildProcess[] = [];
    for (let i = 0; i < processes; i++) {
      const share = Math.floor(clients / processes) + (i < clients % processes ? 1 : 0);
      children.push(
        fork(path.join(__dirname, 'alert-latency-clients.js'), [], {
          env: { ...process.env, BENCH_URL: url, BENCH_TOKEN: token, BENCH_WORKER_CLIENTS: String(share) },
        }),
      );
    }
    const pool = new ClientProcesses(children);
    await pool.replies('connected', CONNECT_TIMEOUT_MS);
    return pool;
  }

  /** One round: every client listens for `events`, then the clock starts and `trigger` runs; ends when every client received one. */
  async measure(events: string[], trigger: () => Promise<void>): Promise<Round> {
    const round = ++this.round;
    const armed = this.replies(`armed:${round}`, ROUND_TIMEOUT_MS);
    const received = this.replies(`received:${round}`, ROUND_TIMEOUT_MS);
    for (const child of this.children) child.send({ type: 'arm', round, events } satisfies ToClients);
    await armed;
    const started = monotonicMs();
    await trigger();
    const replies = (await received) as Extract<FromClients, { type: 'received' }>[];
    const latencies = replies.flatMap((r) => r.receivedAtMs.map((at) => at - started));
    return { started, latencies, eventId: replies.find((r) => r.eventId !== null)?.eventId ?? null, firstPayload: replies[0].firstPayload };
  }

  close(): void {
    for (const child of this.children) {
      if (child.connected) child.send({ type: 'close' } satisfies ToClients);
      setTimeout(() => child.kill(), 2_000).unref();
    }
  }

  private replies(key: string, timeoutMs: number): Promise<FromClients[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const wait = this.waiting.get(key);
        this.waiting.delete(key);
        reject(new Error(`${key}: ${wait?.replies.length ?? 0} of ${this.children.length} client processes answered in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(key, {
        count: this.children.length,
        replies: [],
        resolve: (replies) => {
          clearTimeout(timer);
          resolve(replies);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  private failAll(error: Error): void {
    for (const [key, wait] of this.waiting) {
      this.waiting.delete(key);
      wait.reject(error);
    }
  }
}

/**
 * Per hop of the alarm path (PUMPWATCH_TRACE_ALARM_PATH=on): how long each took after the previous one, and the time from the
 * POST being sent, over the rounds. The server marks on performance.now() in this process, moved onto the monotonic clock the
 * client processes stamp with (performance.now() is that clock minus this process's origin: a constant offset).
 */
function hopTable(rounds: Round[]): string[] {
  const offset = monotonicMs() - performance.now();
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
    const mark = (hop: AlarmHop): number | undefined => (trace[hop] === undefined ? undefined : (trace[hop] as number) + offset);
    // The NOTIFY is no longer on the way (the relay is kicked in-process): shown from the alert's commit, apart.
    for (const hop of ALARM_HOPS.filter((h): h is Exclude<AlarmHop, 'notify_received'> => h !== 'notify_received')) add(hop, mark(hop));
    const sorted = [...round.latencies].sort((a, b) => a - b);
    add('first_client_received', round.started + sorted[0]);
    add('last_client_received', round.started + sorted[sorted.length - 1]);
    const notified = mark('notify_received');
    const committed = mark('alert_committed');
    if (notified !== undefined && committed !== undefined) {
      row('(notify_received after alert_committed)').step.push(notified - committed);
      row('(notify_received after alert_committed)').total.push(notified - round.started);
    }
  }
  const fixed = (n: number): string => n.toFixed(1).padStart(9);
  return [
    'hop (PUMPWATCH_TRACE_ALARM_PATH=on)'.padEnd(44) +
      'step p50'.padStart(9) +
      'step p99'.padStart(9) +
      ' from POST p50'.padStart(15) +
      'p99'.padStart(9),
    ...rows.map(
      (r) =>
        r.name.padEnd(44) +
        fixed(percentile(r.step, 50)) +
        fixed(percentile(r.step, 99)) +
        ' '.repeat(6) +
        fixed(percentile(r.total, 50)) +
        fixed(percentile(r.total, 99)),
    ),
  ];
}

async function main(): Promise<void> {
  // The database runs as the `postgres` user when the bench runs as root: it must be able to enter the folder.
  const loadAtStart = os.loadavg()[0];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pumpwatch-bench-alerts-'));
  fs.chmodSync(dir, 0o777);
  const pg = await startEmbeddedPostgres({ databaseDir: path.join(dir, 'data'), databaseName: 'pumpwatch_bench', persistent: false });
  let app: Awaited<ReturnType<typeof createPumpWatchApp>> | null = null;
  let clients: ClientProcesses | null = null;
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
    const patient = await call('POST', '/api/patients', admin, {
      clinicId: clinic.id,
      mrn: 'BENCH-1',
      displayName: 'Bench Patient',
      birthDate: '1970-01-01',
      sex: 'female',
    });
    const now = Date.now();
    const pump = await call('POST', '/api/pumps', admin, {
      patientId: patient.id,
      modelId: 'synchromed-ii-20',
      serialNumber: 'BENCH-SN-1',
      implantDate: '2025-01-10',
    });
    // A second pump of the same clinic for the request baseline: its quiet readings must not clear the first pump's alarm.
    const quietPatient = await call('POST', '/api/patients', admin, {
      clinicId: clinic.id,
      mrn: 'BENCH-2',
      displayName: 'Bench Quiet Patient',
      birthDate: '1970-01-01',
      sex: 'male',
    });
    const quietPump = await call('POST', '/api/pumps', admin, {
      patientId: quietPatient.id,
      modelId: 'synchromed-ii-20',
      serialNumber: 'BENCH-SN-2',
      implantDate: '2025-01-10',
    });
    for (const id of [pump.id, quietPump.id]) {
      await call('POST', `/api/pumps/${id}/programs`, admin, {
        effectiveFrom: new Date(now - 3 * 86_400_000).toISOString(),
        steps: [{ startTime: '00:00', doseMcgPerDay: 100 }],
      });
      await call('POST', `/api/pumps/${id}/fills`, admin, {
        filledAt: new Date(now - 2 * 86_400_000).toISOString(),
        concentrationMcgPerMl: 500,
        volumeMl: 20,
      });
    }
    const gateway = (await call('POST', '/api/machine-tokens', admin, { clinicId: clinic.id, name: 'bench gateway' })).token as string;
    // The dashboards are a clinician's: a clinic room, as in a real clinic.
    await call('POST', '/api/users', admin, {
      email: CLINICIAN.email,
      displayName: 'Bench Clinician',
      password: 'initial-password-1',
      clinicRoles: [{ clinicId: clinic.id, role: 'clinician' }],
    });
    const clinician = (await call('POST', '/api/auth/login', null, { email: CLINICIAN.email, password: 'initial-password-1' }))
      .accessToken as string;
    await call('POST', '/api/auth/password', clinician, { currentPassword: 'initial-password-1', newPassword: CLINICIAN.password });

    clients = await ClientProcesses.start(baseUrl, clinician, CLIENTS, CLIENT_PROCESSES);
    const measureRound = clients.measure.bind(clients);

    // Each round posts one reading with a delivery-interrupting alarm: the first raises the critical alert, the next re-fire it.
    let readingAt = now - 60 * 60_000;
    const postAlarm = async (): Promise<void> => {
      readingAt += 1_000;
      await call('POST', '/api/telemetry', gateway, {
        readings: [{ serialNumber: 'BENCH-SN-1', recordedAt: new Date(readingAt).toISOString(), alarms: ['motor_stall'] }],
      });
    };
    const server = app.get(EventsGateway).server as unknown as { to(room: string): { emit(name: string, payload: unknown): void } };
    const rawEmit = async (): Promise<void> => {
      server.to(clinicRoom(clinic.id)).emit('bench.ping', { at: Date.now() });
    };

    // What an alarm puts on the wire: its pump.changed, then the alert (the payload is kept from the warm-up round).
    await measureRound(['alert.raised', 'alert.updated'], postAlarm); // warm-up
    const alertPayload = (await measureRound(['alert.raised', 'alert.updated'], postAlarm)).firstPayload;
    const rawPair = async (): Promise<void> => {
      server.to(clinicRoom(clinic.id)).emit('pump.changed', { eventId: 0, clinicId: clinic.id, pumpId: pump.id });
      server.to(clinicRoom(clinic.id)).emit('bench.ping', alertPayload);
    };
    // The alert's own JSON (as the clients received it, sentAhead flag included) in one raw emit: the same bytes to parse per client.
    // How long the emit call itself holds the event loop (socket.io writes every socket's frame in it): beside the hop table's `emitted`.
    const rawAlertEmitCalls: number[] = [];
    const rawAlertPayload = async (): Promise<void> => {
      const called = performance.now();
      server.to(clinicRoom(clinic.id)).emit('bench.ping', alertPayload);
      rawAlertEmitCalls.push(performance.now() - called);
    };
    // The request's share: a reading that raises nothing, POSTed through the same route and gateway token and committed (its answer
    // comes after the commit), then the raw emit. Its own pump.changed goes to the same clients, as an alarm's does.
    let quietReadingAt = now - 60 * 60_000;
    const postQuietReading = async (): Promise<void> => {
      quietReadingAt += 1_000;
      await call('POST', '/api/telemetry', gateway, {
        readings: [{ serialNumber: 'BENCH-SN-2', recordedAt: new Date(quietReadingAt).toISOString(), alarms: [] }],
      });
    };
    const requestThenPing = async (): Promise<void> => {
      await postQuietReading();
      await rawEmit();
    };
    const requestThenAlertPayload = async (): Promise<void> => {
      await postQuietReading();
      await rawAlertPayload();
    };
    await measureRound(['bench.ping'], rawEmit);
    await measureRound(['bench.ping'], requestThenAlertPayload); // warm-up of the quiet pump's first reading
    const endToEnd: number[] = [];
    const raw: number[] = [];
    const rawPairs: number[] = [];
    const rawAlert: number[] = [];
    const requestPing: number[] = [];
    const requestAlert: number[] = [];
    const alarmRounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const alarm = await measureRound(['alert.raised', 'alert.updated'], postAlarm);
      alarmRounds.push(alarm);
      endToEnd.push(...alarm.latencies);
      raw.push(...(await measureRound(['bench.ping'], rawEmit)).latencies);
      rawPairs.push(...(await measureRound(['bench.ping'], rawPair)).latencies);
      rawAlert.push(...(await measureRound(['bench.ping'], rawAlertPayload)).latencies);
      requestPing.push(...(await measureRound(['bench.ping'], requestThenPing)).latencies);
      requestAlert.push(...(await measureRound(['bench.ping'], requestThenAlertPayload)).latencies);
    }

    // The quiet pump must have raised nothing: an alert of its own would have been counted by an alarm round.
    const quietAlerts = (await call('GET', `/api/alerts?pumpId=${quietPump.id}`, admin)) as unknown;
    const quietAlertCount = Array.isArray(quietAlerts) ? quietAlerts.length : ((quietAlerts as { items?: unknown[] }).items?.length ?? -1);
    const rows = [
      { name: 'telemetry_alarm_to_alert_on_every_client', values: endToEnd },
      { name: 'raw_socketio_fanout_same_clients', values: raw },
      // Not the goal's baseline: the floor of an alarm's two messages (its pump.changed, then the alert) to the same clients.
      { name: 'raw_fanout_pump_changed_then_alert_payload', values: rawPairs },
      // Baselines of the same size: the alert's JSON alone, and a quiet reading's POST (request and commit) before the raw emit.
      { name: 'raw_fanout_alert_payload_same_clients', values: rawAlert },
      { name: 'post_quiet_reading_then_raw_ping_fanout', values: requestPing },
      { name: 'post_quiet_reading_then_raw_alert_payload', values: requestAlert },
    ];
    const baselines = rows.filter((r) => r.name !== 'telemetry_alarm_to_alert_on_every_client' && r.values !== rawPairs);
    console.log(
      `\nAlert delivery to ${CLIENTS.toLocaleString('en')} socket.io clients in ${CLIENT_PROCESSES} child processes (the server alone in this one), ${ROUNDS} rounds, embedded PostgreSQL 18`,
    );
    console.log('benchmark'.padEnd(44) + 'p50 ms'.padStart(10) + 'p99 ms'.padStart(10) + 'max ms'.padStart(10));
    for (const row of rows) {
      console.log(
        row.name.padEnd(44) +
          percentile(row.values, 50).toFixed(1).padStart(10) +
          percentile(row.values, 99).toFixed(1).padStart(10) +
          Math.max(...row.values)
            .toFixed(1)
            .padStart(10),
      );
    }
    console.log(
      `(load average 1 min: ${loadAtStart.toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end; alerts of the quiet pump: ${quietAlertCount})`,
    );
    console.log('(end to end: HTTP ingest, commit, alert rule evaluation after commit, alert write + event, relay to the clinic room)');
    console.log(
      `(the alert's payload: ${JSON.stringify(alertPayload).length.toLocaleString('en')} characters of JSON; raw fan-out sends ${JSON.stringify({ at: Date.now() }).length})`,
    );
    const ratio = percentile(endToEnd, 99) / percentile(raw, 99);
    const ratio50 = percentile(endToEnd, 50) / percentile(raw, 50);
    console.log(`p99 ratio end to end / raw fan-out: ${ratio.toFixed(2)} (goal: at most 1.5); p50 ratio: ${ratio50.toFixed(2)}`);
    for (const baseline of baselines.slice(1)) {
      const p99 = percentile(endToEnd, 99) / percentile(baseline.values, 99);
      const p50 = percentile(endToEnd, 50) / percentile(baseline.values, 50);
      console.log(`p99 ratio end to end / ${baseline.name}: ${p99.toFixed(2)}; p50 ratio: ${p50.toFixed(2)}`);
    }
    if (alarmPathTimer.enabled) for (const line of hopTable(alarmRounds)) console.log(line);
    else console.log('(per-hop times: run with PUMPWATCH_TRACE_ALARM_PATH=on)');
    console.log(
      `(the raw emit call of the alert payload alone, for the emitted hop: p50 ${percentile(rawAlertEmitCalls, 50).toFixed(1)} ms, p99 ${percentile(rawAlertEmitCalls, 99).toFixed(1)} ms)`,
    );
    for (const row of rows) {
      console.log(
        JSON.stringify({
          name: row.name,
          clients: CLIENTS,
          rounds: ROUNDS,
          p50Ms: Number(percentile(row.values, 50).toFixed(2)),
          p99Ms: Number(percentile(row.values, 99).toFixed(2)),
        }),
      );
    }
    console.log(
      JSON.stringify({
        name: 'alarm_p99_over_raw_p99',
        clients: CLIENTS,
        clientProcesses: CLIENT_PROCESSES,
        rounds: ROUNDS,
        ratio: Number(ratio.toFixed(3)),
        p50Ratio: Number(ratio50.toFixed(3)),
        loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
      }),
    );
    for (const baseline of baselines.slice(1)) {
      console.log(
        JSON.stringify({
          name: `alarm_p99_over_${baseline.name}_p99`,
          ratio: Number((percentile(endToEnd, 99) / percentile(baseline.values, 99)).toFixed(3)),
          p50Ratio: Number((percentile(endToEnd, 50) / percentile(baseline.values, 50)).toFixed(3)),
        }),
      );
    }
  } finally {
    clients?.close();
    await app?.close();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
