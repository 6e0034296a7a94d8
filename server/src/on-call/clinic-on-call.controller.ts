// HTTP adapter for a clinic's on-call settings and state: its escalation policy and who is on call now.
import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { escalationPolicySchema, onCallNowQuerySchema } from '@pumpwatch/shared';
import type { EscalationPolicy, EscalationPolicyRequest, OnCallNow } from '@pumpwatch/shared';
import type { z } from 'zod';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { EscalationPolicyService } from './escalation-policy.service';
import { OnCallRosterService } from './on-call-roster.service';

@ApiTags('on-call')
@Controller('clinics/:id')
export class ClinicOnCallController {
  constructor(
    private readonly roster: OnCallRosterService,
    private readonly policies: EscalationPolicyService,
  ) {}

  @Get('on-call-now')
  @ApiQuery({ name: 'at', required: false, description: 'Instant to answer for (default now)' })
  onCallNow(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinic')) clinicId: string,
    @Query(new ZodValidationPipe(onCallNowQuerySchema)) query: z.infer<typeof onCallNowQuerySchema>,
  ): Promise<OnCallNow> {
    return this.roster.onCallNow(actor, clinicId, query.at);
  }

  @Get('escalation-policy')
  getPolicy(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('clinic')) clinicId: string): Promise<EscalationPolicy> {
    return this.policies.get(actor, clinicId);
  }

  @Put('escalation-policy')
  @ApiBody({ schema: openApiSchemaOf(escalationPolicySchema) })
  setPolicy(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinic')) clinicId: string,
    @Body(new ZodValidationPipe(escalationPolicySchema)) request: EscalationPolicyRequest,
  ): Promise<EscalationPolicy> {
    return this.policies.set(actor, clinicId, request);
  }
}
