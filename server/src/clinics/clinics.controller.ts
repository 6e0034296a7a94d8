// HTTP adapter for clinics.
import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { createClinicSchema } from '@pumpwatch/shared';
import type { Clinic, CreateClinicRequest } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { ClinicsService } from './clinics.service';

@ApiTags('clinics')
@Controller('clinics')
export class ClinicsController {
  constructor(private readonly clinics: ClinicsService) {}

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createClinicSchema) })
  create(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(createClinicSchema)) request: CreateClinicRequest): Promise<Clinic> {
    return this.clinics.create(actor, request);
  }

  @Get()
  list(@CurrentActor() actor: Actor): Promise<Clinic[]> {
    return this.clinics.list(actor);
  }
}
