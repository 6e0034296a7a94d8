// HTTP adapter for alerts: list, one alert with its history, acknowledge, resolve, snooze.
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  acknowledgeAlertSchema,
  ALERT_NEXT_CURSOR_HEADER,
  ALERT_SEVERITY_COUNTS_HEADER,
  ALERT_TOTAL_COUNT_HEADER,
  alertQuerySchema,
  LAST_EVENT_ID_HEADER,
  resolveAlertSchema,
  snoozeAlertSchema,
} from '@pumpwatch/shared';
import type { AcknowledgeAlertRequest, Alert, AlertDetail, AlertQuery, ResolveAlertRequest, SnoozeAlertRequest } from '@pumpwatch/shared';
import type { Request, Response } from 'express';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { AlertsService } from './alerts.service';

@ApiTags('alerts')
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiQuery({ name: 'clinicId', required: false })
  @ApiQuery({ name: 'status', required: false, description: 'open | acknowledged | resolved; default open and acknowledged' })
  @ApiQuery({ name: 'severity', required: false, description: 'warning | urgent | critical' })
  @ApiQuery({ name: 'pumpId', required: false })
  @ApiQuery({ name: 'patientId', required: false })
  @ApiQuery({ name: 'includeSnoozed', required: false, description: "'true' also lists the alerts you snoozed" })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 500: alerts per page' })
  @ApiQuery({
    name: 'cursor',
    required: false,
    description:
      'the x-next-cursor of the previous page (opaque); absent: the first page; 400 naming `cursor` if this list did not give it out',
  })
  @ApiResponse({
    status: 200,
    description:
      'One page of alerts (a bare array): most severe first, then the most recent raise, then id; keyset paging, stable while alerts change',
    headers: {
      [LAST_EVENT_ID_HEADER]: {
        description: 'the last event the answer reflects (a socket resuming after it misses nothing)',
        schema: { type: 'integer' },
      },
      [ALERT_TOTAL_COUNT_HEADER]: { description: 'alerts matching every filter, on every page together', schema: { type: 'integer' } },
      [ALERT_SEVERITY_COUNTS_HEADER]: {
        description: 'JSON {"critical":n,"urgent":n,"warning":n}: alerts matching every filter except severity',
        schema: { type: 'string' },
      },
      [ALERT_NEXT_CURSOR_HEADER]: { description: 'the cursor of the next page; absent on the last page', schema: { type: 'string' } },
      link: {
        description: '<...>; rel="next": this request with the next page\'s cursor; absent on the last page',
        schema: { type: 'string' },
      },
    },
  })
  async list(
    @CurrentActor() actor: Actor,
    @Query(new ZodValidationPipe(alertQuerySchema)) query: AlertQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Alert[]> {
    const page = await this.alerts.listPage(actor, query);
    response.setHeader(LAST_EVENT_ID_HEADER, String(page.lastEventId));
    response.setHeader(ALERT_TOTAL_COUNT_HEADER, String(page.totalCount));
    response.setHeader(ALERT_SEVERITY_COUNTS_HEADER, JSON.stringify(page.severityCounts));
    if (page.nextCursor !== null) {
      response.setHeader(ALERT_NEXT_CURSOR_HEADER, page.nextCursor);
      response.setHeader('link', `<${nextPageUrl(request, page.nextCursor)}>; rel="next"`);
    }
    return page.alerts;
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('alert')) id: string): Promise<AlertDetail> {
    return this.alerts.get(actor, id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchemaOf(acknowledgeAlertSchema), required: false })
  acknowledge(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('alert')) id: string,
    @Body(new ZodValidationPipe(acknowledgeAlertSchema)) request: AcknowledgeAlertRequest,
  ): Promise<Alert> {
    return this.alerts.acknowledge(actor, id, request.note);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchemaOf(resolveAlertSchema) })
  resolve(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('alert')) id: string,
    @Body(new ZodValidationPipe(resolveAlertSchema)) request: ResolveAlertRequest,
  ): Promise<Alert> {
    return this.alerts.resolve(actor, id, request.note);
  }

  @Post(':id/snooze')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchemaOf(snoozeAlertSchema) })
  snooze(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('alert')) id: string,
    @Body(new ZodValidationPipe(snoozeAlertSchema)) request: SnoozeAlertRequest,
  ): Promise<Alert> {
    return this.alerts.snooze(actor, id, request.minutes);
  }
}

/** The same request (path and every parameter) with the next page's cursor: a client follows `rel="next"` without knowing the query. */
function nextPageUrl(request: Request, cursor: string): string {
  const [path, search] = request.originalUrl.split('?', 2);
  const params = new URLSearchParams(search ?? '');
  params.set('cursor', cursor);
  return `${path}?${params.toString()}`;
}
