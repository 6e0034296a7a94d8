// The clinics the signed-in user sees (GET /api/clinics), for names beside roles and for clinic choices in forms.
import { useEffect, useState } from 'react';
import type { Clinic } from '@pumpwatch/shared';
import { api } from '../../lib/api';

export interface ClinicsState {
  clinics: Clinic[];
  error: string | undefined;
}

/** Loads the clinics once per `userId` (another user sees other clinics). */
export function useClinics(userId: string | undefined): ClinicsState {
  const [state, setState] = useState<ClinicsState>({ clinics: [], error: undefined });
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
  }, [userId]);
  return state;
}
