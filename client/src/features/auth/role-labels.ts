// Role names as the clinic says them, for the user menu and the users page.
import type { Clinic, ClinicRole, User } from '@pumpwatch/shared';

export const ROLE_LABEL: Record<ClinicRole, string> = {
  staff: 'Staff',
  scheduler: 'Scheduler',
  clinician: 'Clinician',
  admin: 'Administrator',
};

/** What a user may do where: "Administrator of every clinic", or "Clinician (North clinic)" per clinic role. */
export function describeRoles(user: Pick<User, 'administersAllClinics' | 'clinicRoles'>, clinics: readonly Clinic[]): string[] {
  // Any clinic role of theirs is already included in administering every clinic.
  if (user.administersAllClinics) return ['Administrator of every clinic'];
  return user.clinicRoles.map((r) => {
    const clinic = clinics.find((c) => c.id === r.clinicId);
    return clinic ? `${ROLE_LABEL[r.role]} (${clinic.name})` : ROLE_LABEL[r.role];
  });
}
