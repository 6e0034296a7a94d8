import { parseSeedArgs, SeedArgsError } from './seed-args';

describe('npm run seed arguments', () => {
  it('reads --pumps, --clinic, --seed and --concurrency, spaced or with =', () => {
    expect(parseSeedArgs(['--pumps', '5000', '--clinic=Regional service', '--seed', '7', '--concurrency=4'])).toEqual({
      pumps: 5000,
      clinicName: 'Regional service',
      seed: 7,
      concurrency: 4,
    });
  });

  it('defaults the clinic (seedFleet names it), the seed and the concurrency', () => {
    expect(parseSeedArgs(['--pumps=30'])).toEqual({ pumps: 30, clinicName: undefined, seed: 1, concurrency: 6 });
  });

  it('answers null for --help', () => {
    expect(parseSeedArgs(['--pumps', '3', '--help'])).toBeNull();
  });

  it.each([
    [[], '--pumps is required'],
    [['--pumps', '0'], '--pumps must be a whole number from 1 to 100000, got "0"'],
    [['--pumps', '2.5'], '--pumps must be a whole number from 1 to 100000, got "2.5"'],
    [['--pumps', '10', '--seed', '-1'], '--seed must be a whole number from 0 to 2147483647, got "-1"'],
    [['--pumps', '10', '--concurrency', '9'], '--concurrency must be a whole number from 1 to 8, got "9"'],
    [['--pumps', '10', '--clinic', '  '], '--clinic must be 1-200 characters'],
    [['--pumps'], '--pumps needs a value'],
    [['--pumps', '10', '--fast'], 'unexpected argument "--fast" (see --help)'],
  ])('refuses %j naming the option', (args, message) => {
    expect(() => parseSeedArgs(args as string[])).toThrow(new SeedArgsError(message));
  });
});
