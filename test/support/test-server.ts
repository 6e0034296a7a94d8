// A real PumpWatch server on a fresh database, listening on a free port: what API, socket and browser tests drive.
import type { INestApplication } from '@nestjs/common';
import { createPumpWatchApp } from '../../server/src/app.factory';
import type { Clock } from '../../server/src/infra/clock';
import { createTestDatabase } from './test-database';

export interface TestServer {
  baseUrl: string;
  databaseUrl: string;
  app: INestApplication;
  close(): Promise<void>;
}

export interface TestServerOptions {
  demo?: boolean;
  clock?: Clock;
  /** Built dashboard to serve; default `<repo>/client/dist`. */
  clientDir?: string;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const app = await createPumpWatchApp({
    databaseUrl: database.url,
    demo: options.demo ?? false,
    clock: options.clock,
    clientDir: options.clientDir,
    logLevel: (process.env.LOG_LEVEL as 'silent' | undefined) ?? 'silent',
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    databaseUrl: database.url,
    app,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
