// Use cases of gateway tokens: an administrator creates one for a clinic (secret shown once), lists and revokes them.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CreatedMachineToken, CreateMachineTokenRequest, DomainError, MachineToken } from '@pumpwatch/shared';
import { DataSource, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, assertMayUseIn, clinicIdsWith } from '../auth/actor';
import { MACHINE_TOKEN_PREFIX, newSecret, secretHash } from '../auth/secrets';
import { ClinicEntity } from '../clinics/clinic.entity';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { MachineTokenEntity } from './machine-token.entity';

export function toMachineToken(token: MachineTokenEntity): MachineToken {
  return {
    id: token.id,
    clinicId: token.clinicId,
    name: token.name,
    createdAt: token.createdAt.toISOString(),
    createdByUserId: token.createdByUserId,
    revokedAt: token.revokedAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class MachineTokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async create(actor: Actor, request: CreateMachineTokenRequest): Promise<CreatedMachineToken> {
    assertMayUseIn(actor, 'administer', request.clinicId, 'clinicId', 'is not a known clinic');
    const secret = `${MACHINE_TOKEN_PREFIX}${newSecret()}`;
    return this.dataSource.transaction(async (manager) => {
      if (!(await manager.existsBy(ClinicEntity, { id: request.clinicId })))
        throw DomainError.notFound('clinicId', 'is not a known clinic');
      const token = await manager.save(
        manager.create(MachineTokenEntity, {
          clinicId: request.clinicId,
          name: request.name,
          tokenHash: secretHash(secret),
          createdByUserId: actor.id as string,
          revokedAt: null,
          lastUsedAt: null,
        }),
      );
      await this.audit.record(manager, actor, {
        action: 'machine_token.created',
        entityType: 'machine_token',
        entityId: token.id,
        clinicId: token.clinicId,
        changes: { name: { before: null, after: token.name }, clinicId: { before: null, after: token.clinicId } },
      });
      return { ...toMachineToken(token), token: secret };
    });
  }

  async list(actor: Actor, clinicId?: string): Promise<MachineToken[]> {
    const administered = clinicIdsWith(actor, 'administer');
    if (clinicId !== undefined && (!isUuid(clinicId) || (administered !== null && !administered.includes(clinicId)))) {
      throw DomainError.notFound('clinicId', 'is not a known clinic');
    }
    const clinics = clinicId !== undefined ? [clinicId] : administered;
    const tokens = await this.dataSource.manager.find(MachineTokenEntity, {
      where: clinics === null ? {} : { clinicId: In(clinics) },
      order: { createdAt: 'DESC' },
    });
    return tokens.map(toMachineToken);
  }

  /** Takes effect on the next request of the gateway; revoking twice is harmless. */
  async revoke(actor: Actor, id: string): Promise<MachineToken> {
    return this.dataSource.transaction(async (manager) => {
      const token = isUuid(id) ? await manager.findOne(MachineTokenEntity, { where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
      if (!token) throw DomainError.notFound('id', 'is not a known machine token');
      assertMayUseIn(actor, 'administer', token.clinicId, 'id', 'is not a known machine token');
      if (token.revokedAt) return toMachineToken(token);
      token.revokedAt = this.clock.now();
      await manager.save(token);
      await this.audit.record(manager, actor, {
        action: 'machine_token.revoked',
        entityType: 'machine_token',
        entityId: token.id,
        clinicId: token.clinicId,
        changes: { revokedAt: { before: null, after: token.revokedAt.toISOString() } },
      });
      return toMachineToken(token);
    });
  }
}
