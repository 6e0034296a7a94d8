// `npm run backup -- [--out <file>]`: writes a consistent export of every PumpWatch table to one .pwbackup file.
import fs from 'node:fs';
import path from 'node:path';
import { BackupError, cliDatabase, defaultBackupPath, oneLine, writeBackup } from './backup-format';

const USAGE = 'usage: npm run backup -- [--out <file>]';

function outputPath(args: string[]): string {
  let out: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--out' && i + 1 < args.length) out = args[++i];
    else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
    else throw new BackupError(`unexpected argument "${arg}" (${USAGE})`);
  }
  if (out === '') throw new BackupError(`--out needs a file name (${USAGE})`);
  // npm runs scripts from the repository root; a relative path means where the user typed the command.
  return out === null ? defaultBackupPath() : path.resolve(process.env.INIT_CWD ?? process.cwd(), out);
}

async function main(): Promise<void> {
  const target = outputPath(process.argv.slice(2));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const database = await cliDatabase('backup');
  try {
    console.log(`PumpWatch backup of ${database.description}`);
    const summary = await writeBackup(database.url, target, {
      onTableWritten: (table) => console.log(`  ${table.name.padEnd(24)} ${String(table.rowCount).padStart(9)} rows`),
    });
    const rows = summary.header.tables.reduce((sum, table) => sum + table.rowCount, 0);
    console.log(`${rows} rows of ${summary.header.tables.length} tables at migration ${summary.header.migration?.name ?? '(none)'}`);
    console.log(`Backup written to ${summary.path} (${summary.bytes} bytes)`);
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`backup failed: ${oneLine(error)}`);
    process.exit(1);
  },
);
