// Configuration from the environment: defaults and the demo switch.
import { loadConfig } from './config';

describe('loadConfig', () => {
  it.each([
    ['no DATABASE_URL: embedded database with demo on', {}, { databaseUrl: null, demo: true, port: 3000, logLevel: 'info' }],
    ['DATABASE_URL: demo off by default', { DATABASE_URL: 'postgres://u:p@db/pw' }, { databaseUrl: 'postgres://u:p@db/pw', demo: false }],
    ['PUMPWATCH_DEMO=on overrides with DATABASE_URL', { DATABASE_URL: 'postgres://u:p@db/pw', PUMPWATCH_DEMO: 'on' }, { demo: true }],
    ['PUMPWATCH_DEMO=off overrides the embedded default', { PUMPWATCH_DEMO: 'off' }, { demo: false }],
    ['PORT and LOG_LEVEL', { PORT: '8080', LOG_LEVEL: 'warn' }, { port: 8080, logLevel: 'warn' }],
    ['PUMPWATCH_DATA_DIR moves the data folder', { PUMPWATCH_DATA_DIR: '/srv/pumpwatch' }, { dataDir: '/srv/pumpwatch' }],
  ])('%s', (_name, env, expected) => {
    expect(loadConfig(env as NodeJS.ProcessEnv)).toMatchObject(expected);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PUMPWATCH_DEMO: 'yes' }, /PUMPWATCH_DEMO/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  ])('refuses %p', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });
});
