// Benchmark: a 50-pump clinic against a 5,000-pump clinic in the same run (issue 15): the fleet's first page (time and bytes on the
// wire, compressed), one row patch (a recorded fill until a dashboard's socket has the pump's pump.changed), the name filter.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import type { Fill, FleetPump, PumpChangedEvent } from '@pumpwatch/shared';
import { createPumpWatchApp } from '../src/app.factory';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres';
import { SeededFleet, seedFleet } from '../src/seed/seed-fleet';
import { printComparisonTable, printResultLines } from './comparison-table';

const SMALL_PUMPS = Number(process.env.BENCH_SMALL_PUMPS ?? 50);
const LARGE_PUMPS = Number(process.env.BENCH_LARGE_PUMPS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const PATCH_ROUNDS = Number(process.env.BENCH_PATCH_ROUNDS ?? 10);
const PAGE_LIMIT = 100;
const SEED = Number(process.env.BENCH_SEED ?? 15);
const PATCH_TIMEOUT_MS = 30_000;
const ADMIN = { email: 'bench-admin@pumpwatch.bench', password: 'bench-admin-password' };
const MEMBER_PASSWORD = 'bench-member-password';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface WireAnswer {
  status: number;
  ms: number;
  wireBytes: number;
  encoding: string;
  body: unknown;
  lastEventId: string | null;
}

/** One GET as a browser sends it (gzip, br accepted), timed to the last byte; the bytes counted as they came off the socket. */
function getOnTheWire(baseUrl: string, url: string, token: string): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get(
      `${baseUrl}${url}`,
      { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip, br' }, agent: keepAlive },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const ms = performance.now() - started;
          const raw = Buffer.concat(chunks);
          const encoding = String(response.headers['content-encoding'] ?? 'identity');
          const text = (encoding === 'br' ? zlib.brotliDecompressSync(raw) : encoding === 'gzip' ? zlib.gunzipSync(raw) : raw).toString(
            'utf8',
          );
          resolve({
            status: response.statusCode ?? 0,
            ms,
            wireBytes: raw.length,
            encoding,
            body: JSON.parse(text),
            lastEventId: (response.headers['x-last-event-id'] as string | undefined) ?? null,
          });
        });
      },
    );
    request.on('error', reject);
  });
}
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** Waits until the alert engine and the fleet projector (when present) have consumed every committed event: setup is not measured. */
async function waitForEventConsumers(owner: Client): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  for (const cursor of ['alert_evaluation_cursor', 'fleet_projection_cursor']) {
    const present = (await owner.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [`public.${cursor}`])).rows[0].present as boolean;
    if (!present) continue;
    while (Date.now() < deadline) {
      const { rows } = await owner.query(
        `SELECT (SELECT last_event_id FROM event_counter WHERE id = 1) - coalesce((SELECT max(last_event_id) FROM ${cursor}), 0) AS behind`,
      );
      if (Number(rows[0].behind) <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

interface ClinicUnderTest {
  label: string;
  pumps: number;
  fleet: SeededFleet;
  token: string;
  socket: Socket;
}

interface Measured {
  pageMs: number[];
  pageBytes: number;
  pageRows: number;
  pageShape: 'FleetPage' | 'bare array';
  patchMs: number[];
  patchWithFleetRow: number;
  filterMs: number[];
  filterBytes: number;
  filterRows: number;
}

async function main(): Promise<void> {
  // The database runs as the `postgres` user when the bench runs as root: it must be able to enter the folder.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pumpwatch-bench-fleet-'));
  fs.chmodSync(dir, 0o777);
  const pg = await startEmbeddedPostgres({ databaseDir: path.join(dir, 'data'), databaseName: 'pumpwatch_bench', persistent: false });
  const owner = new Client({ connectionString: pg.url });
  let app: Awaited<ReturnType<typeof createPumpWatchApp>> | null = null;
  const sockets: Socket[] = [];
  try {
    app = await createPumpWatchApp({ databaseUrl: pg.url, demo: false, logLevel: 'silent', bootstrapAdmin: { ...ADMIN } });
    await app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    await owner.connect();
    const call = async <T = any>(method: string, url: string, token: string | null, body?: unknown): Promise<T> => {
      const response = await fetch(`${baseUrl}${url}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = await response.json().catch(() => null);
      if (response.status >= 300) throw new Error(`${method} ${url} answered ${response.status}: ${JSON.stringify(json).slice(0, 500)}`);
      return json as T;
    };
    const admin = (await call<{ accessToken: string }>('POST', '/api/auth/login', null, ADMIN)).accessToken;

    // Setup (timed, not compared): both clinics through the API's use cases; a clinician of each clinic with an open dashboard socket.
    const clinics: ClinicUnderTest[] = [];
    for (const [label, pumps] of [
      ['small', SMALL_PUMPS],
      ['large', LARGE_PUMPS],
    ] as const) {
      let lastLogged = 0;
      const fleet = await seedFleet(app, {
        pumps,
        clinicName: `Bench ${label} clinic (${pumps} pumps)`,
        seed: SEED,
        onProgress: (done, total) => {
          if (done - lastLogged < 1000 && done !== total) return;
          lastLogged = done;
          console.log(`seeding the ${label} clinic: ${done}/${total}`);
        },
      });
      console.log(
        `seeded the ${label} clinic: ${pumps} pumps in ${fleet.seconds.toFixed(1)} s (${(pumps / fleet.seconds).toFixed(1)} pumps/s)`,
      );
      const email = `bench-${label}@pumpwatch.bench`;
      await call('POST', '/api/users', admin, {
        email,
        displayName: `Bench ${label} clinician`,
        password: 'initial-password-1',
        clinicRoles: [{ clinicId: fleet.clinicId, role: 'clinician' }],
      });
      const first = (await call<{ accessToken: string }>('POST', '/api/auth/login', null, { email, password: 'initial-password-1' }))
        .accessToken;
      await call('POST', '/api/auth/password', first, { currentPassword: 'initial-password-1', newPassword: MEMBER_PASSWORD });
      const token = (await call<{ accessToken: string }>('POST', '/api/auth/login', null, { email, password: MEMBER_PASSWORD }))
        .accessToken;
      const socket = io(baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      clinics.push({ label, pumps, fleet, token, socket });
    }
    await waitForEventConsumers(owner);

    // The filter: a surname of the small clinic's first patient (the seed draws every clinic's names from the same list).
    const firstPatient = (await owner.query('SELECT display_name FROM patients WHERE id = $1', [clinics[0].fleet.patientIds[0]])).rows[0]
      .display_name as string;
    const surname = firstPatient.split(' ').slice(1).join(' ');

    // The clinics take turns round by round, so the load of a shared machine falls on both alike.
    const rowsOf = (body: unknown): FleetPump[] => (Array.isArray(body) ? body : (body as { rows: FleetPump[] }).rows);
    const pageUrl = (clinic: ClinicUnderTest): string => `/api/pumps?clinicId=${clinic.fleet.clinicId}&limit=${PAGE_LIMIT}`;
    const filterUrl = (clinic: ClinicUnderTest): string =>
      `/api/pumps?clinicId=${clinic.fleet.clinicId}&q=${encodeURIComponent(surname)}&limit=${PAGE_LIMIT}`;
    const measureGets = async (urlOf: (clinic: ClinicUnderTest) => string): Promise<{ ms: number[]; last: WireAnswer }[]> => {
      const measured = clinics.map(() => ({ ms: [] as number[], last: null as WireAnswer | null }));
      for (let round = 0; round < ROUNDS + 1; round++) {
        for (const [i, clinic] of clinics.entries()) {
          const answer = await getOnTheWire(baseUrl, urlOf(clinic), clinic.token);
          if (answer.status !== 200)
            throw new Error(`GET ${urlOf(clinic)} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
          // The first round warms the path.
          if (round > 0) measured[i].ms.push(answer.ms);
          measured[i].last = answer;
        }
      }
      return measured.map((m) => ({ ms: m.ms, last: m.last as WireAnswer }));
    };
    const pages = await measureGets(pageUrl);
    const filters = await measureGets(filterUrl);
    // FHIR searches over the clinic (no patient or device): Observations from the fleet read model, programs paged in SQL.
    const fhirObservations = await measureGets(() => '/fhir/Observation?_count=50');
    const fhirStatements = await measureGets(() => '/fhir/MedicationStatement?_count=50');

    // One row patch: a fill on the first 'ok' pump of the clinic, until the clinic's dashboard socket has pump.changed for that pump.
    const patchTargets = await Promise.all(
      clinics.map(async (clinic) => {
        const pumpId = clinic.fleet.pumpIds[clinic.fleet.targets.indexOf('ok')];
        const fills = await call<Fill[]>('GET', `/api/pumps/${pumpId}/fills`, admin);
        return { pumpId, lastFill: fills[fills.length - 1], ms: [] as number[], withFleetRow: 0 };
      }),
    );
    const firstFillMs = Date.now() - (PATCH_ROUNDS + 2) * 60_000;
    for (let round = 0; round < PATCH_ROUNDS + 1; round++) {
      for (const [i, clinic] of clinics.entries()) {
        const target = patchTargets[i];
        const started = performance.now();
        const event = await new Promise<PumpChangedEvent>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no pump.changed for ${target.pumpId} within ${PATCH_TIMEOUT_MS} ms`)),
            PATCH_TIMEOUT_MS,
          );
          const onChanged = (changed: PumpChangedEvent): void => {
            if (changed.pumpId !== target.pumpId) return;
            clearTimeout(timer);
            clinic.socket.off('pump.changed', onChanged);
            resolve(changed);
          };
          clinic.socket.on('pump.changed', onChanged);
          call('POST', `/api/pumps/${target.pumpId}/fills`, admin, {
            filledAt: new Date(firstFillMs + round * 60_000).toISOString(),
            concentrationMcgPerMl: target.lastFill.concentrationMcgPerMl,
            volumeMl: target.lastFill.volumeMl,
          }).catch(reject);
        });
        const ms = performance.now() - started;
        // Each fill's alert evaluation and projection settle before the next one is timed.
        await waitForEventConsumers(owner);
        if (round === 0) continue;
        target.ms.push(ms);
        if (event.fleetRow !== undefined && event.fleetRow !== null) target.withFleetRow++;
      }
    }
    const results = new Map<string, Measured>(
      clinics.map((clinic, i) => [
        clinic.label,
        {
          pageMs: pages[i].ms,
          pageBytes: pages[i].last.wireBytes,
          pageRows: rowsOf(pages[i].last.body).length,
          pageShape: Array.isArray(pages[i].last.body) ? 'bare array' : 'FleetPage',
          patchMs: patchTargets[i].ms,
          patchWithFleetRow: patchTargets[i].withFleetRow,
          filterMs: filters[i].ms,
          filterBytes: filters[i].last.wireBytes,
          filterRows: rowsOf(filters[i].last.body).length,
        },
      ]),
    );

    const small = results.get('small') as Measured;
    const large = results.get('large') as Measured;
    const rows: { name: string; unit: string; small: number; large: number }[] = [
      { name: 'setup_seed_through_use_cases', unit: 's', small: clinics[0].fleet.seconds, large: clinics[1].fleet.seconds },
      { name: 'fleet_first_page_p50', unit: 'ms', small: percentile(small.pageMs, 50), large: percentile(large.pageMs, 50) },
      { name: 'fleet_first_page_p95', unit: 'ms', small: percentile(small.pageMs, 95), large: percentile(large.pageMs, 95) },
      { name: 'fleet_first_page_on_the_wire', unit: 'bytes', small: small.pageBytes, large: large.pageBytes },
      { name: 'fleet_first_page_rows', unit: 'rows', small: small.pageRows, large: large.pageRows },
      {
        name: 'row_patch_fill_to_pump_changed_p50',
        unit: 'ms',
        small: percentile(small.patchMs, 50),
        large: percentile(large.patchMs, 50),
      },
      {
        name: 'row_patch_fill_to_pump_changed_p95',
        unit: 'ms',
        small: percentile(small.patchMs, 95),
        large: percentile(large.patchMs, 95),
      },
      { name: 'row_patch_events_with_fleetRow', unit: 'events', small: small.patchWithFleetRow, large: large.patchWithFleetRow },
      { name: 'filter_q_surname_p50', unit: 'ms', small: percentile(small.filterMs, 50), large: percentile(large.filterMs, 50) },
      { name: 'filter_q_surname_p95', unit: 'ms', small: percentile(small.filterMs, 95), large: percentile(large.filterMs, 95) },
      { name: 'filter_q_surname_on_the_wire', unit: 'bytes', small: small.filterBytes, large: large.filterBytes },
      { name: 'filter_q_surname_rows', unit: 'rows', small: small.filterRows, large: large.filterRows },
      {
        name: 'fhir_observation_page_p50',
        unit: 'ms',
        small: percentile(fhirObservations[0].ms, 50),
        large: percentile(fhirObservations[1].ms, 50),
      },
      {
        name: 'fhir_medication_statement_page_p50',
        unit: 'ms',
        small: percentile(fhirStatements[0].ms, 50),
        large: percentile(fhirStatements[1].ms, 50),
      },
    ];
    const shapeNote =
      small.pageShape === 'FleetPage' && large.pageShape === 'FleetPage'
        ? ''
        : ` (MARKED: GET /api/pumps answered the ${small.pageShape} / ${large.pageShape}: no paging yet, every row measured)`;
    console.log(
      `\nFleet at ${SMALL_PUMPS.toLocaleString('en')} vs ${LARGE_PUMPS.toLocaleString('en')} pumps, same run, ${ROUNDS} GET rounds, ${PATCH_ROUNDS} patch rounds` +
        ` (after a warm-up), limit=${PAGE_LIMIT}, accept-encoding gzip, br, q="${surname}"${shapeNote}`,
    );
    printComparisonTable(rows, {
      smallPumps: SMALL_PUMPS,
      largePumps: LARGE_PUMPS,
      widths: { name: 40, unit: 8, value: 14, ratio: 9 },
      goalColumn: false,
    });
    console.log(
      `(row patch: POST a fill, until the clinic's dashboard socket has pump.changed for that pump; events_with_fleetRow of ${PATCH_ROUNDS}:` +
        ` without fleetRow the dashboard fetches GET /api/pumps/:id/fleet-row; first page encoding ${small.pageShape}, targets: time within 2x, < 100 KB at ${LARGE_PUMPS})`,
    );
    printResultLines(rows, { smallPumps: SMALL_PUMPS, largePumps: LARGE_PUMPS }, () => ({ shape: large.pageShape }));
  } finally {
    for (const socket of sockets) socket.close();
    keepAlive.destroy();
    await owner.end().catch(() => undefined);
    await app?.close();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exitCode = 1;
});
