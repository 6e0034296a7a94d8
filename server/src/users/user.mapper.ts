// Users as the API shows them: never the password hash, always the clinic roles.
import type { User } from '@pumpwatch/shared';
import { EntityManager, In } from 'typeorm';
import { ClinicMembershipEntity } from './clinic-membership.entity';
import { UserEntity } from './user.entity';

export function toUser(user: UserEntity, memberships: ClinicMembershipEntity[]): User {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    administersAllClinics: user.administersAllClinics,
    mustChangePassword: user.mustChangePassword,
    clinicRoles: memberships.filter((m) => m.userId === user.id).map((m) => ({ clinicId: m.clinicId, role: m.role })),
    createdAt: user.createdAt.toISOString(),
    deactivatedAt: user.deactivatedAt?.toISOString() ?? null,
  };
}

export async function loadUser(manager: EntityManager, userId: string): Promise<User> {
  const user = await manager.findOneByOrFail(UserEntity, { id: userId });
  const memberships = await manager.find(ClinicMembershipEntity, { where: { userId }, order: { createdAt: 'ASC' } });
  return toUser(user, memberships);
}

export async function loadUsers(manager: EntityManager, users: UserEntity[]): Promise<User[]> {
  if (users.length === 0) return [];
  const memberships = await manager.find(ClinicMembershipEntity, {
    where: { userId: In(users.map((u) => u.id)) },
    order: { createdAt: 'ASC' },
  });
  return users.map((u) => toUser(u, memberships));
}
