// HTTP adapter for patients.
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { createPatientSchema } from '@pumpwatch/shared';
import type { CreatePatientRequest, Patient } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { PatientsService } from './patients.service';

@ApiTags('patients')
@Controller('patients')
export class PatientsController {
  constructor(private readonly patients: PatientsService) {}

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createPatientSchema) })
  create(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(createPatientSchema)) request: CreatePatientRequest): Promise<Patient> {
    return this.patients.create(actor, request);
  }

  @Get()
  @ApiQuery({ name: 'clinicId', required: false })
  list(@CurrentActor() actor: Actor, @Query('clinicId') clinicId?: string): Promise<Patient[]> {
    return this.patients.list(actor, clinicId);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('patient')) id: string): Promise<Patient> {
    return this.patients.get(actor, id);
  }
}
