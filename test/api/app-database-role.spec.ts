// The server connects as the `pumpwatch_app` login role: no DELETE anywhere, an append-only audit log, even for the owner.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { appRoleUrl, derivedAppPassword, prepareAppDatabase } from '../../server/src/infra/app-database-role';
import { useTestServer } from '../support/test-server';

jest.setTimeout(60_000);

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

/** PostgreSQL's insufficient_privilege: both the missing grant and the audit trigger answer with it. */
const PERMISSION_DENIED = { code: '42501' };

describe('the app database role', () => {
  let app: Client;
  let owner: Client;
  // Before useTestServer: afterAll hooks run in registration order, and both connections must close before the server does.
  afterAll(async () => {
    await app?.end();
    await owner?.end();
  });
  const server = useTestServer();
  beforeAll(async () => {
    [app, owner] = await Promise.all([connect(server.appDatabaseUrl), connect(server.databaseUrl)]);
  });

  it('connects as pumpwatch_app, a role that is neither the owner nor a superuser', async () => {
    expect(server.appDatabaseUrl).not.toBe(server.databaseUrl);
    const { rows } = await app.query(
      `SELECT current_user AS "user", (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS super`,
    );
    expect(rows[0]).toEqual({ user: 'pumpwatch_app', super: false });
    const [ownerRow] = (await owner.query(`SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()`))
      .rows;
    expect(ownerRow.owner).not.toBe('pumpwatch_app');
  });

  it('is what the running app itself uses for its pool and its LISTEN connection', async () => {
    const health = await fetch(`${server.baseUrl}/api/health`);
    expect(health.status).toBe(200);
    const { rows } = await owner.query(
      `SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> $1`,
      [(await app.query('SELECT pg_backend_pid() AS pid')).rows[0].pid],
    );
    expect(rows.map((r) => r.usename)).toEqual(['pumpwatch_app']);
  });

  it('derives the same password for every database of the cluster from the owner password', async () => {
    const ownerPassword = decodeURIComponent(new URL(server.databaseUrl).password);
    expect(server.appDatabaseUrl).toBe(appRoleUrl(server.databaseUrl, derivedAppPassword(ownerPassword)));
    expect(new URL(server.appDatabaseUrl).pathname).toBe(new URL(server.databaseUrl).pathname);
    expect(derivedAppPassword(ownerPassword)).not.toContain(ownerPassword);
    expect(derivedAppPassword(ownerPassword)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('may append to the audit log and read it', async () => {
    const inserted = await app.query(
      `INSERT INTO audit_log (actor_type, actor_label, action, entity_type) VALUES ('system', 'role test', 'test.appended', 'test') RETURNING id`,
    );
    const { rows } = await app.query('SELECT action FROM audit_log WHERE id = $1', [inserted.rows[0].id]);
    expect(rows).toEqual([{ action: 'test.appended' }]);
  });

  it.each([
    ['UPDATE', `UPDATE audit_log SET action = 'rewritten'`],
    ['DELETE', 'DELETE FROM audit_log'],
    ['TRUNCATE', 'TRUNCATE audit_log'],
  ])('is refused %s on the audit log (permission denied)', async (_verb, sql) => {
    await expect(app.query(sql)).rejects.toMatchObject({ ...PERMISSION_DENIED, message: expect.stringMatching(/permission denied/) });
  });

  it('may delete or truncate no table at all (pumps and patients included), only delete fleet rows', async () => {
    const tables: string[] = (await owner.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).rows.map(
      (r) => r.tablename,
    );
    expect(tables).toEqual(
      expect.arrayContaining(['pumps', 'patients', 'fills', 'programs', 'clinics', 'users', 'sessions', 'audit_log', 'fleet_rows']),
    );
    for (const table of tables) {
      // The one exception (issue 15): fleet_rows is a read model recomputed from the history, and an explanted pump's row is deleted.
      if (table !== 'fleet_rows') await expect(app.query(`DELETE FROM ${table}`)).rejects.toMatchObject(PERMISSION_DENIED);
      await expect(app.query(`TRUNCATE ${table}`)).rejects.toMatchObject(PERMISSION_DENIED);
    }
    const fleetRowsDelete = await owner.query(`SELECT has_table_privilege('pumpwatch_app', 'fleet_rows', 'DELETE') AS allowed`);
    expect(fleetRowsDelete.rows).toEqual([{ allowed: true }]);
  });

  it('may not run migrations or change the schema', async () => {
    await expect(app.query(`INSERT INTO migrations (timestamp, name) VALUES (1, 'Forged1')`)).rejects.toMatchObject(PERMISSION_DENIED);
    await expect(app.query('ALTER TABLE pumps ADD COLUMN forged text')).rejects.toMatchObject({
      message: expect.stringMatching(/must be owner/),
    });
  });

  it.each([
    ['UPDATE', `UPDATE audit_log SET action = 'rewritten'`, /UPDATE refused/],
    ['DELETE', 'DELETE FROM audit_log', /DELETE refused/],
    ['TRUNCATE', 'TRUNCATE audit_log', /TRUNCATE refused/],
  ])('refuses %s on the audit log to the owner too (a superuser here), by the trigger', async (_verb, sql, message) => {
    await owner.query(
      `INSERT INTO audit_log (actor_type, actor_label, action, entity_type) VALUES ('system', 'owner test', 'test.owner', 'test')`,
    );
    const before = (await owner.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;
    await expect(owner.query(sql)).rejects.toMatchObject({ ...PERMISSION_DENIED, message: expect.stringMatching(message) });
    expect((await owner.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n).toBe(before);
    expect((await owner.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'rewritten'`)).rows[0].n).toBe(0);
  });

  it('keeps serving the API while connected as the role', async () => {
    const res = await fetch(`${server.baseUrl}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });
});

describe('preparing the app database on an external server', () => {
  const admin = process.env.PUMPWATCH_TEST_DATABASE_URL!;
  const suffix = randomBytes(4).toString('hex');
  const ownerRole = `pumpwatch_owner_${suffix}`;
  const databaseName = `pumpwatch_ext_${suffix}`;
  const ownerPassword = `owner-${suffix}`;
  let ownerUrl: string;

  beforeAll(async () => {
    const client = await connect(admin);
    try {
      // An owner as a hosting provider gives it: may create databases, may not manage roles.
      await client.query(`CREATE ROLE ${ownerRole} LOGIN CREATEDB PASSWORD '${ownerPassword}'`);
      await client.query(`CREATE DATABASE ${databaseName} OWNER ${ownerRole}`);
      // Made by the first server's migration on a real deployment; here it must exist before this owner's migration.
      await client.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pumpwatch_app') THEN CREATE ROLE pumpwatch_app NOLOGIN; END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    } finally {
      await client.end();
    }
    const url = new URL(admin);
    url.username = ownerRole;
    url.password = ownerPassword;
    url.pathname = `/${databaseName}`;
    ownerUrl = url.toString();
  });
  afterAll(async () => {
    const client = await connect(admin);
    try {
      await client.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${ownerRole}`);
    } finally {
      await client.end();
    }
  });

  it('falls back to the owner with a loud warning when the owner may not enable the role, and uses DATABASE_APP_URL when given', async () => {
    const warnings: string[] = [];
    const prepared = await prepareAppDatabase({ ownerUrl, warn: (message) => warnings.push(message) });
    expect(prepared).toEqual({ appUrl: ownerUrl, ownerUrl, connectsAs: 'owner' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/connects to PostgreSQL as the database OWNER/);
    expect(warnings[0]).toMatch(/ALTER ROLE pumpwatch_app failed \(permission denied/);
    expect(warnings[0]).toMatch(/DATABASE_APP_URL/);
    // The warning names no secret.
    expect(warnings[0]).not.toContain(ownerPassword);
    expect(warnings[0]).not.toContain(derivedAppPassword(ownerPassword));

    const configured = 'postgres://someone:secret@127.0.0.1:1/elsewhere';
    const again = await prepareAppDatabase({ ownerUrl, configuredAppUrl: configured, warn: (message) => warnings.push(message) });
    expect(again).toEqual({ appUrl: configured, ownerUrl, connectsAs: 'configured' });
    expect(warnings).toHaveLength(1);
  });
});
