// Pumps feature.
import { Module } from '@nestjs/common';
import { FleetModule } from '../fleet/fleet.module';
import { FleetPageService } from '../fleet/fleet-page.service';
import { ForecastModule } from '../forecast/forecast.module';
import { PumpsController } from './pumps.controller';
import { PumpUrgencyService } from './pump-urgency.service';
import { PumpsService } from './pumps.service';

@Module({
  imports: [ForecastModule, FleetModule],
  controllers: [PumpsController],
  providers: [PumpsService, PumpUrgencyService, FleetPageService],
  exports: [PumpsService, PumpUrgencyService],
})
export class PumpsModule {}
