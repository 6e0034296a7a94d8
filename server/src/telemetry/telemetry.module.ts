// Telemetry feature: gateway ingest, pump status, readings, reservoir reconciliation and pump events (MRI); global so alerts,
// pumps, fills and the forecast can ask for a pump's telemetry status, reported boluses and reconciliation.
import { Global, Module } from '@nestjs/common';
import { PumpEventsController } from './pump-events.controller';
import { PumpEventsService } from './pump-events.service';
import { PumpTelemetryController } from './pump-telemetry.controller';
import { PumpTelemetryService } from './pump-telemetry.service';
import { ReportedBolusService } from './reported-bolus.service';
import { ReservoirReconciliationService } from './reservoir-reconciliation.service';
import { TelemetryIngestService } from './telemetry-ingest.service';
import { TelemetryStatusService } from './telemetry-status.service';
import { TelemetryController } from './telemetry.controller';
import { TelemetryRepository } from './telemetry.repository';

@Global()
@Module({
  controllers: [TelemetryController, PumpTelemetryController, PumpEventsController],
  providers: [
    TelemetryRepository,
    TelemetryStatusService,
    ReportedBolusService,
    ReservoirReconciliationService,
    TelemetryIngestService,
    PumpTelemetryService,
    PumpEventsService,
  ],
  exports: [TelemetryStatusService, ReportedBolusService, ReservoirReconciliationService],
})
export class TelemetryModule {}
