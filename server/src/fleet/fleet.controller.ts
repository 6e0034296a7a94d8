// HTTP adapter of the fleet read model: one pump's fleet row (what a dashboard fetches when an event came without it).
import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FleetPump } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { FleetReadService } from './fleet-read.service';

@ApiTags('pumps')
@Controller('pumps')
export class FleetController {
  constructor(private readonly fleet: FleetReadService) {}

  @Get(':id/fleet-row')
  fleetRow(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('pump')) id: string): Promise<FleetPump> {
    return this.fleet.fleetRow(actor, id);
  }
}
