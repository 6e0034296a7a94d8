// HTTP adapter for a clinic's drug library (dose error reduction limits).
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { drugLibraryOverridesSchema } from '@pumpwatch/shared';
import type { ClinicDrugLibrary, DrugLibraryOverrides } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { DrugLibraryService } from './drug-library.service';

@ApiTags('drug library')
@Controller('clinics/:id/drug-library')
export class DrugLibraryController {
  constructor(private readonly drugLibrary: DrugLibraryService) {}

  @Get()
  get(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('clinic')) clinicId: string): Promise<ClinicDrugLibrary> {
    return this.drugLibrary.get(actor, clinicId);
  }

  @Put()
  @ApiBody({ schema: openApiSchemaOf(drugLibraryOverridesSchema) })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinic')) clinicId: string,
    @Body(new ZodValidationPipe(drugLibraryOverridesSchema)) request: DrugLibraryOverrides,
  ): Promise<ClinicDrugLibrary> {
    return this.drugLibrary.update(actor, clinicId, request);
  }
}
