// Clinics feature.
import { Module } from '@nestjs/common';
import { ClinicsController } from './clinics.controller';
import { ClinicsService } from './clinics.service';

@Module({ controllers: [ClinicsController], providers: [ClinicsService], exports: [ClinicsService] })
export class ClinicsModule {}
