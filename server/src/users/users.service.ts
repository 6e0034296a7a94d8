// Use cases of accounts: an administrator creates users in the clinics they administer, lists them, resets a password,
// deactivates or reactivates an account and sets a user's role per clinic.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ClinicRole, DomainError, ResetPasswordRequest, ResetPasswordResponse, SetClinicRoleRequest, User } from '@pumpwatch/shared';
import type { createUserSchema } from '@pumpwatch/shared';
import { DataSource, EntityManager, In } from 'typeorm';
import type { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { Actor, assertMayUseIn, clinicIdsWith } from '../auth/actor';
import { hashPassword, randomPassword } from '../auth/passwords';
import { ClinicEntity } from '../clinics/clinic.entity';
import { signalSessionsChanged } from '../events/session-signals';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { ClinicMembershipEntity } from './clinic-membership.entity';
import { UserEntity } from './user.entity';
import { loadUser, loadUsers } from './user.mapper';

export type ValidCreateUserRequest = z.output<typeof createUserSchema>;

/** Any constant shared by all instances: changes that could leave a clinic without an active administrator take turns. */
const ADMINISTRATORS_LOCK = 7_316_016;

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
    request.clinicRoles.forEach((r, i) =>
      assertMayUseIn(actor, 'administer', r.clinicId, `clinicRoles.${i}.clinicId`, 'is not a known clinic'),
    );
    const passwordHash = await hashPassword(request.password);
    const id = await this.dataSource.transaction(async (manager) => {
      const clinics = await manager.findBy(ClinicEntity, { id: In(request.clinicRoles.map((r) => r.clinicId)) });
      request.clinicRoles.forEach((r, i) => {
        if (!clinics.some((c) => c.id === r.clinicId)) throw DomainError.notFound(`clinicRoles.${i}.clinicId`, 'is not a known clinic');
      });
      const taken: unknown[] = await manager.query('SELECT 1 FROM users WHERE lower(email) = $1', [request.email.toLowerCase()]);
      if (taken.length > 0) throw DomainError.conflict('email', 'is already used by another account');
      // An initial password is known to the administrator who typed it: the user replaces it at first sign-in.
      const user = await manager.save(
        manager.create(UserEntity, {
          email: request.email,
          displayName: request.displayName,
          passwordHash,
          administersAllClinics: request.administersAllClinics,
          mustChangePassword: true,
          passwordChangedAt: this.clock.now(),
          isDemo: false,
        }),
      );
      if (request.clinicRoles.length > 0) {
        await manager.insert(
          ClinicMembershipEntity,
          request.clinicRoles.map((r) => ({ userId: user.id, clinicId: r.clinicId, role: r.role })),
        );
      }
      await this.audit.record(manager, actor, {
        action: 'user.created',
        entityType: 'user',
        entityId: user.id,
        clinicId: request.clinicRoles[0]?.clinicId ?? null,
        changes: {
          email: { before: null, after: user.email },
          displayName: { before: null, after: user.displayName },
          administersAllClinics: { before: null, after: user.administersAllClinics },
          clinicRoles: { before: null, after: request.clinicRoles },
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
    const users =
      administered === null
        ? await this.dataSource.manager.find(UserEntity, { order: { email: 'ASC' } })
        : await this.dataSource
            .getRepository(UserEntity)
            .createQueryBuilder('user')
            .where('user.id IN (SELECT m.user_id FROM clinic_memberships m WHERE m.clinic_id = ANY(:clinics))', { clinics: administered })
            .orWhere('user.administersAllClinics = true')
            .orderBy('user.email', 'ASC')
            .getMany();
    const listed = await loadUsers(this.dataSource.manager, users);
    if (administered === null) return listed;
    return listed.map((u) => ({ ...u, clinicRoles: u.clinicRoles.filter((r) => administered.includes(r.clinicId)) }));
  }

  /**
   * Admin reset: the user must choose a new password at next sign-in, and every session of theirs ends now. Without a
   * password in the request one is drawn at random and answered this once.
   */
  async resetPassword(actor: Actor, userId: string, request: ResetPasswordRequest): Promise<ResetPasswordResponse> {
    const target = await this.administeredUser(actor, userId);
    const drawn = request.password === undefined ? randomPassword() : null;
    const passwordHash = await hashPassword(request.password ?? (drawn as string));
    await this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      await manager.update(
        UserEntity,
        { id: target.id },
        { passwordHash, mustChangePassword: true, passwordChangedAt: now, failedLoginCount: 0, lockedUntil: null },
      );
      await manager.query('UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [target.id, now]);
      await this.audit.record(manager, actor, {
        action: 'user.password_reset',
        entityType: 'user',
        entityId: target.id,
        clinicId: null,
        changes: {
          passwordChangedAt: { before: target.passwordChangedAt.toISOString(), after: now.toISOString() },
          mustChangePassword: { before: target.mustChangePassword, after: true },
        },
      });
      await signalSessionsChanged(manager, target.id);
    });
    const user = await loadUser(this.dataSource.manager, target.id);
    return drawn === null ? user : { ...user, initialPassword: drawn };
  }

  /**
   * The account can no longer sign in and every session of it ends now (its sockets on every instance are told at commit).
   * Nobody deactivates themselves, nor the last active administrator of a clinic or of every clinic; a clinic administrator only
   * deactivates an account whose every clinic they administer (the account is one for all its clinics).
   */
  async deactivate(actor: Actor, userId: string): Promise<User> {
    const target = await this.administeredUser(actor, userId);
    if (target.id === actor.id) throw DomainError.rule('id', 'is your own account: another administrator must deactivate it');
    await this.assertAdministersEveryClinicOf(actor, target);
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ADMINISTRATORS_LOCK]);
      const current = await manager.findOneByOrFail(UserEntity, { id: target.id });
      if (current.deactivatedAt) throw DomainError.conflict('id', 'is already deactivated');
      const memberships = await manager.findBy(ClinicMembershipEntity, { userId: target.id });
      if (current.administersAllClinics && !(await this.otherActiveAdministratorOfAll(manager, target.id))) {
        throw DomainError.conflict('id', 'is the last active administrator of every clinic: make another one first');
      }
      for (const m of memberships.filter((r) => r.role === 'admin')) await this.assertAnotherActiveAdmin(manager, m.clinicId, target.id);
      const now = this.clock.now();
      await manager.update(UserEntity, { id: target.id }, { deactivatedAt: now });
      await manager.query('UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [target.id, now]);
      await this.audit.record(manager, actor, {
        action: 'user.deactivated',
        entityType: 'user',
        entityId: target.id,
        clinicId: memberships[0]?.clinicId ?? null,
        changes: { deactivatedAt: { before: null, after: now.toISOString() } },
      });
      await signalSessionsChanged(manager, target.id);
    });
    return this.shownTo(actor, target.id);
  }

  /** The account may sign in again (with its password as it was; its old sessions stay ended). */
  async reactivate(actor: Actor, userId: string): Promise<User> {
    const target = await this.administeredUser(actor, userId);
    await this.assertAdministersEveryClinicOf(actor, target);
    await this.dataSource.transaction(async (manager) => {
      const current = await manager.findOneByOrFail(UserEntity, { id: target.id });
      if (!current.deactivatedAt) throw DomainError.conflict('id', 'is already active');
      await manager.update(UserEntity, { id: target.id }, { deactivatedAt: null, failedLoginCount: 0, lockedUntil: null });
      const clinicId = (await manager.findOneBy(ClinicMembershipEntity, { userId: target.id }))?.clinicId ?? null;
      await this.audit.record(manager, actor, {
        action: 'user.reactivated',
        entityType: 'user',
        entityId: target.id,
        clinicId,
        changes: { deactivatedAt: { before: current.deactivatedAt.toISOString(), after: null } },
      });
    });
    return this.shownTo(actor, target.id);
  }

  /**
   * The user's role in one clinic the actor administers (given when they had none there). The guard reads roles from the
   * database at every request, so it applies from their next request; their live sockets on every instance are told at commit.
   */
  async setClinicRole(actor: Actor, userId: string, clinicId: string, request: SetClinicRoleRequest): Promise<User> {
    const target = await this.administeredUser(actor, userId);
    if (!isUuid(clinicId)) throw DomainError.notFound('clinicId', 'is not a known clinic');
    assertMayUseIn(actor, 'administer', clinicId, 'clinicId', 'is not a known clinic');
    if (!(await this.dataSource.manager.existsBy(ClinicEntity, { id: clinicId })))
      throw DomainError.notFound('clinicId', 'is not a known clinic');
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ADMINISTRATORS_LOCK]);
      const membership = await manager.findOneBy(ClinicMembershipEntity, { userId: target.id, clinicId });
      const before: ClinicRole | null = membership?.role ?? null;
      if (before === request.role) return;
      if (before === 'admin') await this.assertAnotherActiveAdmin(manager, clinicId, target.id);
      if (membership) await manager.update(ClinicMembershipEntity, { userId: target.id, clinicId }, { role: request.role });
      else await manager.insert(ClinicMembershipEntity, { userId: target.id, clinicId, role: request.role });
      await this.audit.record(manager, actor, {
        action: 'user.role_changed',
        entityType: 'user',
        entityId: target.id,
        clinicId,
        changes: { role: { before, after: request.role } },
      });
      await signalSessionsChanged(manager, target.id);
    });
    return this.shownTo(actor, target.id);
  }

  /** The user by id when the actor administers them; 404 otherwise, as if it did not exist. */
  private async administeredUser(actor: Actor, userId: string): Promise<UserEntity> {
    const target = isUuid(userId) ? await this.dataSource.manager.findOneBy(UserEntity, { id: userId }) : null;
    if (!target || !(await this.administers(actor, target))) throw DomainError.notFound('id', 'is not a known user');
    return target;
  }

  private async assertAdministersEveryClinicOf(actor: Actor, target: UserEntity): Promise<void> {
    const administered = clinicIdsWith(actor, 'administer');
    if (administered === null) return;
    const memberships = await this.dataSource.manager.findBy(ClinicMembershipEntity, { userId: target.id });
    if (memberships.some((m) => !administered.includes(m.clinicId))) {
      throw DomainError.forbidden(
        'this user also works in a clinic you do not administer: an administrator of every clinic may change their account',
      );
    }
  }

  private async otherActiveAdministratorOfAll(manager: EntityManager, userId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      'SELECT 1 FROM users WHERE administers_all_clinics AND deactivated_at IS NULL AND id <> $1 LIMIT 1',
      [userId],
    );
    return rows.length > 0;
  }

  /** A clinic keeps at least one active administrator of its own: otherwise nobody there can manage its users and settings. */
  private async assertAnotherActiveAdmin(manager: EntityManager, clinicId: string, userId: string): Promise<void> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM clinic_memberships m JOIN users u ON u.id = m.user_id
        WHERE m.clinic_id = $1 AND m.role = 'admin' AND u.deactivated_at IS NULL AND u.id <> $2 LIMIT 1`,
      [clinicId, userId],
    );
    if (rows.length === 0) {
      const clinic = await manager.findOneBy(ClinicEntity, { id: clinicId });
      throw DomainError.conflict('id', `is the last active administrator of ${clinic?.name ?? 'a clinic'}: make another one first`);
    }
  }

  /** The user as the list shows them to this actor: only the roles in clinics the actor administers. */
  private async shownTo(actor: Actor, userId: string): Promise<User> {
    const user = await loadUser(this.dataSource.manager, userId);
    const administered = clinicIdsWith(actor, 'administer');
    return administered === null ? user : { ...user, clinicRoles: user.clinicRoles.filter((r) => administered.includes(r.clinicId)) };
  }

  /** The actor administers the target when it shares a clinic the actor administers; nobody but a peer resets the administrator of every clinic. */
  private async administers(actor: Actor, target: UserEntity): Promise<boolean> {
    if (actor.administersAllClinics) return true;
    if (target.administersAllClinics) return false;
    const administered = clinicIdsWith(actor, 'administer') ?? [];
    return this.dataSource.manager.existsBy(ClinicMembershipEntity, { userId: target.id, clinicId: In(administered) });
  }
}
