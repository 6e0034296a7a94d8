// Pumps feature.
import { Module } from '@nestjs/common';
import { ForecastModule } from '../forecast/forecast.module';
import { PumpsController } from './pumps.controller';
import { PumpsService } from './pumps.service';

@Module({ imports: [ForecastModule], controllers: [PumpsController], providers: [PumpsService], exports: [PumpsService] })
export class PumpsModule {}
