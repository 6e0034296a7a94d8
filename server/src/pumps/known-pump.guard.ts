// Pump-scoped routes answer 404 for an unknown pump, or one of a clinic the user has no role in, before looking at the body.
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { assertMayUseIn } from '../auth/actor';
import type { AuthenticatedRequest } from '../auth/auth.guard';
import { capabilityOf, routeKeyOf } from '../auth/route-permissions';
import { isUuid } from '../infra/entity-id.pipe';

@Injectable()
export class KnownPumpGuard implements CanActivate {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const id = request.params.id;
    if (typeof id !== 'string' || !isUuid(id)) throw DomainError.notFound('id', 'is not a known pump');
    const rows: { clinic_id: string }[] = await this.dataSource.query('SELECT clinic_id FROM pumps WHERE id = $1', [id]);
    if (rows.length === 0) throw DomainError.notFound('id', 'is not a known pump');
    // The global guard checked the role in some clinic; here it must be held in the pump's own clinic.
    const key = routeKeyOf(context.getClass(), context.getHandler());
    const capability = key ? capabilityOf(key) : undefined;
    if (!request.actor || !capability) throw new DomainError('unauthenticated', 'sign in first');
    assertMayUseIn(request.actor, capability, rows[0].clinic_id, 'id', 'is not a known pump');
    return true;
  }
}
