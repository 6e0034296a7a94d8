// Migrations as the database owner, then the URL the app connects with: its own login role, with no DELETE and an append-only audit.
import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { APP_ROLE } from '../../../migrations/1795730400000-CreateAccessAndAudit';
import { dataSourceOptions } from './data-source';

export interface AppDatabase {
  /** What the app connects with. */
  appUrl: string;
  ownerUrl: string;
  /** `app_role`: the derived login role; `configured`: DATABASE_APP_URL; `owner`: fallback with the owner's rights. */
  connectsAs: 'app_role' | 'configured' | 'owner';
}

export interface PrepareAppDatabaseOptions {
  ownerUrl: string;
  /** DATABASE_APP_URL: the administrator made the role; used as given. */
  configuredAppUrl?: string | null;
  warn(message: string): void;
}

/** Changing the label changes every derived password (all instances then set the new one at their next start). */
const PASSWORD_LABEL = 'pumpwatch_app login password v1';
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Every database of one cluster and every server instance derive the same password from the owner's, so concurrent starts
 * (tests make one database per file) set the same value and never lock each other's pools out. Keyed by the owner's secret:
 * knowing the URL without its password does not give the role's.
 */
export function derivedAppPassword(ownerPassword: string): string {
  return createHmac('sha256', ownerPassword).update(PASSWORD_LABEL).digest('hex');
}

/** The owner's URL (host, port, database, TLS parameters) with the app role's credentials. */
export function appRoleUrl(ownerUrl: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = password;
  return url.toString();
}

export async function runMigrationsAsOwner(ownerUrl: string): Promise<void> {
  const owner = new DataSource({ ...dataSourceOptions(ownerUrl), extra: { max: 2 } } as ConstructorParameters<typeof DataSource>[0]);
  try {
    await owner.initialize();
  } finally {
    if (owner.isInitialized) await owner.destroy();
  }
}

export async function prepareAppDatabase(options: PrepareAppDatabaseOptions): Promise<AppDatabase> {
  const { ownerUrl, warn } = options;
  await runMigrationsAsOwner(ownerUrl);
  if (options.configuredAppUrl) return { appUrl: options.configuredAppUrl, ownerUrl, connectsAs: 'configured' };

  const asOwner = (reason: string): AppDatabase => {
    warn(
      `PumpWatch connects to PostgreSQL as the database OWNER, with the owner's rights (it can delete clinical rows and ` +
        `bypass the audit grants): ${reason}. Create a login role with the rights of "${APP_ROLE}" and set DATABASE_APP_URL.`,
    );
    return { appUrl: ownerUrl, ownerUrl, connectsAs: 'owner' };
  };

  const ownerPassword = decodeURIComponent(new URL(ownerUrl).password);
  // A password derived from nothing secret could be guessed by anyone who can reach the server over TCP.
  if (!ownerPassword) return asOwner("the owner URL has no password to derive the app role's password from");
  const password = derivedAppPassword(ownerPassword);
  const appUrl = appRoleUrl(ownerUrl, password);
  // Usually already set by an earlier start or another database of the cluster: no catalog write then.
  if (await canConnect(appUrl)) return { appUrl, ownerUrl, connectsAs: 'app_role' };
  try {
    await enableAppRoleLogin(ownerUrl, password);
  } catch (error) {
    return asOwner(`ALTER ROLE ${APP_ROLE} failed (${(error as Error).message}; the owner needs CREATEROLE)`);
  }
  if (await canConnect(appUrl)) return { appUrl, ownerUrl, connectsAs: 'app_role' };
  return asOwner(`the role "${APP_ROLE}" cannot sign in (check pg_hba.conf)`);
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Concurrent ALTER ROLE on the same role fails with "tuple concurrently updated": the value is the same, so retry. */
async function enableAppRoleLogin(ownerUrl: string, password: string): Promise<void> {
  const client = new Client({ connectionString: ownerUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        // ALTER ROLE takes no bind parameters; the password is hex, quoted anyway.
        await client.query(`ALTER ROLE ${APP_ROLE} WITH LOGIN PASSWORD ${client.escapeLiteral(password)}`);
        return;
      } catch (error) {
        if (attempt >= 8 || !/concurrently/i.test((error as Error).message)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 25 * attempt + Math.random() * 50));
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
