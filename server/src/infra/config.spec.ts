// Configuration from the environment: defaults, the demo switch and the hardening settings, with clear refusals.
import { loadConfig } from './config';

describe('loadConfig', () => {
  it.each([
    ['no DATABASE_URL: embedded database with demo on', {}, { databaseUrl: null, demo: true, port: 3000, logLevel: 'info' }],
    ['DATABASE_URL: demo off by default', { DATABASE_URL: 'postgres://u:p@db/pw' }, { databaseUrl: 'postgres://u:p@db/pw', demo: false }],
    ['PUMPWATCH_DEMO=on overrides with DATABASE_URL', { DATABASE_URL: 'postgres://u:p@db/pw', PUMPWATCH_DEMO: 'on' }, { demo: true }],
    ['PUMPWATCH_DEMO=off overrides the embedded default', { PUMPWATCH_DEMO: 'off' }, { demo: false }],
    ['PORT and LOG_LEVEL', { PORT: '8080', LOG_LEVEL: 'warn' }, { port: 8080, logLevel: 'warn' }],
    ['PUMPWATCH_DATA_DIR moves the data folder', { PUMPWATCH_DATA_DIR: '/srv/pumpwatch' }, { dataDir: '/srv/pumpwatch' }],
    [
      'hardening defaults: same origin only, 12-hour sessions, 1mb bodies, no first admin, no app role URL',
      {},
      { databaseAppUrl: null, publicUrl: null, corsOrigins: [], adminEmail: null, adminPassword: null, sessionHours: 12, bodyLimit: '1mb' },
    ],
    [
      'DATABASE_APP_URL names the app login role',
      { DATABASE_APP_URL: 'postgresql://app:s@db/pw' },
      { databaseAppUrl: 'postgresql://app:s@db/pw' },
    ],
    [
      'PUMPWATCH_PUBLIC_URL without its trailing slash',
      { PUMPWATCH_PUBLIC_URL: 'https://pumps.example.org/' },
      { publicUrl: 'https://pumps.example.org' },
    ],
    [
      'PUMPWATCH_CORS_ORIGINS as a comma list of origins',
      { PUMPWATCH_CORS_ORIGINS: 'https://a.example.org, http://localhost:5173/ ,' },
      { corsOrigins: ['https://a.example.org', 'http://localhost:5173'] },
    ],
    [
      'the first administrator from both variables',
      { PUMPWATCH_ADMIN_EMAIL: 'admin@clinic.example', PUMPWATCH_ADMIN_PASSWORD: ' long secret ' },
      { adminEmail: 'admin@clinic.example', adminPassword: ' long secret ' },
    ],
    ['PUMPWATCH_SESSION_HOURS accepts fractions', { PUMPWATCH_SESSION_HOURS: '0.5' }, { sessionHours: 0.5 }],
    ['PUMPWATCH_BODY_LIMIT in the body parser notation', { PUMPWATCH_BODY_LIMIT: '256KB' }, { bodyLimit: '256kb' }],
    ['no reverse proxy trusted by default', {}, { trustProxyHops: 0 }],
    ['PUMPWATCH_TRUST_PROXY counts the proxies in front', { PUMPWATCH_TRUST_PROXY: '2' }, { trustProxyHops: 2 }],
    ['source maps not served by default', {}, { serveSourceMaps: false }],
    ['PUMPWATCH_SERVE_SOURCE_MAPS=on serves them', { PUMPWATCH_SERVE_SOURCE_MAPS: 'On' }, { serveSourceMaps: true }],
  ])('%s', (_name, env, expected) => {
    expect(loadConfig(env as NodeJS.ProcessEnv)).toMatchObject(expected);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PUMPWATCH_TRUST_PROXY: 'true' }, /PUMPWATCH_TRUST_PROXY/],
    [{ PUMPWATCH_DEMO: 'yes' }, /PUMPWATCH_DEMO/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ DATABASE_URL: 'mysql://u:p@db/pw' }, /DATABASE_URL must be a postgres/],
    [{ DATABASE_APP_URL: 'not a url' }, /DATABASE_APP_URL must be a postgres/],
    [{ PUMPWATCH_PUBLIC_URL: 'ftp://pumps.example.org' }, /PUMPWATCH_PUBLIC_URL must be an http/],
    [{ PUMPWATCH_PUBLIC_URL: 'pumps.example.org' }, /PUMPWATCH_PUBLIC_URL must be an http/],
    [{ PUMPWATCH_CORS_ORIGINS: '*' }, /PUMPWATCH_CORS_ORIGINS must list origins/],
    [{ PUMPWATCH_CORS_ORIGINS: 'https://a.example.org/app' }, /PUMPWATCH_CORS_ORIGINS must list origins/],
    [{ PUMPWATCH_CORS_ORIGINS: 'https://*.example.org' }, /PUMPWATCH_CORS_ORIGINS must list origins/],
    [{ PUMPWATCH_ADMIN_EMAIL: 'admin@clinic.example' }, /PUMPWATCH_ADMIN_EMAIL and PUMPWATCH_ADMIN_PASSWORD go together/],
    [{ PUMPWATCH_ADMIN_PASSWORD: 'a long secret' }, /go together/],
    [{ PUMPWATCH_ADMIN_EMAIL: 'admin', PUMPWATCH_ADMIN_PASSWORD: 'a long secret' }, /PUMPWATCH_ADMIN_EMAIL must be an email/],
    [{ PUMPWATCH_SESSION_HOURS: '0' }, /PUMPWATCH_SESSION_HOURS must be a positive number/],
    [{ PUMPWATCH_SESSION_HOURS: 'twelve' }, /PUMPWATCH_SESSION_HOURS/],
    [{ PUMPWATCH_BODY_LIMIT: 'huge' }, /PUMPWATCH_BODY_LIMIT must be a size/],
    [{ PUMPWATCH_BODY_LIMIT: '0kb' }, /PUMPWATCH_BODY_LIMIT/],
    [{ PUMPWATCH_SERVE_SOURCE_MAPS: 'yes' }, /PUMPWATCH_SERVE_SOURCE_MAPS must be on or off/],
  ])('refuses %p', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });

  it('never repeats a database URL (it holds a password) in its refusal', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:secret-pw@db/pw' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret-pw') }),
    );
  });
});
