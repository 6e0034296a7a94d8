// `npm run telemetry-retention`: downsamples old raw telemetry of clinics with a retention setting; run daily by cron as the database owner.
import { Client } from 'pg';
import { cliDatabase, oneLine } from '../backup/backup-format';
import { downsampleTelemetry } from './telemetry-retention';

async function main(): Promise<void> {
  if (process.argv.length > 2) throw new Error(`unexpected argument "${process.argv[2]}" (usage: npm run telemetry-retention)`);
  // Same database as the backup (DATABASE_URL or the embedded one), as its owner: the app role has no DELETE right.
  const database = await cliDatabase('backup');
  try {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      console.log(`PumpWatch telemetry retention on ${database.description}`);
      const results = await downsampleTelemetry(client, new Date());
      if (results.length === 0) console.log('  no clinic has a telemetry retention setting: every reading is kept');
      for (const result of results) {
        console.log(
          `  clinic ${result.clinicId}: ${result.retentionDays} days, before ${result.cutoff}: deleted ${result.deleted}, kept ${result.kept}`,
        );
      }
    } finally {
      await client.end();
    }
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`telemetry retention failed: ${oneLine(error)}`);
    process.exit(1);
  },
);
