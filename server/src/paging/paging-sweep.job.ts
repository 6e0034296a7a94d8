// Every minute: hands the paging sweep to the paging service (escalation deadlines pass with no event).
import { Inject, Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '../infra/clock';
import { PagingService } from './paging.service';

@Injectable()
export class PagingSweepJob {
  constructor(
    private readonly paging: PagingService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: 'paging-sweep' })
  async run(): Promise<void> {
    // Under a test's manual clock the test sweeps when it moves time.
    if (!this.clock.advancesByItself) return;
    await this.paging.requestSweep();
  }
}
