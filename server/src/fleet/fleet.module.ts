// Fleet read model (issue 15): fleet_rows kept current from the event outbox, the reads of GET /api/pumps and the rows pump.changed carries.
import { Module } from '@nestjs/common';
import { PumpUrgencyService } from '../pumps/pump-urgency.service';
import { FleetController } from './fleet.controller';
import { FleetProjector } from './fleet-projector.service';
import { FleetReadService } from './fleet-read.service';
import { FleetRefreshJob } from './fleet-refresh.job';
import { FleetRowAttacher } from './fleet-row-attacher';
import { FleetRowCalculator } from './fleet-row.calculator';

// PumpUrgencyService is stateless (reads open alerts): provided here too, so the fleet needs no import of PumpsModule, which reads the fleet.
@Module({
  controllers: [FleetController],
  providers: [FleetRowCalculator, FleetProjector, FleetReadService, FleetRefreshJob, FleetRowAttacher, PumpUrgencyService],
  exports: [FleetReadService, FleetProjector, FleetRowCalculator],
})
export class FleetModule {}
