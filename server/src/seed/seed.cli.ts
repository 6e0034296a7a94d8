// `npm run seed -- --pumps 5000`: a load-test clinic through the API's use cases, in the database npm start uses.
import { cliDatabase, oneLine } from '../backup/backup-format';
import { createPumpWatchApp } from '../app.factory';
import { loadConfig, LogLevel } from '../infra/config';
import { parseSeedArgs, SEED_USAGE, SeedArgsError } from './seed-args';
import { seedFleet } from './seed-fleet';

/** A progress line every this many pumps (and at the end). */
const PROGRESS_EVERY = 250;

async function main(): Promise<void> {
  const args = parseSeedArgs(process.argv.slice(2));
  if (args === null) {
    console.log(SEED_USAGE);
    return;
  }
  const config = loadConfig();
  const database = await cliDatabase('seed');
  let app: Awaited<ReturnType<typeof createPumpWatchApp>> | null = null;
  try {
    console.log(`seed: ${args.pumps} pumps into ${database.description}`);
    // As npm start boots (migrations, demo seed of an empty database), without the demo's telemetry feeder nor a listening port.
    app = await createPumpWatchApp({
      databaseUrl: database.url,
      databaseAppUrl: config.databaseAppUrl,
      demo: config.demo,
      simulate: false,
      logLevel: (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'warn',
      bootstrapAdmin: config.adminEmail && config.adminPassword ? { email: config.adminEmail, password: config.adminPassword } : null,
    });
    const startedMs = Date.now();
    const fleet = await seedFleet(app, {
      pumps: args.pumps,
      clinicName: args.clinicName,
      seed: args.seed,
      concurrency: args.concurrency,
      onProgress: (done, total) => {
        if (done % PROGRESS_EVERY !== 0 && done !== total) return;
        const seconds = (Date.now() - startedMs) / 1000;
        console.log(
          `seed: ${String(done).padStart(String(total).length)}/${total} pumps, ${seconds.toFixed(1)} s, ${(done / seconds).toFixed(1)} pumps/s`,
        );
      },
    });
    const spread = new Map<string, number>();
    for (const target of fleet.targets) spread.set(target, (spread.get(target) ?? 0) + 1);
    console.log(
      `seed: clinic "${fleet.clinicName}" (${fleet.clinicId}): ${fleet.pumpIds.length} pumps in ${fleet.seconds.toFixed(1)} s` +
        ` (${(fleet.pumpIds.length / fleet.seconds).toFixed(1)} pumps/s), seed ${args.seed}`,
    );
    console.log(`seed: deadlines planned ${[...spread].map(([target, n]) => `${target} ${n}`).join(', ')}`);
  } finally {
    await app?.close();
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`seed failed: ${oneLine(error)}`);
    if (error instanceof SeedArgsError) console.error(SEED_USAGE.split('\n')[0]);
    process.exit(1);
  },
);
