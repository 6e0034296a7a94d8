// The clinics the signed-in user sees (GET /api/clinics), for names beside roles and for clinic choices in forms.
import { useEffect, useState } from 'react';
import type { Clinic } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { clinicScopeKey, useSession } from '../auth/session-store';

export interface ClinicsState {
  clinics: Clinic[];
  error: string | undefined;
}

/** Loads the clinics once per `userId` (another user sees other clinics), and again when the user's clinic roles change. */
export function useClinics(userId: string | undefined): ClinicsState {
  const [state, setState] = useState<ClinicsState>({ clinics: [], error: undefined });
  const scope = clinicScopeKey(useSession().user);
  useEffect(() => {
    if (!userId) return;
    let current = true;
    api.listClinics().then(
      (clinics) => current && setState({ clinics: [...clinics].sort((a, b) => a.name.localeCompare(b.name)), error: undefined }),
      (err: Error) => current && setState({ clinics: [], error: err.message }),
    );
    return () => {
      current = false;
    };
    // `scope` is the cue to read again (a clinic role given or changed), not a value the read uses.
  }, [userId, scope]);
  return state;
}
