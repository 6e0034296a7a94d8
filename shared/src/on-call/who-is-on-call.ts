// Who is on call at an instant, from a clinic's shifts: the primary and backup clinicians, and "no one on call" said outright.
import { RosterShift, shiftCovers } from './shift-rules';

export interface OnCallRoster {
  at: string;
  /** Several during a handover overlap; earliest shift first. */
  primaryClinicianIds: string[];
  backupClinicianIds: string[];
  /** No primary shift covers `at` (even with a backup on call): the dashboard banner, and paging starts at the next level. */
  noOneOnCall: boolean;
}

export function whoIsOnCall(shifts: readonly RosterShift[], at: Date): OnCallRoster {
  const covering = shifts
    .filter((shift) => shiftCovers(shift, at))
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.clinicianId.localeCompare(b.clinicianId));
  const primary = [...new Set(covering.filter((s) => s.tier === 'primary').map((s) => s.clinicianId))];
  // A clinician on call as primary is paged at the first level; listing them again as backup would page them twice.
  const backup = [...new Set(covering.filter((s) => s.tier === 'backup').map((s) => s.clinicianId))].filter((id) => !primary.includes(id));
  return { at: at.toISOString(), primaryClinicianIds: primary, backupClinicianIds: backup, noOneOnCall: primary.length === 0 };
}
