// Jest global setup: one embedded PostgreSQL for the whole run (or DATABASE_URL), each test file makes its own database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, RunningPostgres } from '../../server/src/infra/embedded-postgres';

declare global {
  var __PUMPWATCH_TEST_PG__: { server: RunningPostgres; dir: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  process.env.TZ = process.env.TZ ?? 'UTC';
  if (process.env.PUMPWATCH_TEST_DATABASE_URL) return;
  if (process.env.DATABASE_URL) {
    process.env.PUMPWATCH_TEST_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  // The server runs as the `postgres` user when tests run as root: it must be able to enter the folder.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pumpwatch-test-pg-'));
  fs.chmodSync(dir, 0o777);
  const started = Date.now();
  const server = await startEmbeddedPostgres({ databaseDir: path.join(dir, 'data'), databaseName: 'pumpwatch_test', persistent: false });
  globalThis.__PUMPWATCH_TEST_PG__ = { server, dir };
  process.env.PUMPWATCH_TEST_DATABASE_URL = server.adminUrl;
  if (process.env.PUMPWATCH_TEST_VERBOSE)
    console.log(`\nembedded PostgreSQL for tests on port ${server.port} (${Date.now() - started} ms)`);
}
