// A child process of the alert delivery benchmark: holds its share of the socket.io clients, so their parsing runs on its own
// event loop, not on the server's. Per round it reports when each of its clients first received one of the awaited events.
//
// Clock: process.hrtime.bigint() here and in the benchmark's process. Node reads it from CLOCK_MONOTONIC (libuv's uv_hrtime),
// which on Linux is one system-wide clock (time since boot, the same for every process), so an instant taken here and one taken
// in the parent compare directly (not performance.now(): its origin is each process's own start).
import { io, Socket } from 'socket.io-client';

/** Messages from the benchmark. */
export type ToClients = { type: 'arm'; round: number; events: string[] } | { type: 'close' };

/** Messages to the benchmark; instants are process.hrtime.bigint() in milliseconds (see above). */
export type FromClients =
  | { type: 'connected'; clients: number }
  | { type: 'armed'; round: number }
  | { type: 'received'; round: number; receivedAtMs: number[]; eventId: number | null; firstPayload: unknown }
  | { type: 'failed'; message: string };

export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

async function main(): Promise<void> {
  const send = (message: FromClients): void => {
    process.send?.(message);
  };
  const url = process.env.BENCH_URL as string;
  const token = process.env.BENCH_TOKEN as string;
  const count = Number(process.env.BENCH_WORKER_CLIENTS);
  const clients: Socket[] = [];
  for (let i = 0; i < count; i++)
    // A connect timeout of a minute (socket.io's default is 20 s): 1,000 handshakes on a loaded 2-core machine take longer.
    clients.push(io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60_000, auth: { token } }));
  await Promise.all(
    clients.map(
      (client) =>
        new Promise<void>((resolve, reject) => {
          client.once('connect', () => resolve());
          client.once('connect_error', reject);
        }),
    ),
  );
  send({ type: 'connected', clients: clients.length });

  process.on('message', (message: ToClients) => {
    if (message.type === 'close') {
      for (const client of clients) client.close();
      process.disconnect?.();
      return;
    }
    const receivedAtMs: number[] = [];
    let eventId: number | null = null;
    let firstPayload: unknown = null;
    for (const client of clients) {
      const onEvent = (payload?: { eventId?: number }): void => {
        const at = monotonicMs();
        for (const name of message.events) client.off(name, onEvent);
        if (receivedAtMs.length === 0) firstPayload = payload ?? null;
        eventId ??= typeof payload?.eventId === 'number' ? payload.eventId : null;
        receivedAtMs.push(at);
        if (receivedAtMs.length === clients.length) send({ type: 'received', round: message.round, receivedAtMs, eventId, firstPayload });
      };
      for (const name of message.events) client.on(name, onEvent);
    }
    send({ type: 'armed', round: message.round });
  });
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.send?.({ type: 'failed', message: error.stack ?? error.message } satisfies FromClients);
    process.exit(1);
  });
}
