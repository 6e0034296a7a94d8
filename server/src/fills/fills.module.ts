// Fills feature.
import { Module } from '@nestjs/common';
import { ClinicalSafetyModule } from '../clinical-safety/clinical-safety.module';
import { ForecastModule } from '../forecast/forecast.module';
import { FillsController } from './fills.controller';
import { FillsService } from './fills.service';

@Module({
  imports: [ForecastModule, ClinicalSafetyModule],
  controllers: [FillsController],
  providers: [FillsService],
  exports: [FillsService],
})
export class FillsModule {}
