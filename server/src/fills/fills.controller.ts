// HTTP adapter for a pump's fills.
import { Body, Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { createFillSchema, Fill } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { KnownPumpGuard } from '../pumps/known-pump.guard';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { FillsService } from './fills.service';
import type { ValidFillRequest } from './fills.service';

@ApiTags('fills')
@UseGuards(KnownPumpGuard)
@Controller('pumps/:id/fills')
export class FillsController {
  constructor(private readonly fills: FillsService) {}

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createFillSchema) })
  record(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('pump')) pumpId: string,
    @Body(new ZodValidationPipe(createFillSchema)) request: ValidFillRequest,
  ): Promise<Fill> {
    return this.fills.record(actor, pumpId, request);
  }

  @Get()
  list(@Param('id', new EntityIdPipe('pump')) pumpId: string): Promise<Fill[]> {
    return this.fills.list(pumpId);
  }
}
