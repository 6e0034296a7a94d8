// Drug library feature (issue 13): each clinic's soft and hard limits, read by programs, fills, taper plans, the planner and telemetry.
import { Global, Module } from '@nestjs/common';
import { DrugLibraryController } from './drug-library.controller';
import { DrugLibraryRepository } from './drug-library.repository';
import { DrugLibraryService } from './drug-library.service';

@Global()
@Module({ controllers: [DrugLibraryController], providers: [DrugLibraryRepository, DrugLibraryService], exports: [DrugLibraryService] })
export class DrugLibraryModule {}
