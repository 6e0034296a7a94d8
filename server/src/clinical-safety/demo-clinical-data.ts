// Demo clinical-safety rows for the demo clinic: a serum creatinine and a check-up for each patient (so the demo dashboard shows
// the kidney trend and the check-up chart, not a labs-due and review-overdue warning for everyone), and one patient whose kidney
// function has fallen below 50 mL/min. Deterministic from the patient's index, like the demo fleet.
import { assessCreatinine, DAY_MS, MODIFIED_ASHWORTH_SCORES } from '@pumpwatch/shared';
import type { EntityManager } from 'typeorm';
import { toIsoDate } from '../infra/iso';
import type { PatientEntity } from '../patients/patient.entity';

/** The demo patient (by index) whose clearance fell: two results, the latest below the dose-review line. */
const FALLING_KIDNEYS_INDEX = 1;
/** The demo patient (by index) with no check-up on record: "review overdue" on the dashboard. */
const NO_CHECK_UP_INDEX = 7;

export async function seedDemoClinicalData(
  manager: EntityManager,
  clinic: { id: string; timeZone: string },
  patients: readonly PatientEntity[],
  now: Date,
): Promise<void> {
  for (const [i, patient] of patients.entries()) {
    const results: { daysAgo: number; mgPerDl: number }[] =
      i === FALLING_KIDNEYS_INDEX
        ? [
            { daysAgo: 200, mgPerDl: 0.9 },
            { daysAgo: 12, mgPerDl: 1.9 },
          ]
        : [{ daysAgo: 40 + ((i * 17) % 120), mgPerDl: Math.round((0.6 + ((i * 7) % 8) / 10) * 100) / 100 }];
    for (const result of results) {
      const takenAt = new Date(now.getTime() - result.daysAgo * DAY_MS).toISOString();
      const a = assessCreatinine({
        value: result.mgPerDl,
        unit: 'mg/dL',
        takenAt,
        timeZone: clinic.timeZone,
        patient: { birthDate: toIsoDate(patient.birthDate), sex: patient.sex, weightKg: patient.weightKg, heightCm: null },
      });
      await manager.query(
        `INSERT INTO lab_results (patient_id, clinic_id, kind, value, unit, taken_at, weight_kg, height_cm, serum_creatinine_mg_per_dl, age_years,
           creatinine_clearance_ml_per_min, creatinine_clearance_reason, egfr_ml_per_min_173m2, egfr_method, egfr_reason, kdigo_stage, reliability_note)
         VALUES ($1, $2, 'serum_creatinine', $3, 'mg/dL', $4, $5, NULL, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          patient.id,
          clinic.id,
          result.mgPerDl,
          takenAt,
          patient.weightKg,
          a.serumCreatinineMgPerDl,
          a.ageYears,
          a.creatinineClearanceMlPerMin,
          a.creatinineClearanceReason,
          a.egfrMlPerMin173m2,
          a.egfrMethod,
          a.egfrReason,
          a.kdigoStage,
          a.reliabilityNote,
        ],
      );
    }
    if (i === NO_CHECK_UP_INDEX) continue;
    await manager.query(
      `INSERT INTO check_ups (patient_id, clinic_id, at, modified_ashworth, patient_rating, note) VALUES ($1, $2, $3, $4, $5, NULL)`,
      [
        patient.id,
        clinic.id,
        new Date(now.getTime() - (15 + ((i * 11) % 120)) * DAY_MS),
        MODIFIED_ASHWORTH_SCORES[1 + (i % 4)],
        5 + (i % 5),
      ],
    );
  }
}
