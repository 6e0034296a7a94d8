// Use cases of accounts: an administrator creates users in the clinics they administer, lists them, resets a password.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError, ResetPasswordRequest, User } from '@pumpwatch/shared';
import type { createUserSchema } from '@pumpwatch/shared';
import { DataSource, In } from 'typeorm';
import type { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { Actor, assertMayUseIn, clinicIdsWith } from '../auth/actor';
import { hashPassword } from '../auth/passwords';
import { ClinicEntity } from '../clinics/clinic.entity';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { ClinicMembershipEntity } from './clinic-membership.entity';
import { UserEntity } from './user.entity';
import { loadUser, loadUsers } from './user.mapper';

export type ValidCreateUserRequest = z.output<typeof createUserSchema>;

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async create(actor: Actor, request: ValidCreateUserRequest): Promise<User> {
    if (request.administersAllClinics && !actor.administersAllClinics) {
      throw DomainError.forbidden('only the administrator of every clinic may create another one');
    }
    request.clinicRoles.forEach((r, i) => assertMayUseIn(actor, 'administer', r.clinicId, `clinicRoles.${i}.clinicId`, 'is not a known clinic'));
    const passwordHash = await hashPassword(request.password);
    const id = await this.dataSource.transaction(async (manager) => {
      const clinics = await manager.findBy(ClinicEntity, { id: In(request.clinicRoles.map((r) => r.clinicId)) });
      request.clinicRoles.forEach((r, i) => {
        if (!clinics.some((c) => c.id === r.clinicId)) throw DomainError.notFound(`clinicRoles.${i}.clinicId`, 'is not a known clinic');
      });
      const taken: unknown[] = await manager.query('SELECT 1 FROM users WHERE lower(email) = $1', [request.email.toLowerCase()]);
      if (taken.length > 0) throw DomainError.conflict('email', 'is already used by another account');
      // An initial password is known to the administrator who typed it: the user replaces it at first sign-in.
      const user = await manager.save(manager.create(UserEntity, {
        email: request.email, displayName: request.displayName, passwordHash, administersAllClinics: request.administersAllClinics,
        mustChangePassword: true, passwordChangedAt: this.clock.now(), isDemo: false,
      }));
      if (request.clinicRoles.length > 0) {
        await manager.insert(ClinicMembershipEntity, request.clinicRoles.map((r) => ({ userId: user.id, clinicId: r.clinicId, role: r.role })));
      }
      await this.audit.record(manager, actor, {
        action: 'user.created', entityType: 'user', entityId: user.id, clinicId: request.clinicRoles[0]?.clinicId ?? null,
        changes: {
          email: { before: null, after: user.email }, displayName: { before: null, after: user.displayName },
          administersAllClinics: { before: null, after: user.administersAllClinics }, clinicRoles: { before: null, after: request.clinicRoles },
        },
      });
      return user.id;
    });
    return loadUser(this.dataSource.manager, id);
  }

  /**
   * Users with a role in a clinic the actor administers, showing only those clinics' roles (other clinics stay unseen), and the
   * administrators of every clinic (the first administrator among them): they hold no clinic role, yet administer these clinics too.
   */
  async list(actor: Actor): Promise<User[]> {
    const administered = clinicIdsWith(actor, 'administer');
    const users = administered === null
      ? await this.dataSource.manager.find(UserEntity, { order: { email: 'ASC' } })
      : await this.dataSource.getRepository(UserEntity).createQueryBuilder('user')
        .where('user.id IN (SELECT m.user_id FROM clinic_memberships m WHERE m.clinic_id = ANY(:clinics))', { clinics: administered })
        .orWhere('user.administersAllClinics = true')
        .orderBy('user.email', 'ASC').getMany();
    const listed = await loadUsers(this.dataSource.manager, users);
    if (administered === null) return listed;
    return listed.map((u) => ({ ...u, clinicRoles: u.clinicRoles.filter((r) => administered.includes(r.clinicId)) }));
  }

  /** Admin reset: the user must choose a new password at next sign-in, and every session of theirs ends now. */
  async resetPassword(actor: Actor, userId: string, request: ResetPasswordRequest): Promise<User> {
    const target = isUuid(userId) ? await this.dataSource.manager.findOneBy(UserEntity, { id: userId }) : null;
    if (!target || !(await this.administers(actor, target))) throw DomainError.notFound('id', 'is not a known user');
    const passwordHash = await hashPassword(request.password);
    await this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      await manager.update(UserEntity, { id: target.id }, { passwordHash, mustChangePassword: true, passwordChangedAt: now, failedLoginCount: 0, lockedUntil: null });
      await manager.query('UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [target.id, now]);
      await this.audit.record(manager, actor, {
        action: 'user.password_reset', entityType: 'user', entityId: target.id, clinicId: null,
        changes: { passwordChangedAt: { before: target.passwordChangedAt.toISOString(), after: now.toISOString() }, mustChangePassword: { before: target.mustChangePassword, after: true } },
      });
    });
    return loadUser(this.dataSource.manager, target.id);
  }

  /** The actor administers the target when it shares a clinic the actor administers; nobody but a peer resets the administrator of every clinic. */
  private async administers(actor: Actor, target: UserEntity): Promise<boolean> {
    if (actor.administersAllClinics) return true;
    if (target.administersAllClinics) return false;
    const administered = clinicIdsWith(actor, 'administer') ?? [];
    return this.dataSource.manager.existsBy(ClinicMembershipEntity, { userId: target.id, clinicId: In(administered) });
  }
}
