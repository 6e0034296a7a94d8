// HTTP adapter for clinician availability, free slots, rooms and a pump's refill slots.
import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { clinicianAvailabilitySchema, createRoomSchema, refillSlotsQuerySchema } from '@pumpwatch/shared';
import type {
  ClinicianAvailability,
  ClinicianAvailabilityInput,
  CreateRoomRequest,
  RefillSlotsQuery,
  RefillSlotsResponse,
  Room,
} from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { RefillPlanningService } from './refill-planning.service';

@ApiTags('scheduling')
@Controller()
export class AvailabilityController {
  constructor(private readonly planning: RefillPlanningService) {}

  @Get('clinicians/:id/availability')
  availability(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('clinician')) id: string): Promise<ClinicianAvailability> {
    return this.planning.availability(actor, id);
  }

  @Put('clinicians/:id/availability')
  @ApiBody({ schema: openApiSchemaOf(clinicianAvailabilitySchema) })
  setAvailability(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinician')) id: string,
    @Body(new ZodValidationPipe(clinicianAvailabilitySchema)) request: ClinicianAvailabilityInput,
  ): Promise<ClinicianAvailability> {
    return this.planning.setAvailability(actor, id, request);
  }

  @Get('clinicians/:id/free-slots')
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  freeSlots(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinician')) id: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ) {
    return this.planning.clinicianFreeSlots(actor, id, from, to);
  }

  @Post('rooms')
  @ApiBody({ schema: openApiSchemaOf(createRoomSchema) })
  createRoom(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(createRoomSchema)) request: CreateRoomRequest): Promise<Room> {
    return this.planning.createRoom(actor, request);
  }

  @Get('rooms')
  @ApiQuery({ name: 'clinicId', required: false })
  rooms(@CurrentActor() actor: Actor, @Query('clinicId') clinicId?: string): Promise<Room[]> {
    return this.planning.rooms(actor, clinicId);
  }

  @Get('pumps/:id/refill-slots')
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'clinicianId', required: false })
  refillSlots(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('pump')) id: string,
    @Query(new ZodValidationPipe(refillSlotsQuerySchema)) query: RefillSlotsQuery,
  ): Promise<RefillSlotsResponse> {
    return this.planning.refillSlots(actor, id, query);
  }
}
