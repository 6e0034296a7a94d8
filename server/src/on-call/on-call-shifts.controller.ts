// HTTP adapter for on-call shifts.
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { createOnCallShiftSchema, onCallShiftQuerySchema } from '@pumpwatch/shared';
import type { OnCallShift, OnCallShiftQuery } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { OnCallShiftsService } from './on-call-shifts.service';
import type { ValidOnCallShiftRequest } from './on-call-shifts.service';

@ApiTags('on-call')
@Controller('on-call-shifts')
export class OnCallShiftsController {
  constructor(private readonly shifts: OnCallShiftsService) {}

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createOnCallShiftSchema) })
  create(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(createOnCallShiftSchema)) request: ValidOnCallShiftRequest,
  ): Promise<OnCallShift> {
    return this.shifts.create(actor, request);
  }

  @Get()
  @ApiQuery({ name: 'clinicId', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'Shifts ending after this instant (default now)' })
  @ApiQuery({ name: 'to', required: false, description: 'Shifts starting before this instant' })
  @ApiQuery({ name: 'includeCancelled', required: false, enum: ['true', 'false'] })
  list(
    @CurrentActor() actor: Actor,
    @Query(new ZodValidationPipe(onCallShiftQuerySchema)) query: OnCallShiftQuery,
  ): Promise<OnCallShift[]> {
    return this.shifts.list(actor, query);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('on-call shift')) id: string): Promise<OnCallShift> {
    return this.shifts.cancel(actor, id);
  }
}
