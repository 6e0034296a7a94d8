// HTTP adapter for a clinic's webhook endpoints (administrators).
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { createWebhookEndpointSchema } from '@pumpwatch/shared';
import type { CreatedWebhookEndpoint, CreateWebhookEndpointRequest, WebhookEndpoint } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { WebhooksService } from './webhooks.service';

@ApiTags('paging')
@Controller('clinics/:id/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createWebhookEndpointSchema) })
  create(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinic')) clinicId: string,
    @Body(new ZodValidationPipe(createWebhookEndpointSchema)) request: CreateWebhookEndpointRequest,
  ): Promise<CreatedWebhookEndpoint> {
    return this.webhooks.create(actor, clinicId, request);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('clinic')) clinicId: string): Promise<WebhookEndpoint[]> {
    return this.webhooks.list(actor, clinicId);
  }

  @Post(':webhookId/disable')
  @HttpCode(200)
  disable(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinic')) clinicId: string,
    @Param('webhookId') webhookId: string,
  ): Promise<WebhookEndpoint> {
    return this.webhooks.disable(actor, clinicId, webhookId);
  }
}
