// Feeds simulated telemetry to a running PumpWatch over its HTTP API: backfill, then live uploads (the CLI and the demo feeder).
import {
  backfillReadings,
  buildTelemetryScenario,
  Clinic,
  IncidentAlarm,
  liveReadings,
  nextReadingInstant,
  PUMP_MODELS,
  PumpDetail,
  ScenarioRoles,
  SIMULATION_CONFIG,
  SimulatedPump,
  TelemetryReadingRequest,
} from '@pumpwatch/shared';
import { PumpWatchApiError, PumpWatchClient } from './pumpwatch-client';

/** What `npm start` seeds (server/src/demo): the simulator's defaults, so that it runs against a demo server with no options. */
export const DEMO_SIMULATION_DEFAULTS = {
  clinicName: 'Demo Spasticity Clinic',
  email: 'demo-admin@pumpwatch.example',
  password: 'demo-admin-password',
} as const;

/** 5,000 readings are about 1.3 MB of JSON: half the server's batch limit, well inside its body limit. */
const BATCH_SIZE = 5_000;
/** The live loop reads the fleet again at most this often, to follow refills and program changes made meanwhile. */
const FLEET_REFRESH_MS = 60_000;
/** Pump pages read in parallel. */
const READ_CONCURRENCY = 6;
/** Longest single sleep: the loop re-checks the clock after a suspend or a clock change. */
const MAX_SLEEP_MS = 60_000;
/** A live upload that failed for a passing reason (server restarting) is retried after this, doubling up to a minute. */
const RETRY_FIRST_MS = 2_000;

export interface SimulationOptions {
  /** Base URL of the running PumpWatch. */
  url: string;
  /** A gateway machine token of the clinic (`pwm_...`); null: create one with the reader's account (administrators) and revoke it at the end. */
  gatewayToken: string | null;
  /** A user of the clinic who reads the fleet (any role): a gateway token can only post telemetry. */
  email: string;
  password: string;
  /** Clinic id or name; null: the demo clinic, else the only clinic the user sees. */
  clinic: string | null;
  /** Days of readings to backfill before going live. */
  days: number;
  /** Uploads per reading interval (12 h): 1 is real time, 1440 one simulated day per real minute. */
  speed: number;
  /** Post the backfill and stop. */
  once: boolean;
  seed: number;
  /** Delivery-interrupting alarm to inject on one pump from the start of this run, with an over-infusing pump (a demo's emergency); null: a normal day. */
  incident: IncidentAlarm | null;
  /** The clock (tests pass the server's). */
  now?: () => Date;
  /** Stops the live loop (and any request in flight). */
  signal?: AbortSignal;
  log?: (message: string) => void;
}

export interface SimulationSummary {
  clinic: { id: string; name: string; createdAt: string };
  /** Active pumps of the clinic, and those that report (programmable ones). */
  pumps: number;
  reportingPumps: number;
  roles: ScenarioRoles;
  /** The gateway token this run created (and revoked at its end); null when one was given. */
  createdGatewayTokenId: string | null;
  /** Readings sent, stored now, already stored (idempotent re-send), and naming a pump the token may not post for. */
  sent: number;
  new: number;
  duplicates: number;
  unknownSerials: number;
  batches: number;
}

/** A refusal the user can act on (wrong password, missing rights): the CLI prints the message alone. */
export class SimulationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationError';
  }
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationSummary> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const client = new PumpWatchClient(options.url, options.signal);
  const reader = new ReaderSession(client, options.email, options.password);

  const summary: SimulationSummary = {
    clinic: { id: '', name: '', createdAt: '' },
    pumps: 0,
    reportingPumps: 0,
    roles: { drifting: null, stale: null, eri: null, incident: null },
    createdGatewayTokenId: null,
    sent: 0,
    new: 0,
    duplicates: 0,
    unknownSerials: 0,
    batches: 0,
  };
  let gatewayToken = options.gatewayToken;
  const post = async (readings: TelemetryReadingRequest[]): Promise<void> => {
    for (let i = 0; i < readings.length; i += BATCH_SIZE) {
      const batch = readings.slice(i, i + BATCH_SIZE);
      const result = await client.postTelemetry(gatewayToken as string, batch).catch((error: unknown) => {
        if (error instanceof PumpWatchApiError && error.status === 401) {
          throw new SimulationError(`the gateway token was refused (revoked, expired or mistyped): ${error.message}`);
        }
        throw error;
      });
      summary.sent += result.received;
      summary.new += result.new;
      summary.duplicates += result.duplicates;
      summary.unknownSerials += result.unknownSerials.length;
      summary.batches++;
      if (result.unknownSerials.length > 0) {
        log(
          `${result.unknownSerials.length} readings name pumps this gateway token may not post for (is it a token of ${summary.clinic.name}?)`,
        );
      }
    }
  };

  try {
    const clinic = pickClinic(await reader.get((token) => client.clinics(token)), options.clinic);
    summary.clinic = { id: clinic.id, name: clinic.name, createdAt: clinic.createdAt };
    if (!gatewayToken) {
      const created = await createGatewayToken(client, reader, clinic);
      gatewayToken = created.token;
      summary.createdGatewayTokenId = created.id;
    }
    let pumps = await readFleet(client, reader, clinic.id, summary);
    const startMs = now().getTime();
    const scenario = buildTelemetryScenario(pumps, {
      seed: options.seed,
      epoch: clinic.createdAt,
      incident: options.incident ? { code: options.incident, from: new Date(startMs).toISOString() } : null,
    });
    summary.roles = scenario.roles;
    log(
      `${clinic.name}: ${summary.reportingPumps} of ${summary.pumps} pumps report (constant-flow pumps have no telemetry); ` +
        `stale ${scenario.roles.stale ?? '-'}, ERI ${scenario.roles.eri ?? '-'}` +
        (options.incident
          ? `; incident: ${options.incident} on ${scenario.roles.incident ?? '-'}, over-infusing ${scenario.roles.drifting ?? '-'}`
          : '; no incident'),
    );

    const backfill = backfillReadings(scenario, pumps, startMs, options.days);
    await post(backfill);
    log(`backfill of ${options.days} days: ${summary.sent} readings, ${summary.new} new, ${summary.duplicates} already stored`);
    if (options.once) return summary;

    const intervalMs = (SIMULATION_CONFIG.readingIntervalHours * 3_600_000) / options.speed;
    log(`live: every pump uploads every ${describeMs(intervalMs)} (speed ${options.speed})`);
    let lastMs = startMs;
    let fleetReadAt = Date.now();
    let retryMs = RETRY_FIRST_MS;
    while (!options.signal?.aborted) {
      const nextMs = nextReadingInstant(scenario, pumps, lastMs, options.speed) ?? lastMs + intervalMs;
      const waitMs = nextMs - now().getTime();
      if (waitMs > 0) {
        await sleep(Math.min(waitMs, MAX_SLEEP_MS), options.signal);
        continue;
      }
      try {
        if (Date.now() - fleetReadAt >= FLEET_REFRESH_MS) {
          pumps = await readFleet(client, reader, clinic.id, summary);
          fleetReadAt = Date.now();
        }
        const toMs = now().getTime();
        const before = summary.new;
        await post(liveReadings(scenario, pumps, lastMs, toMs, options.speed));
        if (summary.new > before) log(`live: ${summary.new - before} readings up to ${new Date(toMs).toISOString()}`);
        lastMs = toMs;
        retryMs = RETRY_FIRST_MS;
      } catch (error) {
        if (options.signal?.aborted || !isPassing(error)) throw error;
        // The same window is sent again on the next try: the server stores each reading once.
        log(`live upload failed (${errorMessage(error)}); retrying in ${describeMs(retryMs)}`);
        await sleep(retryMs, options.signal);
        retryMs = Math.min(retryMs * 2, 60_000);
      }
    }
    return summary;
  } catch (error) {
    if (options.signal?.aborted && isAbort(error)) return summary;
    throw error;
  } finally {
    if (summary.createdGatewayTokenId !== null) {
      // A fresh client: the run's own may be aborted. The token is never needed again, and a leftover one would be a live secret.
      const revoker = new PumpWatchClient(options.url, AbortSignal.timeout(5_000));
      const id = summary.createdGatewayTokenId;
      await new ReaderSession(revoker, options.email, options.password, reader.signedInToken())
        .get((token) => revoker.revokeGatewayToken(token, id))
        .catch((error: unknown) => log(`could not revoke the simulator's gateway token ${id}: ${errorMessage(error)}`));
    }
  }
}

/** Signs in lazily and once more when the session has expired (a live run outlasts the 12-hour session). */
class ReaderSession {
  constructor(
    private readonly client: PumpWatchClient,
    private readonly email: string,
    private readonly password: string,
    private current: string | null = null,
  ) {}

  signedInToken(): string | null {
    return this.current;
  }

  async token(): Promise<string> {
    if (this.current) return this.current;
    try {
      this.current = (await this.client.login(this.email, this.password)).accessToken;
      return this.current;
    } catch (error) {
      if (error instanceof PumpWatchApiError && (error.status === 400 || error.status === 401)) {
        throw new SimulationError(
          `cannot sign in as ${this.email} (${error.message}). Reading the fleet needs a user of the clinic (any role); ` +
            'a gateway token can only post telemetry: give --email and --password (or PUMPWATCH_SIMULATE_EMAIL and PUMPWATCH_SIMULATE_PASSWORD)',
        );
      }
      if (error instanceof PumpWatchApiError && error.status === 429)
        throw new SimulationError(`sign-in of ${this.email} is locked for now: ${error.message}`);
      throw error;
    }
  }

  async get<T>(request: (token: string) => Promise<T>): Promise<T> {
    try {
      return await this.checked(request, await this.token());
    } catch (error) {
      if (!(error instanceof PumpWatchApiError) || error.status !== 401 || this.current === null) throw error;
      this.current = null;
      return this.checked(request, await this.token());
    }
  }

  private async checked<T>(request: (token: string) => Promise<T>, token: string): Promise<T> {
    try {
      return await request(token);
    } catch (error) {
      if (error instanceof PumpWatchApiError && error.code === 'password_change_required') {
        throw new SimulationError(`${this.email} must change the initial password first (sign in to the dashboard once)`);
      }
      throw error;
    }
  }
}

function pickClinic(clinics: Clinic[], wanted: string | null): Clinic {
  const names = clinics.map((c) => `"${c.name}" (${c.id})`).join(', ') || 'none';
  if (wanted !== null) {
    const found = clinics.find((c) => c.id === wanted || c.name.toLowerCase() === wanted.toLowerCase());
    if (!found) throw new SimulationError(`no clinic "${wanted}" among the clinics this user sees: ${names}`);
    return found;
  }
  const demo = clinics.find((c) => c.name === DEMO_SIMULATION_DEFAULTS.clinicName);
  if (demo) return demo;
  if (clinics.length === 1) return clinics[0];
  throw new SimulationError(`which clinic? pass --clinic with one of: ${names}`);
}

async function createGatewayToken(client: PumpWatchClient, reader: ReaderSession, clinic: Clinic): Promise<{ id: string; token: string }> {
  try {
    return await reader.get((token) => client.createGatewayToken(token, clinic.id, `PumpWatch simulator ${new Date().toISOString()}`));
  } catch (error) {
    if (error instanceof PumpWatchApiError && error.status === 403) {
      throw new SimulationError(
        `this user may not create gateway tokens (administrators only): pass --token <gateway token of ${clinic.name}> ` +
          'or set PUMPWATCH_GATEWAY_TOKEN, and keep --email/--password for reading the fleet',
      );
    }
    throw error;
  }
}

/** The clinic's active pumps as the simulator needs them: the pump page of every programmable pump (constant-flow ones never report). */
async function readFleet(
  client: PumpWatchClient,
  reader: ReaderSession,
  clinicId: string,
  summary: SimulationSummary,
): Promise<SimulatedPump[]> {
  const fleet = await reader.get((token) => client.fleet(token, clinicId));
  const reporting = fleet.filter((item) => item.pump.explantedAt === null && PUMP_MODELS[item.pump.modelId].programmable);
  const details: PumpDetail[] = [];
  for (let i = 0; i < reporting.length; i += READ_CONCURRENCY) {
    details.push(
      ...(await Promise.all(
        reporting.slice(i, i + READ_CONCURRENCY).map((item) => reader.get((token) => client.pump(token, item.pump.id))),
      )),
    );
  }
  summary.pumps = fleet.length;
  summary.reportingPumps = details.length;
  return details.map(simulatedPumpOf);
}

export function simulatedPumpOf(detail: PumpDetail): SimulatedPump {
  const { pump } = detail;
  return {
    id: pump.id,
    serialNumber: pump.serialNumber,
    modelId: pump.modelId,
    implantDate: pump.implantDate,
    timeZone: detail.clinic.timeZone,
    lowReservoirAlarmMl: pump.lowReservoirAlarmMl,
    reservoirCapacityMl: pump.reservoirCapacityMl,
    flowRateMlPerDay: pump.flowRateMlPerDay,
    fills: detail.fills.map((f) => ({
      id: f.id,
      filledAt: f.filledAt,
      concentrationMcgPerMl: f.concentrationMcgPerMl,
      volumeMl: f.volumeMl,
      stabilityDays: f.stabilityDays,
      bridgeBolus: f.bridgeBolus,
    })),
    programs: detail.programs.map((p) => ({
      effectiveFrom: p.effectiveFrom,
      steps: p.steps,
      periodicBoluses: p.periodicBoluses,
      patientBolus: p.patientBolus,
    })),
  };
}

/** Network failures and server errors pass (a restart); a refusal (4xx) does not. */
function isPassing(error: unknown): boolean {
  if (error instanceof PumpWatchApiError) return error.status >= 500 || error.status === 429;
  return error instanceof TypeError;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function describeMs(ms: number): string {
  if (ms >= 3_600_000) return `${+(ms / 3_600_000).toFixed(2)} h`;
  if (ms >= 60_000) return `${+(ms / 60_000).toFixed(2)} min`;
  return `${+(ms / 1000).toFixed(2)} s`;
}
