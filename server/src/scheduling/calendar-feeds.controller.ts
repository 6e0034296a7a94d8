// HTTP adapter for iCalendar feeds: the public feed (its token is the credential) and the administrator's token routes.
import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { createCalendarFeedSchema } from '@pumpwatch/shared';
import type { CreateCalendarFeedRequest } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { CalendarFeed, CalendarFeedsService } from './calendar-feeds.service';

@ApiTags('scheduling')
@Controller()
export class CalendarFeedsController {
  constructor(private readonly feeds: CalendarFeedsService) {}

  @Get('calendar.ics')
  @Header('content-type', 'text/calendar; charset=utf-8')
  @Header('cache-control', 'no-store')
  @ApiQuery({ name: 'token', required: true })
  ics(@Query('token') token?: string): Promise<string> {
    return this.feeds.ics(typeof token === 'string' ? token : undefined);
  }

  @Post('calendar-feeds')
  @ApiBody({ schema: openApiSchemaOf(createCalendarFeedSchema) })
  create(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(createCalendarFeedSchema)) request: CreateCalendarFeedRequest) {
    return this.feeds.create(actor, request);
  }

  @Get('calendar-feeds')
  @ApiQuery({ name: 'clinicId', required: false })
  list(@CurrentActor() actor: Actor, @Query('clinicId') clinicId?: string): Promise<CalendarFeed[]> {
    return this.feeds.list(actor, clinicId);
  }

  @Post('calendar-feeds/:id/revoke')
  @HttpCode(200)
  revoke(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('calendar feed')) id: string): Promise<CalendarFeed> {
    return this.feeds.revoke(actor, id);
  }
}
