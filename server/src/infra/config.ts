// Server configuration from the environment, resolved once at start-up.
import path from 'node:path';
import { findRepoRoot } from './paths';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ServerConfig {
  port: number;
  /** null: start the embedded PostgreSQL. The database owner: migrations run with it. */
  databaseUrl: string | null;
  /** The app's own login role on an external database; null: derived from the owner (embedded) or the owner itself. */
  databaseAppUrl: string | null;
  /** Parent folder of the embedded PostgreSQL data (`<dataDir>/postgres`). */
  dataDir: string;
  demo: boolean;
  /** Demo mode only: the server feeds the demo fleet's simulated telemetry through its own API (PUMPWATCH_SIMULATE, default on). */
  simulate: boolean;
  logLevel: LogLevel;
  /** Where users reach PumpWatch (https turns on HSTS and Secure cookies); null: not known. */
  publicUrl: string | null;
  /** Other origins allowed to call the API with credentials; empty: same origin only. */
  corsOrigins: string[];
  /** First administrator, created when no user exists; both or neither. */
  adminEmail: string | null;
  adminPassword: string | null;
  sessionHours: number;
  /** Largest accepted request body, in the body parser's notation (`100kb`, `1mb`). */
  bodyLimit: string;
  /** Reverse proxies in front (PUMPWATCH_TRUST_PROXY): the client address is read from X-Forwarded-For that many hops back; 0: none. */
  trustProxyHops: number;
  /** PUMPWATCH_SERVE_SOURCE_MAPS: the dashboard's *.map files are served; default off (404), they expose the whole source. */
  serveSourceMaps: boolean;
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const BODY_LIMIT = /^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i;

/** Root cannot own the cluster (PostgreSQL refuses), so its default folder is one the `postgres` user can reach. */
export function defaultDataDir(): string {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot ? '/var/lib/pumpwatch' : path.join(findRepoRoot(), '.data');
}

function optional(value: string | undefined): string | null {
  return value?.trim() || null;
}

function postgresUrl(name: string, value: string | null): string | null {
  if (value === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`${name} must be a postgres:// URL`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new Error(`${name} must be a postgres:// URL`);
  return value;
}

function httpUrl(name: string, value: string | null): string | null {
  if (value === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`${name} must be an http:// or https:// URL, got "${value}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`${name} must be an http:// or https:// URL, got "${value}"`);
  return value.replace(/\/+$/, '');
}

/** An origin is scheme, host and port only: a path or a wildcard would never match the browser's Origin header. */
function origins(name: string, value: string | null): string[] {
  if (value === null) return [];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      let parsed: URL | null;
      try {
        parsed = new URL(item);
      } catch {
        parsed = null;
      }
      const onlyOrigin =
        parsed !== null && parsed.pathname === '/' && !parsed.search && !parsed.hash && !parsed.username && !item.includes('*');
      if (!parsed || !onlyOrigin || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
        throw new Error(
          `${name} must list origins like https://dashboard.example.org (scheme, host, optional port; no path or wildcard), got "${item}"`,
        );
      }
      return parsed.origin;
    });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = env.PORT ? Number(env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const databaseUrl = postgresUrl('DATABASE_URL', optional(env.DATABASE_URL));
  const databaseAppUrl = postgresUrl('DATABASE_APP_URL', optional(env.DATABASE_APP_URL));
  const demoSetting = env.PUMPWATCH_DEMO?.trim().toLowerCase();
  if (demoSetting && demoSetting !== 'on' && demoSetting !== 'off')
    throw new Error(`PUMPWATCH_DEMO must be on or off, got "${env.PUMPWATCH_DEMO}"`);
  // Demo data belongs in a throw-away local database, never by surprise in a production one.
  const demo = demoSetting ? demoSetting === 'on' : databaseUrl === null;
  const simulateSetting = env.PUMPWATCH_SIMULATE?.trim().toLowerCase();
  if (simulateSetting && simulateSetting !== 'on' && simulateSetting !== 'off')
    throw new Error(`PUMPWATCH_SIMULATE must be on or off, got "${env.PUMPWATCH_SIMULATE}"`);
  // Simulated readings belong to the demo clinic only: never fed by surprise into a real clinic's pumps.
  if (simulateSetting === 'on' && !demo)
    throw new Error('PUMPWATCH_SIMULATE=on needs demo mode (PUMPWATCH_DEMO on): the simulator feeds the demo clinic');
  const simulate = demo && simulateSetting !== 'off';
  const logLevel = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const dataDir = env.PUMPWATCH_DATA_DIR?.trim() ? path.resolve(env.PUMPWATCH_DATA_DIR.trim()) : defaultDataDir();

  const publicUrl = httpUrl('PUMPWATCH_PUBLIC_URL', optional(env.PUMPWATCH_PUBLIC_URL));
  const corsOrigins = origins('PUMPWATCH_CORS_ORIGINS', optional(env.PUMPWATCH_CORS_ORIGINS));
  const adminEmail = optional(env.PUMPWATCH_ADMIN_EMAIL);
  // A password is taken as given: surrounding spaces may be part of it.
  const adminPassword = env.PUMPWATCH_ADMIN_PASSWORD ? env.PUMPWATCH_ADMIN_PASSWORD : null;
  if ((adminEmail === null) !== (adminPassword === null)) {
    throw new Error(
      'PUMPWATCH_ADMIN_EMAIL and PUMPWATCH_ADMIN_PASSWORD go together: set both to create the first administrator, or neither',
    );
  }
  if (adminEmail !== null && !/^[^\s@]+@[^\s@]+$/.test(adminEmail))
    throw new Error(`PUMPWATCH_ADMIN_EMAIL must be an email address, got "${adminEmail}"`);

  const sessionSetting = optional(env.PUMPWATCH_SESSION_HOURS);
  const sessionHours = sessionSetting === null ? 12 : Number(sessionSetting);
  if (!Number.isFinite(sessionHours) || sessionHours <= 0)
    throw new Error(`PUMPWATCH_SESSION_HOURS must be a positive number of hours, got "${sessionSetting}"`);

  const bodyLimit = optional(env.PUMPWATCH_BODY_LIMIT)?.toLowerCase() ?? '1mb';
  if (!BODY_LIMIT.test(bodyLimit) || Number.parseFloat(bodyLimit) <= 0) {
    throw new Error(`PUMPWATCH_BODY_LIMIT must be a size like 100kb or 1mb, got "${env.PUMPWATCH_BODY_LIMIT}"`);
  }

  const trustSetting = optional(env.PUMPWATCH_TRUST_PROXY);
  const trustProxyHops = trustSetting === null ? 0 : Number(trustSetting);
  if (!Number.isInteger(trustProxyHops) || trustProxyHops < 0 || trustProxyHops > 10) {
    throw new Error(`PUMPWATCH_TRUST_PROXY must be the number of reverse proxies in front of the server (0 to 10), got "${trustSetting}"`);
  }

  const sourceMapsSetting = env.PUMPWATCH_SERVE_SOURCE_MAPS?.trim().toLowerCase();
  if (sourceMapsSetting && sourceMapsSetting !== 'on' && sourceMapsSetting !== 'off') {
    throw new Error(`PUMPWATCH_SERVE_SOURCE_MAPS must be on or off, got "${env.PUMPWATCH_SERVE_SOURCE_MAPS}"`);
  }
  const serveSourceMaps = sourceMapsSetting === 'on';

  return {
    port,
    databaseUrl,
    databaseAppUrl,
    dataDir,
    demo,
    simulate,
    logLevel,
    publicUrl,
    corsOrigins,
    adminEmail,
    adminPassword,
    sessionHours,
    bodyLimit,
    trustProxyHops,
    serveSourceMaps,
  };
}
