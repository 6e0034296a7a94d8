// The simulator's command line and the PUMPWATCH_SIMULATE switch: defaults, environment, and clear refusals.
import { loadConfig } from '../infra/config';
import { parseSimulateArgs } from './simulate-args';

describe('parseSimulateArgs', () => {
  it('defaults to the demo server on localhost, the demo admin, 14 days at real time', () => {
    expect(parseSimulateArgs([], {})).toEqual({
      url: 'http://localhost:3000',
      gatewayToken: null,
      email: 'demo-admin@pumpwatch.example',
      password: 'demo-admin-password',
      clinic: null,
      days: 14,
      speed: 1,
      once: false,
      seed: 20261125,
      incident: null,
    });
  });

  it.each([
    ['--url and --once', ['--url', 'http://localhost:3997/', '--once'], {}, { url: 'http://localhost:3997', once: true }],
    [
      '--name=value forms',
      ['--days=3', '--speed=1440', '--seed=9', '--clinic=Demo Spasticity Clinic'],
      {},
      { days: 3, speed: 1440, seed: 9, clinic: 'Demo Spasticity Clinic' },
    ],
    ['--incident', ['--incident', 'motor_stall'], {}, { incident: 'motor_stall' }],
    ['the gateway token from the environment', [], { PUMPWATCH_GATEWAY_TOKEN: 'pwm_abc' }, { gatewayToken: 'pwm_abc' }],
    ['--token wins over the environment', ['--token', 'pwm_cli'], { PUMPWATCH_GATEWAY_TOKEN: 'pwm_env' }, { gatewayToken: 'pwm_cli' }],
    [
      'a reader from the environment',
      [],
      { PUMPWATCH_SIMULATE_EMAIL: 'staff@clinic.example', PUMPWATCH_SIMULATE_PASSWORD: 'a long password' },
      { email: 'staff@clinic.example', password: 'a long password' },
    ],
  ])('%s', (_name, args, env, expected) => {
    expect(parseSimulateArgs(args, env)).toMatchObject(expected);
  });

  it('answers null for --help', () => {
    expect(parseSimulateArgs(['--help'], {})).toBeNull();
  });

  it.each([
    [['--speed', '0'], /--speed must be a number from 1 to 43200/],
    [['--days', '2.5'], /--days must be a whole number from 0 to 365/],
    [['--days', '400'], /--days/],
    [['--incident', 'eri'], /--incident must be one of motor_stall, pump_stopped, memory_error, low_battery_reset/],
    [['--url', 'localhost:3000'], /--url must be an http/],
    [['--speed'], /--speed needs a value/],
    [['--fast'], /unexpected argument "--fast"/],
    [['--email', 'someone@clinic.example'], /--password \(or PUMPWATCH_SIMULATE_PASSWORD\) is needed for someone@clinic.example/],
  ])('refuses %p', (args, message) => {
    expect(() => parseSimulateArgs(args, {})).toThrow(message);
  });
});

describe('PUMPWATCH_SIMULATE', () => {
  it.each([
    ['on by default in demo mode', {}, { demo: true, simulate: true }],
    ['off turns it off', { PUMPWATCH_SIMULATE: 'off' }, { demo: true, simulate: false }],
    ['never without demo mode', { DATABASE_URL: 'postgres://u:p@db/pw' }, { demo: false, simulate: false }],
    ['off with demo off', { PUMPWATCH_DEMO: 'off', PUMPWATCH_SIMULATE: 'off' }, { demo: false, simulate: false }],
  ])('%s', (_name, env, expected) => {
    expect(loadConfig(env as NodeJS.ProcessEnv)).toMatchObject(expected);
  });

  it.each([
    [{ PUMPWATCH_SIMULATE: 'yes' }, /PUMPWATCH_SIMULATE must be on or off/],
    [{ DATABASE_URL: 'postgres://u:p@db/pw', PUMPWATCH_SIMULATE: 'on' }, /PUMPWATCH_SIMULATE=on needs demo mode/],
  ])('refuses %p', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });
});
