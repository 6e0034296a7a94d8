// SQL of the per-clinic drug library: one row per clinic and drug holding the clinic's edits (none: the code's defaults).
import { Injectable } from '@nestjs/common';
import type {
  DrugLibraryOverrides,
  DrugLibraryViolation,
  PatientBolus,
  PeriodicBolus,
  ProgramStep,
  PumpModelId,
  SpasticityOrigin,
} from '@pumpwatch/shared';
import type { EntityManager } from 'typeorm';

type Row = Record<string, unknown>;

export interface PumpSettingsInForce {
  pumpId: string;
  modelId: PumpModelId;
  spasticityOrigin: SpasticityOrigin | null;
  program: { steps: ProgramStep[]; periodicBoluses: PeriodicBolus[]; patientBolus: PatientBolus | null } | null;
  concentrationMcgPerMl: number | null;
  /** Soft limits the program and fill in force went past with a reason. */
  overridden: DrugLibraryViolation[];
}

@Injectable()
export class DrugLibraryRepository {
  /** The clinic's edits; null: none. `undefined`: no such clinic. `lock` holds the clinic row until commit (edits in order). */
  async overridesOf(manager: EntityManager, clinicId: string, lock = false): Promise<DrugLibraryOverrides | null | undefined> {
    // NO KEY UPDATE: rows referencing the clinic (their foreign key takes KEY SHARE) are not blocked, so a writer holding the
    // event counter cannot deadlock with this lock (issue 14's fuzz test found one).
    const clinics: Row[] = await manager.query(`SELECT id FROM clinics WHERE id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`, [clinicId]);
    if (clinics.length === 0) return undefined;
    const rows: Row[] = await manager.query(`SELECT overrides FROM clinic_drug_library WHERE clinic_id = $1 AND drug = 'baclofen'`, [
      clinicId,
    ]);
    return rows.length === 0 ? null : ((rows[0].overrides as DrugLibraryOverrides | null) ?? null);
  }

  async saveOverrides(manager: EntityManager, clinicId: string, overrides: DrugLibraryOverrides | null, at: Date): Promise<void> {
    await manager.query(
      `INSERT INTO clinic_drug_library (clinic_id, drug, overrides, updated_at) VALUES ($1, 'baclofen', $2::jsonb, $3)
       ON CONFLICT (clinic_id, drug) DO UPDATE SET overrides = EXCLUDED.overrides, updated_at = EXCLUDED.updated_at`,
      [clinicId, overrides === null ? null : JSON.stringify(overrides), at],
    );
  }

  /** Each pump's program and fill in force at `at`, with its model and the patient's origin (the planner's library check). */
  async settingsInForce(manager: EntityManager, pumpIds: readonly string[], at: Date): Promise<PumpSettingsInForce[]> {
    if (pumpIds.length === 0) return [];
    const rows: Row[] = await manager.query(
      `SELECT p.id, p.model_id, pt.spasticity_origin,
              pr.steps, pr.periodic_boluses, pr.patient_bolus, pr.limit_overrides AS program_overrides,
              fi.concentration_mcg_per_ml, fi.limit_overrides AS fill_overrides
       FROM pumps p JOIN patients pt ON pt.id = p.patient_id
       LEFT JOIN LATERAL (SELECT steps, periodic_boluses, patient_bolus, limit_overrides FROM programs
                          WHERE pump_id = p.id AND effective_from <= $2 ORDER BY effective_from DESC LIMIT 1) pr ON true
       LEFT JOIN LATERAL (SELECT concentration_mcg_per_ml, limit_overrides FROM fills
                          WHERE pump_id = p.id AND filled_at <= $2 ORDER BY filled_at DESC LIMIT 1) fi ON true
       WHERE p.id = ANY($1::uuid[])`,
      [[...pumpIds], at],
    );
    return rows.map((r) => ({
      pumpId: r.id as string,
      modelId: r.model_id as PumpModelId,
      spasticityOrigin: (r.spasticity_origin as SpasticityOrigin | null) ?? null,
      program: r.steps
        ? {
            steps: r.steps as ProgramStep[],
            periodicBoluses: r.periodic_boluses as PeriodicBolus[],
            patientBolus: r.patient_bolus as PatientBolus | null,
          }
        : null,
      concentrationMcgPerMl:
        r.concentration_mcg_per_ml === null || r.concentration_mcg_per_ml === undefined ? null : Number(r.concentration_mcg_per_ml),
      overridden: [
        ...((r.program_overrides as DrugLibraryViolation[] | null) ?? []),
        ...((r.fill_overrides as DrugLibraryViolation[] | null) ?? []),
      ],
    }));
  }

  /** Every clinic's edits (clinics without a row are absent: defaults). */
  async allOverrides(manager: EntityManager): Promise<Map<string, DrugLibraryOverrides | null>> {
    const rows: Row[] = await manager.query(`SELECT clinic_id, overrides FROM clinic_drug_library WHERE drug = 'baclofen'`);
    return new Map(rows.map((r) => [r.clinic_id as string, (r.overrides as DrugLibraryOverrides | null) ?? null]));
  }
}
