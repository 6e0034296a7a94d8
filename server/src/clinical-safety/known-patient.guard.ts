// Patient-scoped clinical-safety routes answer 404 for an unknown patient, or one of a clinic the user has no role in, before looking
// at the body; 403 when the role there lacks the route's capability.
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { assertMayUseIn } from '../auth/actor';
import type { AuthenticatedRequest } from '../auth/auth.guard';
import { capabilityOf, routeKeyOf } from '../auth/route-permissions';
import { isUuid } from '../infra/entity-id.pipe';

const NOT_FOUND = 'is not a known patient';

@Injectable()
export class KnownPatientGuard implements CanActivate {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const id = request.params.id;
    if (typeof id !== 'string' || !isUuid(id)) throw DomainError.notFound('id', NOT_FOUND);
    const rows: { clinic_id: string }[] = await this.dataSource.query('SELECT clinic_id FROM patients WHERE id = $1', [id]);
    if (rows.length === 0) throw DomainError.notFound('id', NOT_FOUND);
    // The global guard checked the role in some clinic; here it must be held in the patient's own clinic.
    const key = routeKeyOf(context.getClass(), context.getHandler());
    const capability = key ? capabilityOf(key) : undefined;
    if (!request.actor || !capability) throw new DomainError('unauthenticated', 'sign in first');
    assertMayUseIn(request.actor, capability, rows[0].clinic_id, 'id', NOT_FOUND);
    return true;
  }
}
