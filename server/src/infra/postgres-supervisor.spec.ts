// The supervisor's restart policy: backoff between attempts, back to running after a success, give up after the last attempt.
// (The real embedded PostgreSQL killed under a running server: test/api/database-recovery.spec.ts.)
import type { RunningPostgres } from './embedded-postgres';
import { EmbeddedPostgresSupervisor, supervisionMessage } from './postgres-supervisor';

/** A postmaster stand-in whose restarts fail `failures` times, then succeed; it records when each restart was asked for. */
function postmaster(failures: number) {
  let exit: (code: number | null, signal: NodeJS.Signals | null) => void = () => undefined;
  const restarts: number[] = [];
  const started = Date.now();
  const postgres = {
    url: 'postgres://unused',
    adminUrl: 'postgres://unused',
    port: 1,
    databaseDir: '/nonexistent',
    pid: null,
    onUnexpectedExit: (listener: typeof exit) => {
      exit = listener;
    },
    restart: async () => {
      restarts.push(Date.now() - started);
      if (restarts.length <= failures) throw new Error(`could not start (try ${restarts.length})\nlog lines`);
    },
    stop: async () => undefined,
  } satisfies RunningPostgres;
  return { postgres, restarts, die: () => exit(null, 'SIGKILL') };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Polls until `done` holds (a loaded machine delays timers; only the order and the lower bounds of waits matter). */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 10_000; waited += 10) await settle(10);
}

describe('EmbeddedPostgresSupervisor', () => {
  it('restarts a dead postmaster with doubling waits and reports "recovering" until it runs again', async () => {
    const fake = postmaster(2);
    const gaveUp = jest.fn();
    const supervisor = new EmbeddedPostgresSupervisor(fake.postgres, {
      initialDelayMs: 20,
      maxDelayMs: 1000,
      log: () => undefined,
      onGiveUp: gaveUp,
    });
    expect(supervisor.current()).toEqual({ state: 'running' });
    fake.die();
    const recovering = supervisor.current();
    expect(recovering).toMatchObject({ state: 'recovering', attempt: 0, maxAttempts: 8 });
    expect(supervisionMessage(recovering)).toMatch(/stopped at .* being restarted \(first restart attempt pending\)/);
    await until(() => supervisor.current().state === 'running');
    expect(fake.restarts).toHaveLength(3);
    // Waits of 20, 40 and 80 ms: each gap at least the doubled delay.
    expect(fake.restarts[1] - fake.restarts[0]).toBeGreaterThanOrEqual(38);
    expect(fake.restarts[2] - fake.restarts[1]).toBeGreaterThanOrEqual(78);
    expect(supervisor.current()).toEqual({ state: 'running' });
    expect(supervisionMessage(supervisor.current())).toBeNull();
    expect(gaveUp).not.toHaveBeenCalled();
    supervisor.close();
  });

  it('gives up after the last attempt, once, with the first line of the last error', async () => {
    const fake = postmaster(Infinity);
    const gaveUp = jest.fn();
    const supervisor = new EmbeddedPostgresSupervisor(fake.postgres, {
      maxAttempts: 3,
      initialDelayMs: 5,
      maxDelayMs: 10,
      log: () => undefined,
      onGiveUp: gaveUp,
    });
    fake.die();
    await until(() => gaveUp.mock.calls.length > 0);
    await settle(50);
    expect(fake.restarts).toHaveLength(3);
    expect(gaveUp).toHaveBeenCalledTimes(1);
    expect(supervisor.current()).toMatchObject({ state: 'failed', lastError: 'could not start (try 3)' });
    expect(supervisionMessage(supervisor.current())).toBe('the embedded PostgreSQL could not be restarted: could not start (try 3)');
    supervisor.close();
  });

  it('does nothing once closed (a deliberate stop)', async () => {
    const fake = postmaster(0);
    const supervisor = new EmbeddedPostgresSupervisor(fake.postgres, {
      initialDelayMs: 5,
      log: () => undefined,
      onGiveUp: () => undefined,
    });
    supervisor.close();
    fake.die();
    await settle(50);
    expect(fake.restarts).toHaveLength(0);
    expect(supervisor.current()).toEqual({ state: 'running' });
  });
});
