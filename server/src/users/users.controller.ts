// HTTP adapter for accounts (administrators).
import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { createUserSchema, resetPasswordSchema, setClinicRoleSchema } from '@pumpwatch/shared';
import type { ResetPasswordRequest, ResetPasswordResponse, SetClinicRoleRequest, User } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EventsGateway } from '../events/events.gateway';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { UsersService } from './users.service';
import type { ValidCreateUserRequest } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly gateway: EventsGateway,
  ) {}

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createUserSchema) })
  create(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(createUserSchema)) request: ValidCreateUserRequest): Promise<User> {
    return this.users.create(actor, request);
  }

  @Get()
  list(@CurrentActor() actor: Actor): Promise<User[]> {
    return this.users.list(actor);
  }

  @Post(':id/password')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchemaOf(resetPasswordSchema) })
  async resetPassword(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(resetPasswordSchema)) request: ResetPasswordRequest,
  ): Promise<ResetPasswordResponse> {
    const user = await this.users.resetPassword(actor, id, request);
    // Every session of the user was just revoked: their live connections end too (on other instances by the commit's signal).
    await this.gateway.checkSessions(user.id);
    return user;
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  async deactivate(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<User> {
    const user = await this.users.deactivate(actor, id);
    await this.gateway.checkSessions(user.id);
    return user;
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  reactivate(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<User> {
    return this.users.reactivate(actor, id);
  }

  @Put(':id/clinic-roles/:clinicId')
  @ApiBody({ schema: openApiSchemaOf(setClinicRoleSchema) })
  async setClinicRole(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('clinicId') clinicId: string,
    @Body(new ZodValidationPipe(setClinicRoleSchema)) request: SetClinicRoleRequest,
  ): Promise<User> {
    const user = await this.users.setClinicRole(actor, id, clinicId, request);
    await this.gateway.checkSessions(user.id);
    return user;
  }
}
