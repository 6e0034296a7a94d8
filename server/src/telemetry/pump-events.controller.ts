// HTTP adapter for pump events: record an MRI, list, clear the post-MRI check.
import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { clearPumpEventSchema, createPumpEventSchema, PumpEvent } from '@pumpwatch/shared';
import type { ClearPumpEventRequest, CreatePumpEventRequest } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { KnownPumpGuard } from '../pumps/known-pump.guard';
import { PumpEventsService } from './pump-events.service';

@ApiTags('telemetry')
@UseGuards(KnownPumpGuard)
@Controller('pumps/:id/events')
export class PumpEventsController {
  constructor(private readonly pumpEvents: PumpEventsService) {}

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createPumpEventSchema) })
  record(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('pump')) pumpId: string,
    @Body(new ZodValidationPipe(createPumpEventSchema)) request: CreatePumpEventRequest,
  ): Promise<PumpEvent> {
    return this.pumpEvents.record(actor, pumpId, request);
  }

  @Get()
  list(@Param('id', new EntityIdPipe('pump')) pumpId: string): Promise<PumpEvent[]> {
    return this.pumpEvents.list(pumpId);
  }

  @Post(':eventId/clear')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchemaOf(clearPumpEventSchema) })
  clear(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('pump')) pumpId: string,
    @Param('eventId') eventId: string,
    @Body(new ZodValidationPipe(clearPumpEventSchema)) request: ClearPumpEventRequest,
  ): Promise<PumpEvent> {
    return this.pumpEvents.clear(actor, pumpId, eventId, request);
  }
}
