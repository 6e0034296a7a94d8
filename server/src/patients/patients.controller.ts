// HTTP adapter for patients.
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { createPatientSchema } from '@pumpwatch/shared';
import type { CreatePatientRequest, Patient } from '@pumpwatch/shared';
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
  create(@Body(new ZodValidationPipe(createPatientSchema)) request: CreatePatientRequest): Promise<Patient> {
    return this.patients.create(request);
  }

  @Get()
  @ApiQuery({ name: 'clinicId', required: false })
  list(@Query('clinicId') clinicId?: string): Promise<Patient[]> {
    return this.patients.list(clinicId);
  }

  @Get(':id')
  get(@Param('id', new EntityIdPipe('patient')) id: string): Promise<Patient> {
    return this.patients.get(id);
  }
}
