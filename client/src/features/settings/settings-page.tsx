// /admin/settings: a clinic's settings and clinical-safety settings, one form per group, for the clinic's administrators.
import { useState } from 'react';
import {
  updateClinicalSafetySettingsSchema,
  updateClinicSettingsSchema,
  type ClinicalSafetySettings,
  type ClinicDrugLibrary,
  type ClinicSettings,
  type DrugLibraryOverrides,
} from '@pumpwatch/shared';
import { api, request } from '../../lib/api';
import { useSession } from '../auth/session-store';
import { canUseRoute } from '../auth/use-can';
import { useClinics } from '../clinics/use-clinics';
import { ClinicPicker } from '../admin/clinic-picker';
import { useLoaded } from '../admin/use-loaded';
import { CLINIC_SETTING_GROUPS, CLINICAL_SAFETY_SETTING_GROUP } from './setting-fields';
import { SettingGroupForm } from './setting-group-form';
import { ClinicLocaleForm } from './clinic-locale-form';
import { DRUG_LIBRARY_GROUP, drugLibraryOverridesOf, drugLimitsParser, drugLimitValues } from './drug-library-fields';
import './settings.css';

const drugLibraryPath = (clinicId: string) => `/api/clinics/${encodeURIComponent(clinicId)}/drug-library`;

export function SettingsPage() {
  const { user } = useSession();
  const { clinics, error: clinicsError } = useClinics(user?.id);
  const administered = clinics.filter((c) => canUseRoute(user, 'PATCH /api/clinics/:id/settings', c.id));
  const [chosenClinicId, setChosenClinicId] = useState('');
  const clinic = administered.find((c) => c.id === chosenClinicId) ?? administered[0];
  const clinicId = clinic?.id ?? '';
  const settings = useLoaded<ClinicSettings | null>(`settings:${clinicId}`, (signal) =>
    clinicId ? api.getClinicSettings(clinicId, signal) : Promise.resolve(null),
  );
  const safety = useLoaded<ClinicalSafetySettings | null>(`safety-settings:${clinicId}`, (signal) =>
    clinicId ? api.getClinicalSafetySettings(clinicId, signal) : Promise.resolve(null),
  );
  const drugs = useLoaded<ClinicDrugLibrary | null>(`drug-library:${clinicId}`, (signal) =>
    clinicId ? request<ClinicDrugLibrary>('GET', drugLibraryPath(clinicId), undefined, signal) : Promise.resolve(null),
  );
  const error = settings.error ?? safety.error ?? drugs.error ?? clinicsError;
  // A form starts from the values read for this very clinic (a switch of clinic must not show the previous one's values).
  const clinicSettings = settings.data && settings.data.clinicId === clinicId ? settings.data : null;
  const safetySettings = safety.data && safety.data.clinicId === clinicId ? safety.data : null;
  const drugLibrary = drugs.data && drugs.data.clinicId === clinicId ? drugs.data : null;

  return (
    <section aria-labelledby="settings-title" data-testid="settings-page">
      <title>Clinic settings — PumpWatch</title>
      <h1 id="settings-title">Clinic settings{clinic && administered.length > 1 ? ` — ${clinic.name}` : ''}</h1>
      <p className="muted">
        Each change applies to every pump and patient of {clinic ? clinic.name : 'the clinic'} at once and is kept in the audit trail. A
        value is saved only when you press its group’s Save button.
      </p>
      {error && (
        <p className="notice notice--error" role="alert">
          Could not load the settings: {error}
        </p>
      )}
      <ClinicPicker clinics={administered} value={clinicId} onChange={setChosenClinicId} testId="settings-clinic" />
      {clinics.length > 0 && administered.length === 0 && (
        <p className="notice">You administer no clinic: there are no settings for you to change.</p>
      )}
      {(settings.loading || safety.loading) && !clinicSettings && (
        <p className="notice" role="status">
          Loading settings…
        </p>
      )}
      {clinicSettings &&
        CLINIC_SETTING_GROUPS.map((group) => (
          <SettingGroupForm
            key={`${clinicId}:${group.id}`}
            group={group}
            saved={clinicSettings}
            schema={updateClinicSettingsSchema}
            save={(patch) => api.updateClinicSettings(clinicId, patch)}
          />
        ))}
      {clinicSettings && <ClinicLocaleForm key={`${clinicId}:locale`} settings={clinicSettings} />}
      {safetySettings && (
        <SettingGroupForm
          key={`${clinicId}:${CLINICAL_SAFETY_SETTING_GROUP.id}`}
          group={CLINICAL_SAFETY_SETTING_GROUP}
          saved={safetySettings}
          schema={updateClinicalSafetySettingsSchema}
          save={async (patch) => api.updateClinicalSafetySettings(clinicId, patch as Partial<Record<keyof typeof patch, number>>)}
        />
      )}
      {drugLibrary && (
        <SettingGroupForm
          key={`${clinicId}:${DRUG_LIBRARY_GROUP.id}`}
          group={DRUG_LIBRARY_GROUP}
          saved={drugLimitValues(drugLibrary.library)}
          schema={drugLimitsParser}
          save={async (patch) => {
            // PUT replaces the clinic's edits: the values on screen with this change, the concentration edits kept.
            const latest = await request<ClinicDrugLibrary>('GET', drugLibraryPath(clinicId));
            const values = { ...drugLimitValues(latest.library), ...patch } as ReturnType<typeof drugLimitValues>;
            const body: DrugLibraryOverrides = drugLibraryOverridesOf(values, latest.overrides);
            return drugLimitValues((await request<ClinicDrugLibrary>('PUT', drugLibraryPath(clinicId), body)).library);
          }}
        />
      )}
    </section>
  );
}
