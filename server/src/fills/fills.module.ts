// Fills feature.
import { Module } from '@nestjs/common';
import { ForecastModule } from '../forecast/forecast.module';
import { FillsController } from './fills.controller';
import { FillsService } from './fills.service';

@Module({ imports: [ForecastModule], controllers: [FillsController], providers: [FillsService], exports: [FillsService] })
export class FillsModule {}
