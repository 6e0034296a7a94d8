// Watches the embedded PostgreSQL: when the postmaster dies it is started again with backoff; after too many failed attempts the
// process gives up (exits non-zero in main.ts) so that its own supervisor (systemd, Docker) restarts everything.
import type { RunningPostgres } from './embedded-postgres';

/** What /api/health and /api/health/ready read: `recovering` while the database is being restarted. */
export type DatabaseSupervisionState =
  | { state: 'running' }
  | { state: 'recovering'; since: Date; attempt: number; maxAttempts: number; lastError: string | null }
  | { state: 'failed'; since: Date; lastError: string | null };

export interface DatabaseSupervision {
  current(): DatabaseSupervisionState;
}

export interface SupervisorOptions {
  /** Restart attempts before giving up; default 8 (about 45 s of backoff). */
  maxAttempts?: number;
  /** First wait before a restart, doubled after each failure up to maxDelayMs; defaults 500 ms and 10 s. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  log?: (message: string) => void;
  /** Called once when every attempt failed: the caller exits non-zero. */
  onGiveUp: (error: Error) => void;
}

export class EmbeddedPostgresSupervisor implements DatabaseSupervision {
  private state: DatabaseSupervisionState = { state: 'running' };
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly maxAttempts: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly log: (message: string) => void;

  constructor(
    private readonly postgres: RunningPostgres,
    private readonly options: SupervisorOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.initialDelayMs = options.initialDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.log = options.log ?? ((message) => console.warn(message));
    postgres.onUnexpectedExit((code, signal) => this.died(`exited with ${signal ?? `code ${code}`}`));
  }

  current(): DatabaseSupervisionState {
    return this.state;
  }

  /** Stop watching (before a deliberate stop of the database). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private died(how: string): void {
    if (this.closed || this.state.state !== 'running') return;
    this.log(`PumpWatch: the embedded PostgreSQL ${how}; restarting it`);
    this.state = { state: 'recovering', since: new Date(), attempt: 0, maxAttempts: this.maxAttempts, lastError: null };
    this.schedule(this.initialDelayMs);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.attempt(delayMs);
    }, delayMs);
  }

  private async attempt(delayMs: number): Promise<void> {
    if (this.closed || this.state.state !== 'recovering') return;
    const recovering = { ...this.state, attempt: this.state.attempt + 1 };
    const attempt = recovering.attempt;
    this.state = recovering;
    try {
      await this.postgres.restart();
      if (this.closed) return;
      this.log(`PumpWatch: the embedded PostgreSQL runs again (attempt ${attempt})`);
      this.state = { state: 'running' };
    } catch (error) {
      const message = (error as Error).message.split('\n')[0];
      if (this.closed) return;
      if (attempt >= this.maxAttempts) {
        this.state = { state: 'failed', since: new Date(), lastError: message };
        this.log(`PumpWatch: the embedded PostgreSQL could not be restarted after ${attempt} attempts: ${message}`);
        this.options.onGiveUp(error as Error);
        return;
      }
      this.state = { ...recovering, lastError: message };
      this.log(`PumpWatch: restart attempt ${attempt} of the embedded PostgreSQL failed: ${message}`);
      this.schedule(Math.min(delayMs * 2, this.maxDelayMs));
    }
  }
}

/** The status text health answers carry while the database is not running under supervision. */
export function supervisionMessage(state: DatabaseSupervisionState): string | null {
  if (state.state === 'recovering') {
    const progress = state.attempt === 0 ? 'first restart attempt pending' : `restart attempt ${state.attempt} of ${state.maxAttempts}`;
    return `the embedded PostgreSQL stopped at ${state.since.toISOString()} and is being restarted (${progress})`;
  }
  if (state.state === 'failed') return `the embedded PostgreSQL could not be restarted: ${state.lastError ?? 'unknown error'}`;
  return null;
}
