// HTTP adapter for an alert's pages and escalation state.
import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AlertPages } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { AlertPagesService } from './alert-pages.service';

@ApiTags('paging')
@Controller('alerts')
export class AlertPagesController {
  constructor(private readonly pages: AlertPagesService) {}

  @Get(':id/pages')
  get(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('alert')) id: string): Promise<AlertPages> {
    return this.pages.get(actor, id);
  }
}
