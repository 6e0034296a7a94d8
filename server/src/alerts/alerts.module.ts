// Alerts feature: the engine (event cursor and minute sweep), the user actions and their routes.
import { Module } from '@nestjs/common';
import { AlertEngine } from './alert-engine.service';
import { AlertInputsLoader } from './alert-inputs.loader';
import { AlertSweepJob } from './alert-sweep.job';
import { AlertWriter } from './alert-writer';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

@Module({
  controllers: [AlertsController],
  providers: [AlertsRepository, AlertWriter, AlertInputsLoader, AlertEngine, AlertSweepJob, AlertsService],
  exports: [AlertEngine, AlertsService],
})
export class AlertsModule {}
