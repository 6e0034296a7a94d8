// The global guard: reads the route's row in the permission table, authenticates, and checks the role (fails closed).
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { CSRF_HEADER, DomainError, mayUse, ROUTES_BEFORE_PASSWORD_CHANGE, SESSION_COOKIE } from '@pumpwatch/shared';
import { parse as parseCookies } from 'cookie';
import type { Request } from 'express';
import { requestIdOf } from '../infra/request-id';
import type { Actor } from './actor';
import { AuthService } from './auth.service';
import { capabilityOf, routeKeyOf } from './route-permissions';
import { sameSecret } from './secrets';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type AuthenticatedRequest = Request & { actor?: Actor; id?: unknown };

/** The credential of a request: the bearer header wins; the dashboard's cookie otherwise. */
export function credentialOf(
  authorization: string | undefined,
  cookieHeader: string | undefined,
): { secret: string; viaCookie: boolean } | null | 'malformed' {
  if (authorization !== undefined) {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization.trim());
    return match ? { secret: match[1], viaCookie: false } : 'malformed';
  }
  const secret = cookieHeader ? parseCookies(cookieHeader)[SESSION_COOKIE] : undefined;
  return secret ? { secret, viaCookie: true } : null;
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const key = routeKeyOf(context.getClass(), context.getHandler());
    const capability = key ? capabilityOf(key) : undefined;
    if (!key || !capability) throw DomainError.forbidden('this route has no permission row');
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const requestId = requestIdOf(request);

    const credential = credentialOf(request.headers.authorization, request.headers.cookie);
    let actor: Actor | null = null;
    if (credential === 'malformed') {
      if (capability !== 'public') throw new DomainError('unauthenticated', 'the Authorization header must be "Bearer <accessToken>"');
    } else if (credential) {
      actor = await this.auth.authenticate(credential.secret, credential.viaCookie, requestId);
    }
    if (capability === 'public') {
      if (actor) request.actor = actor;
      return true;
    }
    if (!actor) throw new DomainError('unauthenticated', 'sign in first: the session is missing, expired or revoked');

    // Double submit: a cross-site page can make the browser send the cookie, never read the session's token.
    if (actor.viaCookie && !SAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !actor.csrfToken || !sameSecret(header, actor.csrfToken)) {
        throw new DomainError('csrf_token_invalid', `a write made with the session cookie needs the ${CSRF_HEADER} header of the session`);
      }
    }
    if (actor.kind === 'machine') {
      if (capability !== 'telemetry') throw DomainError.forbidden('a gateway token may only post telemetry');
    } else {
      if (actor.mustChangePassword && !(ROUTES_BEFORE_PASSWORD_CHANGE as readonly string[]).includes(key)) {
        throw new DomainError('password_change_required', 'change your password first (POST /api/auth/password)');
      }
      if (!mayUse(actor, capability)) throw DomainError.forbidden(`your role does not allow this (needs ${capability})`);
    }
    request.actor = actor;
    return true;
  }
}
