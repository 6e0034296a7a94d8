// Every minute: hands the sweep to the alert engine (deadlines pass with no event; a missed notification is caught up here).
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '../infra/clock';
import { AlertEngine } from './alert-engine.service';

@Injectable()
export class AlertSweepJob {
  private readonly logger = new Logger('AlertSweepJob');
  private running = false;

  constructor(
    private readonly engine: AlertEngine,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: 'alert-sweep' })
  async run(): Promise<void> {
    // A sweep slower than a minute must not pile up behind itself; under a test's manual clock the test sweeps when it moves time.
    if (this.running || !this.clock.advancesByItself) return;
    this.running = true;
    try {
      await this.engine.sweep();
    } catch (error) {
      this.logger.error(`alert sweep failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
