// Jest global teardown: stops the run's embedded PostgreSQL and removes its folder.
import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const running = globalThis.__PUMPWATCH_TEST_PG__;
  if (!running) return;
  globalThis.__PUMPWATCH_TEST_PG__ = undefined;
  await running.server.stop();
  fs.rmSync(running.dir, { recursive: true, force: true });
}
