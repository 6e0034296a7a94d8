// HTTP adapter for a clinic's closures (holidays): no refill slot is offered or booked on them (issue 16).
import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { createClinicClosureSchema } from '@pumpwatch/shared';
import type { ClinicClosure, CreateClinicClosureRequest } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { ClinicClosuresService } from './clinic-closures.service';

@ApiTags('scheduling')
@Controller('clinics/:id/closures')
export class ClinicClosuresController {
  constructor(private readonly closures: ClinicClosuresService) {}

  @Get()
  list(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('clinic')) clinicId: string): Promise<ClinicClosure[]> {
    return this.closures.list(actor, clinicId);
  }

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createClinicClosureSchema) })
  create(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinic')) clinicId: string,
    @Body(new ZodValidationPipe(createClinicClosureSchema)) request: CreateClinicClosureRequest,
  ): Promise<ClinicClosure> {
    return this.closures.create(actor, clinicId, request);
  }

  /** Removes the closure and answers it as it was. */
  @Delete(':closureId')
  remove(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinic')) clinicId: string,
    @Param('closureId') closureId: string,
  ): Promise<ClinicClosure> {
    return this.closures.remove(actor, clinicId, closureId);
  }
}
