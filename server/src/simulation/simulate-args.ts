// Command line and environment of `npm run simulate`, parsed into the simulator's options with clear refusals.
import { INCIDENT_ALARMS, IncidentAlarm, SIMULATION_CONFIG } from '@pumpwatch/shared';
import { DEMO_SIMULATION_DEFAULTS, SimulationOptions } from './run-simulation';

export const SIMULATE_USAGE = `usage: npm run simulate -- [options]

Feeds simulated telemetry for a clinic's pumps (default: the demo clinic) to a running PumpWatch over its HTTP API:
a backfill of the last --days days, then live uploads. Re-running is safe: the server stores each reading once.

  --url <url>          PumpWatch to feed (default http://localhost:3000)
  --token <pwm_...>    gateway token of the clinic (or PUMPWATCH_GATEWAY_TOKEN); without one, the user below
                       (an administrator) creates a gateway token for the run and revokes it at the end
  --email <email>      user who reads the fleet, any role (or PUMPWATCH_SIMULATE_EMAIL; default the demo admin)
  --password <pw>      (or PUMPWATCH_SIMULATE_PASSWORD, which keeps it out of the process list)
  --clinic <id|name>   clinic to feed (default the demo clinic, or the only one the user sees)
  --days <n>           days to backfill, 0-365 (default ${SIMULATION_CONFIG.defaultBackfillDays})
  --speed <x>          live uploads every ${SIMULATION_CONFIG.readingIntervalHours} h divided by x, 1-43200 (default 1: real time; 1440: a simulated
                       day per real minute)
  --once               post the backfill and exit
  --seed <n>           which pumps go stale, reach ERI, drift in an incident run (default ${SIMULATION_CONFIG.defaultSeed})
  --incident <code>    inject a delivery-interrupting alarm on one pump from now on, and make another over-infuse
                       (without it: a normal day, no incident): ${INCIDENT_ALARMS.join(', ')}
  --help               this text`;

export class SimulateArgsError extends Error {}

const VALUE_OPTIONS = ['url', 'token', 'email', 'password', 'clinic', 'days', 'speed', 'seed', 'incident'] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

/** Returns null for --help. */
export function parseSimulateArgs(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Omit<SimulationOptions, 'now' | 'signal' | 'log'> | null {
  const values: Partial<Record<ValueOption, string>> = {};
  let once = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return null;
    if (arg === '--once') {
      once = true;
      continue;
    }
    const match = /^--([a-z]+)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1] as ValueOption | undefined;
    if (!match || !name || !VALUE_OPTIONS.includes(name)) throw new SimulateArgsError(`unexpected argument "${arg}" (see --help)`);
    const value = match[2] ?? args[++i];
    if (value === undefined || value === '') throw new SimulateArgsError(`--${name} needs a value`);
    values[name] = value;
  }

  const url = values.url ?? 'http://localhost:3000';
  let parsedUrl: URL | null;
  try {
    parsedUrl = new URL(url);
  } catch {
    parsedUrl = null;
  }
  if (!parsedUrl || (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:'))
    throw new SimulateArgsError(`--url must be an http:// or https:// URL, got "${url}"`);

  const days = numberOption('days', values.days, SIMULATION_CONFIG.defaultBackfillDays, 0, 365, true);
  const speed = numberOption('speed', values.speed, 1, 1, 43_200, false);
  const seed = numberOption('seed', values.seed, SIMULATION_CONFIG.defaultSeed, 0, 2 ** 31 - 1, true);
  const incident = values.incident ?? null;
  if (incident !== null && !(INCIDENT_ALARMS as readonly string[]).includes(incident)) {
    throw new SimulateArgsError(`--incident must be one of ${INCIDENT_ALARMS.join(', ')}, got "${incident}"`);
  }
  const email = values.email ?? (env.PUMPWATCH_SIMULATE_EMAIL?.trim() || DEMO_SIMULATION_DEFAULTS.email);
  const password =
    values.password ??
    env.PUMPWATCH_SIMULATE_PASSWORD ??
    (email === DEMO_SIMULATION_DEFAULTS.email ? DEMO_SIMULATION_DEFAULTS.password : undefined);
  if (password === undefined) throw new SimulateArgsError(`--password (or PUMPWATCH_SIMULATE_PASSWORD) is needed for ${email}`);
  const token = values.token ?? (env.PUMPWATCH_GATEWAY_TOKEN?.trim() || null);

  return {
    url: parsedUrl.toString().replace(/\/+$/, ''),
    gatewayToken: token,
    email,
    password,
    clinic: values.clinic ?? null,
    days,
    speed,
    once,
    seed,
    incident: incident as IncidentAlarm | null,
  };
}

function numberOption(name: string, raw: string | undefined, fallback: number, min: number, max: number, whole: boolean): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || (whole && !Number.isInteger(value)) || value < min || value > max) {
    throw new SimulateArgsError(`--${name} must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}
