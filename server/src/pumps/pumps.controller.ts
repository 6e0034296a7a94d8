// HTTP adapter for pumps: register, fleet list, pump page.
import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  createPumpSchema,
  FLEET_PAGE_DEFAULT_LIMIT,
  FLEET_PAGE_MAX_LIMIT,
  FLEET_SORT_KEYS,
  fleetQuerySchema,
  URGENCY_LEVELS,
} from '@pumpwatch/shared';
import type { CreatePumpRequest, FleetPage, FleetPump, FleetQuery, Pump, PumpDetail } from '@pumpwatch/shared';
import type { Response } from 'express';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { FleetPageService } from '../fleet/fleet-page.service';
import { PumpsService } from './pumps.service';

@ApiTags('pumps')
@Controller('pumps')
export class PumpsController {
  constructor(
    private readonly pumps: PumpsService,
    private readonly fleetPages: FleetPageService,
  ) {}

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createPumpSchema) })
  create(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(createPumpSchema)) request: CreatePumpRequest): Promise<Pump> {
    return this.pumps.create(actor, request);
  }

  @Get()
  @ApiQuery({ name: 'clinicId', required: false })
  @ApiQuery({
    name: 'q',
    required: false,
    description: 'text filter on patient name, MRN, serial number or model, regardless of accents and case',
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    description: `1-${FLEET_PAGE_MAX_LIMIT}: answer one FleetPage {rows, nextCursor, counts, total, lastEventId} instead of the bare array`,
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    description: `the previous page's nextCursor (implies paging; limit defaults to ${FLEET_PAGE_DEFAULT_LIMIT})`,
  })
  @ApiQuery({ name: 'urgency', required: false, description: `one or more of ${URGENCY_LEVELS.join(', ')}, comma-separated` })
  @ApiQuery({
    name: 'sort',
    required: false,
    description: `${FLEET_SORT_KEYS.join(' | ')}; default urgency (ties: urgency, then patient name)`,
  })
  @ApiQuery({ name: 'dir', required: false, description: 'ascending | descending (or asc | desc); default ascending' })
  async fleet(
    @CurrentActor() actor: Actor,
    @Query(new ZodValidationPipe(fleetQuerySchema)) query: FleetQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FleetPump[] | FleetPage> {
    const { paged, page } = await this.fleetPages.page(actor, query);
    // The highest event id the rows reflect: the dashboard resumes its socket from it and misses nothing in between.
    res.setHeader('x-last-event-id', String(page.lastEventId));
    return paged ? page : page.rows;
  }

  @Get(':id')
  detail(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('pump')) id: string): Promise<PumpDetail> {
    return this.pumps.detail(actor, id);
  }
}
