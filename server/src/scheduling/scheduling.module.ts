// Scheduling feature: availability, rooms, refill appointments (no double booking), slots, the fleet planner, worksheets and feeds.
import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { FillsModule } from '../fills/fills.module';
import { ForecastModule } from '../forecast/forecast.module';
import { PumpsModule } from '../pumps/pumps.module';
import { AppointmentsController } from './appointments.controller';
import { AppointmentsService } from './appointments.service';
import { AvailabilityController } from './availability.controller';
import { CalendarFeedsController } from './calendar-feeds.controller';
import { CalendarFeedsService } from './calendar-feeds.service';
import { ClinicClosuresController } from './clinic-closures.controller';
import { ClinicClosuresService } from './clinic-closures.service';
import { RefillDocumentsService } from './refill-documents.service';
import { RefillPlanningService } from './refill-planning.service';
import { SchedulingRepository } from './scheduling.repository';

@Module({
  imports: [AlertsModule, FillsModule, ForecastModule, PumpsModule],
  controllers: [AppointmentsController, AvailabilityController, CalendarFeedsController, ClinicClosuresController],
  providers: [
    SchedulingRepository,
    AppointmentsService,
    RefillPlanningService,
    RefillDocumentsService,
    CalendarFeedsService,
    ClinicClosuresService,
  ],
  // The FHIR API reads refill appointments through the same use case (fhir/).
  exports: [AppointmentsService],
})
export class SchedulingModule {}
