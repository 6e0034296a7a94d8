// Clinical safety (issue 7): lab results with what was computed from them, side-effect reports, check-ups, taper plans, the reason of a
// guarded dose change on programs and fills, the patients' height and spasticity origin, and the clinics' clinical-safety settings.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateClinicalSafety1796248800000 implements MigrationInterface {
  name = 'CreateClinicalSafety1796248800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Defaults mirror CLINICAL_SAFETY_SETTING_DEFAULTS in shared/src/clinical-safety (labs 12 months, review 6 months, 20% step).
    await queryRunner.query(`
      ALTER TABLE clinics
        ADD COLUMN labs_interval_months integer NOT NULL DEFAULT 12 CHECK (labs_interval_months BETWEEN 1 AND 60),
        ADD COLUMN review_interval_months integer NOT NULL DEFAULT 6 CHECK (review_interval_months BETWEEN 1 AND 60),
        ADD COLUMN abrupt_reduction_percent double precision NOT NULL DEFAULT 20 CHECK (abrupt_reduction_percent BETWEEN 5 AND 50)`);
    // NULL: not recorded. The origin sets the escalation limits (cerebral stricter); height feeds the children's eGFR.
    await queryRunner.query(`
      ALTER TABLE patients
        ADD COLUMN height_cm double precision CHECK (height_cm > 0 AND height_cm <= 250),
        ADD COLUMN spasticity_origin text CHECK (spasticity_origin IN ('spinal', 'cerebral'))`);
    // Required by the dose guard for an abrupt cut, a stop or a rise above range; kept with the change it explains.
    await queryRunner.query(`
      ALTER TABLE programs
        ADD COLUMN dose_change_reason text CHECK (length(dose_change_reason) BETWEEN 1 AND 2000),
        ADD COLUMN dose_change_context text CHECK (dose_change_context IN ('post_implant_titration', 'refill_adjustment'))`);
    await queryRunner.query(`ALTER TABLE fills ADD COLUMN dose_change_reason text CHECK (length(dose_change_reason) BETWEEN 1 AND 2000)`);

    // The computed values are stored as computed when the result was recorded (weight and age then), so a later weight change
    // does not rewrite the history a clinician acted on.
    await queryRunner.query(`
      CREATE TABLE lab_results (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        patient_id uuid NOT NULL REFERENCES patients(id),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        kind text NOT NULL CHECK (kind IN ('serum_creatinine')),
        value double precision NOT NULL CHECK (value > 0),
        unit text NOT NULL CHECK (unit IN ('mg/dL', 'umol/L')),
        taken_at timestamptz NOT NULL,
        weight_kg double precision CHECK (weight_kg > 0),
        height_cm double precision CHECK (height_cm > 0),
        serum_creatinine_mg_per_dl double precision NOT NULL,
        age_years integer NOT NULL CHECK (age_years >= 0),
        creatinine_clearance_ml_per_min double precision,
        creatinine_clearance_reason text,
        egfr_ml_per_min_173m2 double precision,
        egfr_method text CHECK (egfr_method IN ('ckd_epi_2021', 'bedside_schwartz')),
        egfr_reason text,
        kdigo_stage text CHECK (kdigo_stage IN ('G1', 'G2', 'G3a', 'G3b', 'G4', 'G5')),
        reliability_note text NOT NULL,
        recorded_by_user_id uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT lab_results_clearance_check CHECK ((creatinine_clearance_ml_per_min IS NULL) <> (creatinine_clearance_reason IS NULL)),
        CONSTRAINT lab_results_egfr_check CHECK ((egfr_ml_per_min_173m2 IS NULL) = (egfr_method IS NULL) AND (egfr_ml_per_min_173m2 IS NULL) <> (egfr_reason IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX lab_results_patient_id_taken_at_idx ON lab_results (patient_id, taken_at)`);

    await queryRunner.query(`
      CREATE TABLE side_effect_reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        patient_id uuid NOT NULL REFERENCES patients(id),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        kind text NOT NULL CHECK (kind IN ('sedation', 'drowsiness', 'confusion', 'memory_problems', 'altered_mental_status', 'other')),
        severity text NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe')),
        reported_at timestamptz NOT NULL,
        onset_on date,
        reported_by text NOT NULL CHECK (reported_by IN ('patient', 'staff')),
        text text CHECK (length(text) BETWEEN 1 AND 2000),
        recorded_by_user_id uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT side_effect_reports_other_text_check CHECK (kind <> 'other' OR text IS NOT NULL)
      )`);
    await queryRunner.query(`CREATE INDEX side_effect_reports_patient_id_reported_at_idx ON side_effect_reports (patient_id, reported_at)`);

    await queryRunner.query(`
      CREATE TABLE check_ups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        patient_id uuid NOT NULL REFERENCES patients(id),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        at timestamptz NOT NULL,
        modified_ashworth text NOT NULL CHECK (modified_ashworth IN ('0', '1', '1+', '2', '3', '4')),
        patient_rating integer NOT NULL CHECK (patient_rating BETWEEN 0 AND 10),
        note text CHECK (length(note) <= 2000),
        recorded_by_user_id uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX check_ups_patient_id_at_idx ON check_ups (patient_id, at)`);

    // Ended, never deleted (the app role has no DELETE): a plan's line stays on the dose chart and in the audit trail.
    await queryRunner.query(`
      CREATE TABLE taper_plans (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        patient_id uuid NOT NULL REFERENCES patients(id),
        clinic_id uuid NOT NULL REFERENCES clinics(id),
        status text NOT NULL CHECK (status IN ('active', 'completed', 'cancelled')),
        starts_at timestamptz NOT NULL,
        steps jsonb NOT NULL CHECK (jsonb_typeof(steps) = 'array' AND jsonb_array_length(steps) >= 1),
        bridge jsonb NOT NULL,
        reintroduction_dose_mcg_per_day double precision NOT NULL CHECK (reintroduction_dose_mcg_per_day > 0),
        note text CHECK (length(note) <= 2000),
        ended_at timestamptz,
        end_note text,
        created_by_user_id uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT taper_plans_ended_check CHECK ((status = 'active') = (ended_at IS NULL) AND (ended_at IS NULL) = (end_note IS NULL))
      )`);
    // One active plan per patient: the dose guard checks program changes against it, so two would be ambiguous.
    await queryRunner.query(`CREATE UNIQUE INDEX taper_plans_one_active_per_patient ON taper_plans (patient_id) WHERE status = 'active'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE taper_plans`);
    await queryRunner.query(`DROP TABLE check_ups`);
    await queryRunner.query(`DROP TABLE side_effect_reports`);
    await queryRunner.query(`DROP TABLE lab_results`);
    await queryRunner.query(`ALTER TABLE fills DROP COLUMN dose_change_reason`);
    await queryRunner.query(`ALTER TABLE programs DROP COLUMN dose_change_context, DROP COLUMN dose_change_reason`);
    await queryRunner.query(`ALTER TABLE patients DROP COLUMN spasticity_origin, DROP COLUMN height_cm`);
    await queryRunner.query(
      `ALTER TABLE clinics DROP COLUMN abrupt_reduction_percent, DROP COLUMN review_interval_months, DROP COLUMN labs_interval_months`,
    );
  }
}
