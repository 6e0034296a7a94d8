// HTTP adapter for a clinic's notification channels: e-mail, PagerDuty and Opsgenie (administrators).
import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { createNotificationChannelSchema, updateNotificationChannelSchema } from '@pumpwatch/shared';
import type { NotificationChannel } from '@pumpwatch/shared';
import type { z } from 'zod';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { NotificationChannelsService } from './notification-channels.service';

@ApiTags('paging')
@Controller('clinics/:id/notification-channels')
export class NotificationChannelsController {
  constructor(private readonly channels: NotificationChannelsService) {}

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createNotificationChannelSchema) })
  create(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinic')) clinicId: string,
    @Body(new ZodValidationPipe(createNotificationChannelSchema)) request: z.output<typeof createNotificationChannelSchema>,
  ): Promise<NotificationChannel> {
    return this.channels.create(actor, clinicId, request);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('clinic')) clinicId: string): Promise<NotificationChannel[]> {
    return this.channels.list(actor, clinicId);
  }

  @Patch(':channelId')
  @ApiBody({ schema: openApiSchemaOf(updateNotificationChannelSchema) })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinic')) clinicId: string,
    @Param('channelId') channelId: string,
    @Body(new ZodValidationPipe(updateNotificationChannelSchema)) request: z.output<typeof updateNotificationChannelSchema>,
  ): Promise<NotificationChannel> {
    return this.channels.update(actor, clinicId, channelId, request);
  }

  /** Disables the channel (kept: its pages name it); answers the disabled channel. */
  @Delete(':channelId')
  disable(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinic')) clinicId: string,
    @Param('channelId') channelId: string,
  ): Promise<NotificationChannel> {
    return this.channels.disable(actor, clinicId, channelId);
  }
}
