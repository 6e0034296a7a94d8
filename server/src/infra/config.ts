// Server configuration from the environment, resolved once at start-up.
import path from 'node:path';
import { findRepoRoot } from './paths';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ServerConfig {
  port: number;
  /** null: start the embedded PostgreSQL. */
  databaseUrl: string | null;
  /** Parent folder of the embedded PostgreSQL data (`<dataDir>/postgres`). */
  dataDir: string;
  demo: boolean;
  logLevel: LogLevel;
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Root cannot own the cluster (PostgreSQL refuses), so its default folder is one the `postgres` user can reach. */
export function defaultDataDir(): string {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot ? '/var/lib/pumpwatch' : path.join(findRepoRoot(), '.data');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = env.PORT ? Number(env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  const demoSetting = env.PUMPWATCH_DEMO?.trim().toLowerCase();
  if (demoSetting && demoSetting !== 'on' && demoSetting !== 'off') throw new Error(`PUMPWATCH_DEMO must be on or off, got "${env.PUMPWATCH_DEMO}"`);
  // Demo data belongs in a throw-away local database, never by surprise in a production one.
  const demo = demoSetting ? demoSetting === 'on' : databaseUrl === null;
  const logLevel = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const dataDir = env.PUMPWATCH_DATA_DIR?.trim() ? path.resolve(env.PUMPWATCH_DATA_DIR.trim()) : defaultDataDir();
  return { port, databaseUrl, dataDir, demo, logLevel };
}
