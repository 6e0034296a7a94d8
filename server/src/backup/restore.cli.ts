// `npm run restore -- <file>`: loads a .pwbackup file into an empty PumpWatch database (migrations included).
import path from 'node:path';
import { BackupError, cliDatabase, oneLine, restoreBackup, verifyBackupFile } from './backup-format';

const USAGE = 'usage: npm run restore -- <file.pwbackup>';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0].startsWith('--')) throw new BackupError(USAGE);
  // npm runs scripts from the repository root; a relative path means where the user typed the command.
  const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), args[0]);
  // A damaged file is refused before any database is started or created.
  await verifyBackupFile(file);
  const database = await cliDatabase('restore');
  try {
    console.log(`PumpWatch restore of ${file} into ${database.description}`);
    const summary = await restoreBackup(database.url, file, {
      onTableLoaded: (table) => console.log(`  ${table.name.padEnd(24)} ${String(table.rowCount).padStart(9)} rows`),
    });
    const { header } = summary;
    const rows = header.tables.reduce((sum, table) => sum + table.rowCount, 0);
    if (summary.migrationsRun.length > 0) console.log(`Migrations run first: ${summary.migrationsRun.join(', ')}`);
    console.log(
      `Restored ${rows} rows of ${header.tables.length} tables from the backup of ${header.createdAt} (migration ${header.migration?.name ?? '(none)'})`,
    );
    console.log('Start PumpWatch with the same settings: it runs any newer migration on the restored data.');
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`restore failed: ${oneLine(error)}`);
    process.exit(1);
  },
);
