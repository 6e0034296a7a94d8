// Options of one PumpWatch app instance, provided to every module that needs them.
import type { DestinationStream } from 'pino';
import type { LogLevel } from './config';
import type { DatabaseSupervision } from './postgres-supervisor';

export const APP_OPTIONS = Symbol('PUMPWATCH_APP_OPTIONS');

export interface BootstrapAdmin {
  email: string;
  password: string;
}

export interface AppOptions {
  /** What the app connects with: the `pumpwatch_app` login role (no DELETE, append-only audit), or the owner as a fallback. */
  databaseUrl: string;
  /** The database owner: migrations, and only tasks that need more than the app role (restore). */
  ownerDatabaseUrl: string;
  demo: boolean;
  /** With demo: feed the demo fleet's simulated telemetry through the app's own HTTP API after listen. */
  simulate: boolean;
  logLevel: LogLevel;
  /** Where users reach PumpWatch; https means cookies are Secure and HSTS is sent. */
  publicUrl?: string | null;
  /** Origins allowed to call the API and socket.io with credentials; empty: same origin only. */
  corsOrigins: string[];
  /** First administrator created when no user exists; null: none from the environment. */
  bootstrapAdmin: BootstrapAdmin | null;
  sessionHours: number;
  /** Largest accepted request body (`1mb`). */
  bodyLimit: string;
  /** Where pino writes; default standard output (tests read the log lines from here). */
  logDestination?: DestinationStream;
  /** Embedded mode: the supervisor restarting a dead PostgreSQL (health says `recovering` meanwhile); null with DATABASE_URL. */
  databaseSupervision?: DatabaseSupervision | null;
}
