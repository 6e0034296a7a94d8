// Starts PumpWatch: embedded PostgreSQL (or DATABASE_URL), migrations, demo seed, API + dashboard on one port.
import path from 'node:path';
import { createPumpWatchApp } from './app.factory';
import { loadConfig } from './infra/config';
import { RunningPostgres, startEmbeddedPostgres } from './infra/embedded-postgres';
import { EmbeddedPostgresSupervisor } from './infra/postgres-supervisor';

let embedded: RunningPostgres | null = null;
let supervisor: EmbeddedPostgresSupervisor | null = null;
let app: Awaited<ReturnType<typeof createPumpWatchApp>> | null = null;
let stopping = false;

/** Close the app first (requests, LISTEN connection, pool), then the database it uses. */
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`PumpWatch: ${signal} received, stopping`);
  supervisor?.close();
  await app?.close().catch((error: Error) => console.error(error));
  await embedded?.stop().catch((error: Error) => console.error(error));
  process.exit(0);
}

/** The database could not be brought back: exit non-zero so that systemd or Docker restarts the whole server. */
async function giveUp(error: Error): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.error(`PumpWatch: exiting, the embedded PostgreSQL cannot be restarted: ${error.message}`);
  await app?.close().catch(() => undefined);
  await embedded?.stop().catch(() => undefined);
  process.exit(1);
}

async function main(): Promise<void> {
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  const config = loadConfig();
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const databaseDir = path.join(config.dataDir, 'postgres');
    console.log(`PumpWatch: embedded PostgreSQL data in ${databaseDir}`);
    embedded = await startEmbeddedPostgres({ databaseDir, databaseName: 'pumpwatch', ownSignals: true });
    databaseUrl = embedded.url;
    // If the postmaster dies (killed, out of memory), restart it with backoff; health says "recovering" meanwhile.
    supervisor = new EmbeddedPostgresSupervisor(embedded, { onGiveUp: (error) => void giveUp(error) });
  } else {
    console.log('PumpWatch: using the PostgreSQL at DATABASE_URL');
  }

  app = await createPumpWatchApp({
    databaseUrl,
    databaseAppUrl: config.databaseAppUrl,
    demo: config.demo,
    simulate: config.simulate,
    logLevel: config.logLevel,
    publicUrl: config.publicUrl,
    corsOrigins: config.corsOrigins,
    // Secrets come only from the environment, never from a file in the repository.
    bootstrapAdmin: config.adminEmail && config.adminPassword ? { email: config.adminEmail, password: config.adminPassword } : null,
    sessionHours: config.sessionHours,
    bodyLimit: config.bodyLimit,
    databaseSupervision: supervisor,
    trustProxyHops: config.trustProxyHops,
    serveSourceMaps: config.serveSourceMaps,
  });
  await app.listen(config.port);
  const url = await app.getUrl();
  console.log(
    `PumpWatch listening on ${url.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost')} (dashboard /, API /api, OpenAPI /api/docs)`,
  );
}

main().catch(async (error: Error) => {
  console.error(`PumpWatch failed to start: ${error.stack ?? error.message}`);
  // Never leave an orphaned PostgreSQL behind a failed start.
  await embedded?.stop().catch(() => undefined);
  process.exit(1);
});
