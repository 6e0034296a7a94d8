// HTTP adapter for alerts: list, one alert with its history, acknowledge, resolve, snooze.
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { acknowledgeAlertSchema, alertQuerySchema, LAST_EVENT_ID_HEADER, resolveAlertSchema, snoozeAlertSchema } from '@pumpwatch/shared';
import type { AcknowledgeAlertRequest, Alert, AlertDetail, AlertQuery, ResolveAlertRequest, SnoozeAlertRequest } from '@pumpwatch/shared';
import type { Response } from 'express';
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
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 500' })
  async list(
    @CurrentActor() actor: Actor,
    @Query(new ZodValidationPipe(alertQuerySchema)) query: AlertQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Alert[]> {
    const { alerts, lastEventId } = await this.alerts.listWithLastEventId(actor, query);
    response.setHeader(LAST_EVENT_ID_HEADER, String(lastEventId));
    return alerts;
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
