// HTTP adapter for sign-in: login (session cookie + bearer token), logout, who am I, change my password.
import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { changePasswordSchema, loginSchema, SESSION_COOKIE } from '@pumpwatch/shared';
import type { ChangePasswordRequest, LoginRequest, LoginResponse, Session, User } from '@pumpwatch/shared';
import { serialize } from 'cookie';
import type { Response } from 'express';
import { EventsGateway } from '../events/events.gateway';
import { APP_OPTIONS } from '../infra/app-options';
import type { AppOptions } from '../infra/app-options';
import { openApiSchemaOf } from '../infra/openapi';
import { requestIdOf } from '../infra/request-id';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { CurrentActor } from './actor';
import type { Actor } from './actor';
import type { AuthenticatedRequest } from './auth.guard';
import { AuthService } from './auth.service';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_OPTIONS) private readonly options: AppOptions,
    private readonly gateway: EventsGateway,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchemaOf(loginSchema) })
  async login(
    @Body(new ZodValidationPipe(loginSchema)) request: LoginRequest,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResponse> {
    const { response, token } = await this.auth.login(request, req.ip ?? 'unknown', requestIdOf(req));
    res.setHeader('Set-Cookie', this.sessionCookie(token, new Date(response.expiresAt)));
    return response;
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(actor);
    if (actor.sessionId && actor.id) await this.gateway.checkSessions(actor.id);
    res.setHeader('Set-Cookie', this.sessionCookie('', new Date(0)));
  }

  @Get('me')
  me(@CurrentActor() actor: Actor): Promise<Session> {
    return this.auth.me(actor);
  }

  @Post('password')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchemaOf(changePasswordSchema) })
  async changePassword(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(changePasswordSchema)) request: ChangePasswordRequest,
  ): Promise<User> {
    const user = await this.auth.changePassword(actor, request);
    // The other sessions of the account were just revoked: their live connections end too (on other instances by the commit's signal).
    await this.gateway.checkSessions(user.id);
    return user;
  }

  /** httpOnly (no script reads it), SameSite=Strict (no cross-site request carries it), Secure behind https. */
  private sessionCookie(token: string, expires: Date): string {
    const secure = (this.options.publicUrl ?? '').toLowerCase().startsWith('https:');
    return serialize(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires });
  }
}
