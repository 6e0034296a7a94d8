// Benchmark: readings per second through POST /api/telemetry (batches of 1,000) against raw COPY of the same rows into the same table.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { telemetryReadingSchema } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { createPumpWatchApp } from '../src/app.factory';
import { Clock } from '../src/infra/clock';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres';
import { TelemetryRepository } from '../src/telemetry/telemetry.repository';

const BATCH = 1_000;
const ROUNDS = 3;
const ADMIN = { email: 'bench-admin@pumpwatch.bench', password: 'bench-admin-password' };
const START_MS = Date.parse('2026-01-01T00:00:00Z');
const READING_INTERVAL_MS = 15 * 60_000;
const ARRIVAL_DELAY_MS = 5 * 60_000;

/**
 * How a gateway's uploads are made up: `pumps` pumps per batch, each with BATCH / pumps consecutive readings. `live`: each batch
 * arrives 5 minutes after its last reading (the server's clock follows the uploads), as a gateway reports in. `backfill`: months-old
 * readings on today's clock, so every pump is stale and each batch changes its open stale alert (re-fired, message updated, pushed).
 */
interface Scenario {
  name: string;
  pumps: number;
  batches: number;
  concurrency: number;
  timeline: 'live' | 'backfill';
}

const SCENARIOS: Scenario[] = [
  // A clinic gateway uploading every 2.5 h: 100 pumps x 10 readings of 15 minutes per batch (one event per pump per batch).
  { name: 'api_100_pumps_x_10_readings', pumps: 100, batches: 20, concurrency: 1, timeline: 'live' },
  { name: 'api_100_pumps_x_10_readings_4_in_flight', pumps: 100, batches: 20, concurrency: 4, timeline: 'live' },
  // A daily upload of 1,000 pumps, one reading each: one event per reading, the costliest make-up.
  { name: 'api_1000_pumps_x_1_reading', pumps: 1000, batches: 10, concurrency: 1, timeline: 'live' },
  // A gateway sending a backlog after an outage: every batch also rewrites each pump's open alert.
  { name: 'api_100_pumps_x_10_readings_backfill', pumps: 100, batches: 20, concurrency: 1, timeline: 'backfill' },
];

/** The server's clock: real time, or (live uploads) the time an upload arrives, moving on by itself from there. */
class UploadClock extends Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** From now on, the clock reads `atMs` and moves on in real time; null: back to real time. */
  arriveAt(atMs: number | null): void {
    this.offsetMs = atMs === null ? 0 : atMs - Date.now();
  }
}

interface Reading {
  serialNumber: string;
  recordedAt: string;
  reservoirVolumeMl: number;
  alarms: string[];
  batteryStatus: 'ok';
  programDoseMcgPerDay: number;
  programConcentrationMcgPerMl: number;
  patientBolusCountTotal: number;
}

function batchesOf(scenario: Scenario, serials: string[]): Reading[][] {
  const perPump = BATCH / scenario.pumps;
  const batches: Reading[][] = [];
  for (let b = 0; b < scenario.batches; b++) {
    const batch: Reading[] = [];
    for (let p = 0; p < scenario.pumps; p++) {
      for (let k = 0; k < perPump; k++) {
        const step = b * perPump + k;
        batch.push({
          serialNumber: serials[p],
          recordedAt: new Date(START_MS + step * READING_INTERVAL_MS).toISOString(),
          reservoirVolumeMl: Math.round((20 - step * 0.002) * 1000) / 1000,
          alarms: step % 500 === 0 ? ['low_reservoir'] : [],
          batteryStatus: 'ok',
          programDoseMcgPerDay: 300,
          programConcentrationMcgPerMl: 500,
          patientBolusCountTotal: Math.floor(step / 24),
        });
      }
    }
    batches.push(batch);
  }
  return batches;
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** One COPY statement streaming the chunks into telemetry_readings. */
async function copyInto(owner: Client, chunks: string[]): Promise<void> {
  const copy = owner.query(
    copyFrom(`COPY telemetry_readings (pump_id, recorded_at, received_at, reservoir_volume_ml, alarms, battery_status,
    program_dose_mcg_per_day, program_concentration_mcg_per_ml, patient_bolus_count_total) FROM STDIN`),
  );
  await pipeline(Readable.from(chunks), copy);
}

function lastReadingMs(batch: Reading[]): number {
  return Math.max(...batch.map((r) => Date.parse(r.recordedAt)));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * COPY text format (tab-separated, \N for null, arrays as {a,b}), one chunk per batch of readings: written a line at a time, each
 * line costs pg-copy-streams a socket write and COPY measured 2.5 times slower, which flattered the ratio in earlier runs.
 */
function copyChunks(batches: Reading[][], pumpIdOf: Map<string, string>, receivedAt: string): string[] {
  return batches.map((batch) =>
    batch
      .map(
        (r) =>
          `${pumpIdOf.get(r.serialNumber)}\t${r.recordedAt}\t${receivedAt}\t${r.reservoirVolumeMl}\t{${r.alarms.join(',')}}\t${r.batteryStatus}\t${r.programDoseMcgPerDay}\t${r.programConcentrationMcgPerMl}\t${r.patientBolusCountTotal}\n`,
      )
      .join(''),
  );
}

/**
 * Waits until the server's event consumers (the alert engine's cursor, when that feature is present) have caught up with the events
 * of the previous round, so each measured round pays only for its own work.
 */
async function waitForEventConsumers(owner: Client): Promise<void> {
  const present = (await owner.query(`SELECT to_regclass('public.alert_evaluation_cursor') IS NOT NULL AS present`)).rows[0]
    .present as boolean;
  if (!present) return;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const { rows } = await owner.query(
      `SELECT (SELECT last_event_id FROM event_counter WHERE id = 1) - coalesce((SELECT max(last_event_id) FROM alert_evaluation_cursor), 0) AS behind`,
    );
    if (Number(rows[0].behind) <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  // The database runs as the `postgres` user when the bench runs as root: it must be able to enter the folder.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pumpwatch-bench-pg-'));
  fs.chmodSync(dir, 0o777);
  const pg = await startEmbeddedPostgres({ databaseDir: path.join(dir, 'data'), databaseName: 'pumpwatch_bench', persistent: false });
  const owner = new Client({ connectionString: pg.url });
  let app: Awaited<ReturnType<typeof createPumpWatchApp>> | null = null;
  try {
    const clock = new UploadClock();
    app = await createPumpWatchApp({ databaseUrl: pg.url, demo: false, logLevel: 'silent', bootstrapAdmin: { ...ADMIN }, clock });
    await app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    await owner.connect();

    const call = async (method: string, url: string, token: string | null, body?: unknown) => {
      const response = await fetch(`${baseUrl}${url}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = await response.json();
      if (response.status >= 300) throw new Error(`${method} ${url} answered ${response.status}: ${JSON.stringify(json).slice(0, 500)}`);
      return json;
    };
    const admin = (await call('POST', '/api/auth/login', null, ADMIN)).accessToken as string;
    const clinic = await call('POST', '/api/clinics', admin, { name: 'Bench clinic', timeZone: 'Europe/Paris' });
    const gateway = (await call('POST', '/api/machine-tokens', admin, { clinicId: clinic.id, name: 'bench gateway' })).token as string;
    // The fleet is set up directly in SQL (setup, not measured): 1,000 patients with one pump each.
    const maxPumps = Math.max(...SCENARIOS.map((s) => s.pumps));
    await owner.query(
      `WITH p AS (
         INSERT INTO patients (clinic_id, mrn, display_name, birth_date, sex)
         SELECT $1, 'BENCH-' || i, 'Bench patient ' || i, '1970-01-01', 'female' FROM generate_series(1, $2) AS i RETURNING id, mrn
       )
       INSERT INTO pumps (patient_id, clinic_id, model_id, serial_number, implant_date, reservoir_capacity_ml, low_reservoir_alarm_ml)
       SELECT p.id, $1, 'synchromed-ii-20', 'SN-' || p.mrn, '2025-01-10', 20, 2 FROM p`,
      [clinic.id, maxPumps],
    );
    const pumps = (await owner.query<{ id: string; serial_number: string }>('SELECT id, serial_number FROM pumps ORDER BY serial_number'))
      .rows;
    const pumpIdOf = new Map(pumps.map((p) => [p.serial_number, p.id]));
    const serials = pumps.map((p) => p.serial_number);

    const rows: { name: string; value: number; baseline: number; readings: number }[] = [];
    let floorScenario: { batches: Reading[][]; chunks: string[]; baseline: number; readings: number } | null = null;
    for (const scenario of SCENARIOS) {
      const batches = batchesOf(scenario, serials);
      const bodies = batches.map((readings) => JSON.stringify({ readings }));
      const chunks = copyChunks(batches, pumpIdOf, new Date().toISOString());
      const readings = scenario.batches * BATCH;
      const apiRates: number[] = [];
      const copyRates: number[] = [];
      for (let round = 0; round < ROUNDS + 1; round++) {
        // Through the API: the gateway's batches, `concurrency` requests in flight.
        await waitForEventConsumers(owner);
        await owner.query('TRUNCATE telemetry_readings, pump_telemetry_latest');
        // Each phase starts with no dirty pages of the other to write back.
        await owner.query('CHECKPOINT');
        // Each round replays the same uploads from the first one's arrival (live), or on today's clock (backfill).
        clock.arriveAt(scenario.timeline === 'live' ? lastReadingMs(batches[0]) + ARRIVAL_DELAY_MS : null);
        let next = 0;
        const started = process.hrtime.bigint();
        await Promise.all(
          Array.from({ length: scenario.concurrency }, async () => {
            while (next < bodies.length) {
              const index = next++;
              const body = bodies[index];
              if (scenario.timeline === 'live')
                clock.arriveAt(Math.max(clock.now().getTime(), lastReadingMs(batches[index]) + ARRIVAL_DELAY_MS));
              const response = await fetch(`${baseUrl}/api/telemetry`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway}` },
                body,
              });
              const result = (await response.json()) as { new: number };
              if (response.status !== 200 || result.new !== BATCH)
                throw new Error(`POST /api/telemetry answered ${response.status}: ${JSON.stringify(result).slice(0, 300)}`);
            }
          }),
        );
        const apiSeconds = Number(process.hrtime.bigint() - started) / 1e9;

        // Raw COPY of the same rows into the same (emptied) table, one stream, no HTTP, validation, events or audit.
        await waitForEventConsumers(owner);
        await owner.query('TRUNCATE telemetry_readings');
        await owner.query('CHECKPOINT');
        const copySeconds = await timed(() => copyInto(owner, chunks));
        const stored = Number((await owner.query('SELECT count(*) AS n FROM telemetry_readings')).rows[0].n);
        if (stored !== readings) throw new Error(`COPY stored ${stored} rows, expected ${readings}`);
        // The first round warms the JIT, the connection pools and PostgreSQL's caches.
        if (round > 0) {
          apiRates.push(readings / apiSeconds);
          copyRates.push(readings / copySeconds);
        }
      }
      rows.push({ name: `telemetry_${scenario.name}`, value: median(apiRates), baseline: median(copyRates), readings });
      if (scenario === SCENARIOS[0]) floorScenario = { batches, chunks, baseline: median(copyRates), readings };
    }

    // Floors (first scenario, same baseline): what parts of an ingest cost on their own, with no HTTP, auth, events, audit or engine.
    const floor = floorScenario as NonNullable<typeof floorScenario>;
    const floorRates = async (measure: () => Promise<number>): Promise<number> => {
      const rates: number[] = [];
      for (let round = 0; round < ROUNDS + 1; round++) {
        await waitForEventConsumers(owner);
        await owner.query('TRUNCATE telemetry_readings, pump_telemetry_latest');
        await owner.query('CHECKPOINT');
        const seconds = await measure();
        if (round > 0) rates.push(floor.readings / seconds);
      }
      return median(rates);
    };
    const perBatchCopy = await floorRates(() =>
      timed(async () => {
        for (const chunk of floor.chunks) await copyInto(owner, [chunk]);
      }),
    );
    const repository = app.get(TelemetryRepository);
    const dataSource = app.get(DataSource);
    const validatedBatches = floor.batches.map((batch) =>
      batch.map((reading) => ({
        pumpId: pumpIdOf.get(reading.serialNumber) as string,
        reading: telemetryReadingSchema.parse(reading),
      })),
    );
    const insertStatement = await floorRates(() =>
      timed(async () => {
        for (const batch of validatedBatches)
          await dataSource.transaction((manager) => repository.insertReadings(manager, batch, new Date()));
      }),
    );
    const validation = await floorRates(() =>
      timed(async () => {
        for (const batch of floor.batches)
          for (const reading of batch) if (!telemetryReadingSchema.safeParse(reading).success) throw new Error('invalid bench reading');
      }),
    );
    const floors = [
      { name: 'floor_copy_one_statement_per_batch', value: perBatchCopy },
      { name: 'floor_ingest_insert_statement_alone', value: insertStatement },
      { name: 'floor_reading_validation_alone_cpu', value: validation },
    ];
    for (const f of floors) rows.push({ name: `telemetry_${f.name}`, value: f.value, baseline: floor.baseline, readings: floor.readings });

    console.log(
      `\nTelemetry ingest, batches of ${BATCH.toLocaleString('en')} readings, median of ${ROUNDS} rounds (after a warm-up), embedded PostgreSQL 18, same table`,
    );
    console.log('benchmark'.padEnd(52) + 'readings/s'.padStart(14) + 'raw COPY/s'.padStart(14) + 'ratio'.padStart(10));
    for (const row of rows) {
      console.log(
        row.name.padEnd(52) +
          Math.round(row.value).toLocaleString('en').padStart(14) +
          Math.round(row.baseline).toLocaleString('en').padStart(14) +
          (row.value / row.baseline).toFixed(3).padStart(10),
      );
    }
    console.log(
      "(target: ratio >= 0.5; the API also validates every reading, checks the caller's clinic, writes one event per pump and one audit row per batch,",
    );
    console.log(
      ' and the alert engine re-evaluates every pump of every batch in the same process; live: uploads as they arrive, backfill: months-old readings;',
    );
    console.log(
      " raw COPY streams the same rows in 1,000-row chunks; floor_*: one part alone, against the first scenario's COPY: an API doing any",
    );
    console.log(' of them per batch cannot be faster)');
    for (const row of rows) {
      console.log(
        JSON.stringify({
          name: row.name,
          value: Math.round(row.value),
          unit: 'readings/s',
          baseline: Math.round(row.baseline),
          ratio: Number((row.value / row.baseline).toFixed(4)),
          readings: row.readings,
        }),
      );
    }
  } finally {
    await owner.end().catch(() => undefined);
    if (app) await app.close();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exitCode = 1;
});
