// Command line of `npm run seed`, parsed into seedFleet's options with refusals that name the option.
export const SEED_USAGE = `usage: npm run seed -- --pumps <n> [--clinic <name>] [--seed <n>] [--concurrency <n>]

Registers a new clinic of <n> patients, each with a pump, its program and a fill, through the same use cases as the API
(events, audit and alert evaluation included), in the database npm start uses (DATABASE_URL, or the embedded PostgreSQL in
PUMPWATCH_DATA_DIR). Deadlines are spread over every urgency relative to now; the same --seed gives the same spread.

  --pumps <n>          pumps to register, 1-100000 (required)
  --clinic <name>      name of the new clinic (default "Load clinic <n>")
  --seed <n>           spread of models, doses, names and deadlines (default 1)
  --concurrency <n>    pumps set up at the same time, 1-8 (default 6)
  --help               this text`;

export class SeedArgsError extends Error {}

export interface SeedArgs {
  pumps: number;
  clinicName: string | undefined;
  seed: number;
  concurrency: number;
}

const VALUE_OPTIONS = ['pumps', 'clinic', 'seed', 'concurrency'] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

/** Returns null for --help. */
export function parseSeedArgs(args: string[]): SeedArgs | null {
  const values: Partial<Record<ValueOption, string>> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return null;
    const match = /^--([a-z]+)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1] as ValueOption | undefined;
    if (!match || !name || !VALUE_OPTIONS.includes(name)) throw new SeedArgsError(`unexpected argument "${arg}" (see --help)`);
    const value = match[2] ?? args[++i];
    if (value === undefined || value === '') throw new SeedArgsError(`--${name} needs a value`);
    values[name] = value;
  }
  if (values.pumps === undefined) throw new SeedArgsError('--pumps is required');
  const clinicName = values.clinic?.trim();
  if (values.clinic !== undefined && (!clinicName || clinicName.length > 200)) throw new SeedArgsError('--clinic must be 1-200 characters');
  return {
    pumps: wholeNumber('pumps', values.pumps, 1, 100_000),
    clinicName,
    seed: values.seed === undefined ? 1 : wholeNumber('seed', values.seed, 0, 2 ** 31 - 1),
    concurrency: values.concurrency === undefined ? 6 : wholeNumber('concurrency', values.concurrency, 1, 8),
  };
}

function wholeNumber(name: ValueOption, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new SeedArgsError(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}
