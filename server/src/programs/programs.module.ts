// Programs feature.
import { Module } from '@nestjs/common';
import { ClinicalSafetyModule } from '../clinical-safety/clinical-safety.module';
import { ForecastModule } from '../forecast/forecast.module';
import { ProgramsController } from './programs.controller';
import { ProgramsService } from './programs.service';

@Module({
  imports: [ForecastModule, ClinicalSafetyModule],
  controllers: [ProgramsController],
  providers: [ProgramsService],
  exports: [ProgramsService],
})
export class ProgramsModule {}
