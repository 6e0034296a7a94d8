// HTTP adapter for clinicians.
import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { createClinicianSchema, updateClinicianSchema } from '@pumpwatch/shared';
import type { Clinician, CreateClinicianRequest, UpdateClinicianRequest } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { CliniciansService } from './clinicians.service';

@ApiTags('clinicians')
@Controller('clinicians')
export class CliniciansController {
  constructor(private readonly clinicians: CliniciansService) {}

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createClinicianSchema) })
  create(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(createClinicianSchema)) request: CreateClinicianRequest,
  ): Promise<Clinician> {
    return this.clinicians.create(actor, request);
  }

  @Get()
  @ApiQuery({ name: 'clinicId', required: false })
  list(@CurrentActor() actor: Actor, @Query('clinicId') clinicId?: string): Promise<Clinician[]> {
    return this.clinicians.list(actor, clinicId);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('clinician')) id: string): Promise<Clinician> {
    return this.clinicians.get(actor, id);
  }

  @Patch(':id')
  @ApiBody({ schema: openApiSchemaOf(updateClinicianSchema) })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinician')) id: string,
    @Body(new ZodValidationPipe(updateClinicianSchema)) request: UpdateClinicianRequest,
  ): Promise<Clinician> {
    return this.clinicians.update(actor, id, request);
  }
}
