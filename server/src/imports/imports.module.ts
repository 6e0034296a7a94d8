// Spreadsheet import (issue 17): patients, pumps, last fills and programs from CSV or XLSX, through the same use cases as the API.
import { Module } from '@nestjs/common';
import { FillsModule } from '../fills/fills.module';
import { PatientsModule } from '../patients/patients.module';
import { ProgramsModule } from '../programs/programs.module';
import { PumpsModule } from '../pumps/pumps.module';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

@Module({
  imports: [PatientsModule, PumpsModule, FillsModule, ProgramsModule],
  controllers: [ImportsController],
  providers: [ImportsService],
})
export class ImportsModule {}
