// SQL of the per-clinic drug library: one row per clinic and drug holding the clinic's edits (none: the code's defaults).
import { Injectable } from '@nestjs/common';
import type { DrugLibraryOverrides } from '@pumpwatch/shared';
import type { EntityManager } from 'typeorm';

type Row = Record<string, unknown>;

@Injectable()
export class DrugLibraryRepository {
  /** The clinic's edits; null: none. `undefined`: no such clinic. `lock` holds the clinic row until commit (edits in order). */
  async overridesOf(manager: EntityManager, clinicId: string, lock = false): Promise<DrugLibraryOverrides | null | undefined> {
    // NO KEY UPDATE: rows referencing the clinic (their foreign key takes KEY SHARE) are not blocked, so a writer holding the
    // event counter cannot deadlock with this lock (issue 14's fuzz test found one).
    const clinics: Row[] = await manager.query(`SELECT id FROM clinics WHERE id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`, [clinicId]);
    if (clinics.length === 0) return undefined;
    const rows: Row[] = await manager.query(`SELECT overrides FROM clinic_drug_library WHERE clinic_id = $1 AND drug = 'baclofen'`, [clinicId]);
    return rows.length === 0 ? null : ((rows[0].overrides as DrugLibraryOverrides | null) ?? null);
  }

  async saveOverrides(manager: EntityManager, clinicId: string, overrides: DrugLibraryOverrides | null, at: Date): Promise<void> {
    await manager.query(
      `INSERT INTO clinic_drug_library (clinic_id, drug, overrides, updated_at) VALUES ($1, 'baclofen', $2::jsonb, $3)
       ON CONFLICT (clinic_id, drug) DO UPDATE SET overrides = EXCLUDED.overrides, updated_at = EXCLUDED.updated_at`,
      [clinicId, overrides === null ? null : JSON.stringify(overrides), at],
    );
  }

  /** Every clinic's edits (clinics without a row are absent: defaults). */
  async allOverrides(manager: EntityManager): Promise<Map<string, DrugLibraryOverrides | null>> {
    const rows: Row[] = await manager.query(`SELECT clinic_id, overrides FROM clinic_drug_library WHERE drug = 'baclofen'`);
    return new Map(rows.map((r) => [r.clinic_id as string, (r.overrides as DrugLibraryOverrides | null) ?? null]));
  }
}
