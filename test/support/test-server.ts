// A real PumpWatch server on a fresh database, listening on a free port: what API, socket and browser tests drive.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { createPumpWatchApp } from '../../server/src/app.factory';
import { APP_OPTIONS, AppOptions } from '../../server/src/infra/app-options';
import type { Clock } from '../../server/src/infra/clock';
import type { LogLevel } from '../../server/src/infra/config';
import { RunningPostgres, startEmbeddedPostgres } from '../../server/src/infra/embedded-postgres';
import { EmbeddedPostgresSupervisor, SupervisorOptions } from '../../server/src/infra/postgres-supervisor';
import { TEST_ADMIN } from './test-accounts';
import { createTestDatabase } from './test-database';

export { TEST_ADMIN };

export interface TestServer {
  baseUrl: string;
  /** The database owner (a superuser here): for tests that read or prepare rows behind the API. */
  databaseUrl: string;
  /** What the app itself connects with: the `pumpwatch_app` login role. */
  appDatabaseUrl: string;
  app: INestApplication;
  /** With `ownEmbeddedPostgres`: the server's own PostgreSQL (to kill under it) and its supervisor. */
  postgres: RunningPostgres | null;
  supervisor: EmbeddedPostgresSupervisor | null;
  close(): Promise<void>;
}

export interface TestServerOptions {
  demo?: boolean;
  /** The demo's in-process telemetry feeder; default off, so that a demo server holds only the seed unless a test asks. */
  simulate?: boolean;
  clock?: Clock;
  /** Built dashboard to serve; default `<repo>/client/dist`. */
  clientDir?: string;
  /** Default none (same origin only). */
  corsOrigins?: string[];
  publicUrl?: string | null;
  bodyLimit?: string;
  sessionHours?: number;
  /** The dashboard's *.map files (PUMPWATCH_SERVE_SOURCE_MAPS); default off. */
  serveSourceMaps?: boolean;
  /** Default `silent` (or LOG_LEVEL). */
  logLevel?: LogLevel;
  /** Where pino writes, for tests that read the log lines. */
  logDestination?: DestinationStream;
  /**
   * Run the way `npm start` does without DATABASE_URL: an embedded PostgreSQL of this server alone (own folder and port, not
   * the run's shared one), watched by the supervisor. `onGiveUp` defaults to failing the test loudly.
   */
  ownEmbeddedPostgres?: boolean | Partial<SupervisorOptions>;
}

interface OwnedDatabase {
  url: string;
  postgres: RunningPostgres | null;
  supervisor: EmbeddedPostgresSupervisor | null;
  drop(): Promise<void>;
}

async function ownedDatabase(options: TestServerOptions): Promise<OwnedDatabase> {
  if (!options.ownEmbeddedPostgres) {
    const database = await createTestDatabase();
    return { url: database.url, postgres: null, supervisor: null, drop: () => database.drop() };
  }
  // The server runs as the `postgres` user when tests run as root: it must be able to enter the folder.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pumpwatch-own-pg-'));
  fs.chmodSync(dir, 0o777);
  let postgres: RunningPostgres;
  try {
    postgres = await startEmbeddedPostgres({ databaseDir: path.join(dir, 'data'), databaseName: 'pumpwatch', persistent: false });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const supervisorOptions = typeof options.ownEmbeddedPostgres === 'object' ? options.ownEmbeddedPostgres : {};
  const supervisor = new EmbeddedPostgresSupervisor(postgres, {
    log: () => undefined,
    onGiveUp: (error) => {
      throw new Error(`the supervisor gave up restarting the test's PostgreSQL: ${error.message}`);
    },
    ...supervisorOptions,
  });
  return {
    url: postgres.url,
    postgres,
    supervisor,
    async drop() {
      supervisor.close();
      await postgres.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = await ownedDatabase(options);
  let app: INestApplication;
  try {
    app = await createPumpWatchApp({
      databaseUrl: database.url,
      demo: options.demo ?? false,
      simulate: options.simulate ?? false,
      clock: options.clock,
      clientDir: options.clientDir,
      logLevel: options.logLevel ?? (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'silent',
      logDestination: options.logDestination,
      bootstrapAdmin: { ...TEST_ADMIN },
      corsOrigins: options.corsOrigins,
      publicUrl: options.publicUrl,
      bodyLimit: options.bodyLimit,
      sessionHours: options.sessionHours,
      databaseSupervision: database.supervisor,
      serveSourceMaps: options.serveSourceMaps,
    });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await database.drop().catch(() => undefined);
    throw error;
  }
  const address = app.getHttpServer().address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    databaseUrl: database.url,
    appDatabaseUrl: app.get<AppOptions>(APP_OPTIONS).databaseUrl,
    app,
    postgres: database.postgres,
    supervisor: database.supervisor,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

// Most spec files start one server for the whole file: one line instead of a `let`, a beforeAll and an afterAll each.
export function useTestServer(options: TestServerOptions = {}): TestServer {
  let started: TestServer | undefined;
  beforeAll(async () => {
    started = await startTestServer(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  const current = (): TestServer => {
    if (!started) throw new Error('the test server is not started yet: read it inside a hook or a test, after useTestServer()');
    return started;
  };
  return {
    get baseUrl() {
      return current().baseUrl;
    },
    get databaseUrl() {
      return current().databaseUrl;
    },
    get appDatabaseUrl() {
      return current().appDatabaseUrl;
    },
    get app() {
      return current().app;
    },
    get postgres() {
      return current().postgres;
    },
    get supervisor() {
      return current().supervisor;
    },
    async close() {
      await current().close();
    },
  };
}
