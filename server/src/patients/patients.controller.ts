// HTTP adapter for patients.
import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { createPatientSchema, patientListQuerySchema, updatePatientSchema } from '@pumpwatch/shared';
import type { CreatePatientRequest, Patient, PatientListQuery, Pump, UpdatePatientRequest } from '@pumpwatch/shared';
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
  @ApiQuery({ name: 'q', required: false, description: 'text filter on patient name or MRN, every word, regardless of accents and case' })
  list(@CurrentActor() actor: Actor, @Query(new ZodValidationPipe(patientListQuerySchema)) query: PatientListQuery): Promise<Patient[]> {
    return this.patients.list(actor, query);
  }

  /** The patient's pumps, active first, then explanted ones (most recent implant first). */
  @Get(':id/pumps')
  pumps(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('patient')) id: string): Promise<Pump[]> {
    return this.patients.pumps(actor, id);
  }

  /**
   * Withdrawal risk factors, each true, false or null; weightKg, heightCm and spasticityOrigin ('spinal' | 'cerebral'), each or null;
   * mrn, displayName, birthDate and sex corrected (never cleared).
   */
  @Patch(':id')
  @ApiBody({ schema: openApiSchemaOf(updatePatientSchema) })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('patient')) id: string,
    @Body(new ZodValidationPipe(updatePatientSchema)) request: UpdatePatientRequest,
  ): Promise<Patient> {
    return this.patients.update(actor, id, request);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('patient')) id: string): Promise<Patient> {
    return this.patients.get(actor, id);
  }
}
