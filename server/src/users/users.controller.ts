// HTTP adapter for accounts (administrators).
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { createUserSchema, resetPasswordSchema } from '@pumpwatch/shared';
import type { ResetPasswordRequest, User } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { UsersService } from './users.service';
import type { ValidCreateUserRequest } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

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
  resetPassword(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(resetPasswordSchema)) request: ResetPasswordRequest,
  ): Promise<User> {
    return this.users.resetPassword(actor, id, request);
  }
}
