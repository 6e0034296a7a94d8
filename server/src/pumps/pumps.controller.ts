// HTTP adapter for pumps: register, fleet list, pump page.
import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { clinicText, createPumpSchema, identifier } from '@pumpwatch/shared';
import type { CreatePumpRequest, FleetPump, Pump, PumpDetail } from '@pumpwatch/shared';
import type { Response } from 'express';
import { z } from 'zod';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { FleetReadService } from '../fleet/fleet-read.service';
import { PumpsService } from './pumps.service';

const fleetQuerySchema = z.object({
  clinicId: identifier(64).optional(),
  q: clinicText(200).optional(),
});

@ApiTags('pumps')
@Controller('pumps')
export class PumpsController {
  constructor(
    private readonly pumps: PumpsService,
    private readonly fleetRows: FleetReadService,
  ) {}

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createPumpSchema) })
  create(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(createPumpSchema)) request: CreatePumpRequest): Promise<Pump> {
    return this.pumps.create(actor, request);
  }

  @Get()
  @ApiQuery({ name: 'clinicId', required: false })
  @ApiQuery({ name: 'q', required: false, description: 'text filter on patient name, MRN, serial number or model, regardless of accents and case' })
  async fleet(
    @CurrentActor() actor: Actor,
    @Query(new ZodValidationPipe(fleetQuerySchema)) query: z.infer<typeof fleetQuerySchema>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FleetPump[]> {
    const answer = await this.fleetRows.fleetRows(actor, query);
    // The highest event id the rows reflect: the dashboard resumes its socket from it and misses nothing in between.
    res.setHeader('x-last-event-id', String(answer.lastEventId));
    return answer.pumps;
  }

  @Get(':id')
  detail(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('pump')) id: string): Promise<PumpDetail> {
    return this.pumps.detail(actor, id);
  }
}
