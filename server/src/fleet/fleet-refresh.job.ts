// Every minute: hands the fleet rows the clock has moved away from (volume, telemetry age) to the projector to recompute.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../infra/clock';
import { FLEET_REFRESH_EVERY_MS, FLEET_ROW_SWEEP_AGE_SECONDS } from './fleet-config';
import { FleetProjector } from './fleet-projector.service';

@Injectable()
export class FleetRefreshJob {
  private readonly logger = new Logger('FleetRefreshJob');
  private running = false;

  constructor(
    private readonly projector: FleetProjector,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Interval('fleet-refresh', FLEET_REFRESH_EVERY_MS)
  async run(): Promise<void> {
    // Under a test's manual clock time moves only when the test moves it, and every read refreshes what it shows.
    if (this.running || !this.clock.advancesByItself) return;
    this.running = true;
    try {
      await this.projector.catchUp();
      await this.projector.refreshStale(this.clock.now(), {}, FLEET_ROW_SWEEP_AGE_SECONDS);
    } catch (error) {
      this.logger.error(`fleet row refresh failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
