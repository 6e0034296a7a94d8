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
  // The writer and repository too: clinical safety writes patient alerts through them (events, history and audit alike).
  exports: [AlertEngine, AlertsService, AlertInputsLoader, AlertWriter, AlertsRepository],
})
export class AlertsModule {}
