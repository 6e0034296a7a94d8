// Clinics feature.
import { Module } from '@nestjs/common';
import { ClinicsController } from './clinics.controller';
import { ClinicSettingsService } from './clinic-settings.service';
import { ClinicsService } from './clinics.service';

@Module({ controllers: [ClinicsController], providers: [ClinicsService, ClinicSettingsService], exports: [ClinicsService] })
export class ClinicsModule {}
