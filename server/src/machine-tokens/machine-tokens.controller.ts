// HTTP adapter for telemetry gateway tokens (administrators).
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { createMachineTokenSchema, identifier } from '@pumpwatch/shared';
import type { CreatedMachineToken, CreateMachineTokenRequest, MachineToken } from '@pumpwatch/shared';
import { z } from 'zod';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { MachineTokensService } from './machine-tokens.service';

const listQuerySchema = z.object({ clinicId: identifier(64).optional() });

@ApiTags('machine-tokens')
@Controller('machine-tokens')
export class MachineTokensController {
  constructor(private readonly tokens: MachineTokensService) {}

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createMachineTokenSchema) })
  create(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(createMachineTokenSchema)) request: CreateMachineTokenRequest,
  ): Promise<CreatedMachineToken> {
    return this.tokens.create(actor, request);
  }

  @Get()
  @ApiQuery({ name: 'clinicId', required: false })
  list(
    @CurrentActor() actor: Actor,
    @Query(new ZodValidationPipe(listQuerySchema)) query: z.infer<typeof listQuerySchema>,
  ): Promise<MachineToken[]> {
    return this.tokens.list(actor, query.clinicId);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  revoke(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<MachineToken> {
    return this.tokens.revoke(actor, id);
  }
}
