// The read-only FHIR R4 API for the hospital record: PumpWatch's patients, pumps, forecasts, refills, alerts and programs as FHIR.
import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { AuditModule } from '../audit/audit.module';
import { CliniciansModule } from '../clinicians/clinicians.module';
import { ClinicsModule } from '../clinics/clinics.module';
import { FleetModule } from '../fleet/fleet.module';
import { PatientsModule } from '../patients/patients.module';
import { PumpsModule } from '../pumps/pumps.module';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { FhirFleetRepository } from './fhir-fleet.repository';
import { FhirResourcesService } from './fhir-resources.service';
import { FhirController } from './fhir.controller';
import { FhirService } from './fhir.service';

@Module({
  imports: [AuditModule, PatientsModule, PumpsModule, SchedulingModule, AlertsModule, CliniciansModule, ClinicsModule, FleetModule],
  controllers: [FhirController],
  providers: [FhirResourcesService, FhirService, FhirFleetRepository],
})
export class FhirModule {}
