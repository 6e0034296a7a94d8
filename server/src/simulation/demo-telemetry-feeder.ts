// In demo mode, feeds the demo fleet's simulated telemetry through the app's own HTTP API once it listens (PUMPWATCH_SIMULATE).
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SIMULATION_CONFIG } from '@pumpwatch/shared';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { APP_OPTIONS } from '../infra/app-options';
import type { AppOptions } from '../infra/app-options';
import { Clock } from '../infra/clock';
import { DEMO_SIMULATION_DEFAULTS, errorMessage, runSimulation } from './run-simulation';

/** How long shutdown waits for the feeder to revoke its gateway token. */
const STOP_WAIT_MS = 5_000;

@Injectable()
export class DemoTelemetryFeeder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DemoTelemetry');
  private readonly stop = new AbortController();
  private running: Promise<void> | null = null;

  constructor(
    @Inject(APP_OPTIONS) private readonly options: AppOptions,
    @Inject(Clock) private readonly clock: Clock,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.demo || !this.options.simulate) return;
    // A clock only a test moves would never reach the next upload.
    if (!this.clock.advancesByItself) return;
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    // The same HTTP API a gateway uses, so it needs the port: known only once the app listens.
    server.once('listening', () => {
      this.running = this.feed(ownUrl(server.address() as AddressInfo));
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    if (this.running) await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
  }

  private async feed(url: string): Promise<void> {
    try {
      await runSimulation({
        url,
        gatewayToken: null,
        email: DEMO_SIMULATION_DEFAULTS.email,
        password: DEMO_SIMULATION_DEFAULTS.password,
        clinic: DEMO_SIMULATION_DEFAULTS.clinicName,
        days: SIMULATION_CONFIG.defaultBackfillDays,
        speed: 1,
        once: false,
        // A normal day: incidents come only from `npm run simulate -- --incident <code>`.
        seed: SIMULATION_CONFIG.defaultSeed,
        incident: null,
        now: () => this.clock.now(),
        signal: this.stop.signal,
        log: (message) => this.logger.log(message),
      });
    } catch (error) {
      if (this.stop.signal.aborted) return;
      this.logger.warn(`the demo telemetry feeder stopped: ${errorMessage(error)} (PUMPWATCH_SIMULATE=off turns it off)`);
    }
  }
}

/** The app's own address: a wildcard bind is reached on the loopback. */
function ownUrl(address: AddressInfo): string {
  const wildcard = address.address === '::' || address.address === '0.0.0.0' || address.address === '';
  const host = wildcard
    ? '127.0.0.1'
    : address.family === 'IPv6' || address.address.includes(':')
      ? `[${address.address}]`
      : address.address;
  return `http://${host}:${address.port}`;
}
