// The only code touching the clinical-safety tables (plain SQL): lab results, side-effect reports, check-ups, taper plans, the clinics'
// clinical-safety settings, and the patient's dose history read across the programs and fills of all their pumps.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  CheckUp,
  ClinicalSafetySettings,
  CreatinineAssessment,
  CreatinineUnit,
  DoseHistoryEntry,
  LabKind,
  LabResult,
  ModifiedAshworthScore,
  SideEffectKind,
  SideEffectReport,
  SideEffectReporter,
  SideEffectSeverity,
  TaperPlan,
  TaperPlanStatus,
  TaperStepLimitFinding,
} from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { toIsoDate } from '../infra/iso';

type Row = Record<string, unknown>;

const iso = (value: unknown): string => (value as Date).toISOString();
const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : (value as Date).toISOString());
const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** The patient and clinic facts every clinical-safety use case starts from. */
export interface PatientClinic {
  patientId: string;
  clinicId: string;
  clinicName: string;
  timeZone: string;
  settings: ClinicalSafetySettings;
}

/** A taper plan row as stored (the API shape adds the bridge advice). */
export interface TaperPlanRow {
  id: string;
  patientId: string;
  clinicId: string;
  status: TaperPlanStatus;
  startsAt: string;
  steps: TaperPlan['steps'];
  bridge: TaperPlan['bridge'];
  reintroductionDoseMcgPerDay: number;
  note: string | null;
  stepLimitFindings: TaperStepLimitFinding[];
  stepLimitOverrideReason: string | null;
  endedAt: string | null;
  endNote: string | null;
  createdAt: string;
}

/** What the minute sweep reads of one patient for the labs-due and review rules. */
export interface PatientTimeFacts {
  patientId: string;
  clinicId: string;
  timeZone: string;
  labsIntervalMonths: number;
  reviewIntervalMonths: number;
  lastLabTakenAt: string | null;
  lastCheckUpAt: string | null;
  /** The active pump's implant date; null: no active pump. */
  activeImplantDate: string | null;
}

export interface NewLabResult {
  patientId: string;
  clinicId: string;
  kind: LabKind;
  value: number;
  unit: CreatinineUnit;
  takenAt: Date;
  weightKg: number | null;
  heightCm: number | null;
  assessment: CreatinineAssessment;
  recordedByUserId: string | null;
}

function toSettings(row: Row): ClinicalSafetySettings {
  return {
    clinicId: row.clinic_id as string,
    labsIntervalMonths: num(row.labs_interval_months),
    reviewIntervalMonths: num(row.review_interval_months),
    abruptReductionPercent: num(row.abrupt_reduction_percent),
    taperStepMinSpacingHours: num(row.taper_step_min_spacing_hours),
  };
}

function toLab(row: Row): LabResult {
  return {
    id: row.id as string,
    patientId: row.patient_id as string,
    kind: row.kind as LabKind,
    value: num(row.value),
    unit: row.unit as CreatinineUnit,
    takenAt: iso(row.taken_at),
    weightKg: numOrNull(row.weight_kg),
    heightCm: numOrNull(row.height_cm),
    serumCreatinineMgPerDl: num(row.serum_creatinine_mg_per_dl),
    ageYears: num(row.age_years),
    creatinineClearanceMlPerMin: numOrNull(row.creatinine_clearance_ml_per_min),
    creatinineClearanceReason: row.creatinine_clearance_reason as string | null,
    egfrMlPerMin173m2: numOrNull(row.egfr_ml_per_min_173m2),
    egfrMethod: row.egfr_method as LabResult['egfrMethod'],
    egfrReason: row.egfr_reason as string | null,
    kdigoStage: row.kdigo_stage as LabResult['kdigoStage'],
    reliabilityNote: row.reliability_note as string,
    createdAt: iso(row.created_at),
  };
}

function toSideEffect(row: Row): SideEffectReport {
  return {
    id: row.id as string,
    patientId: row.patient_id as string,
    kind: row.kind as SideEffectKind,
    severity: row.severity as SideEffectSeverity,
    reportedAt: iso(row.reported_at),
    onsetOn: row.onset_on === null ? null : toIsoDate(row.onset_on as string | Date),
    reportedBy: row.reported_by as SideEffectReporter,
    text: row.text as string | null,
    createdAt: iso(row.created_at),
  };
}

function toCheckUp(row: Row): CheckUp {
  return {
    id: row.id as string,
    patientId: row.patient_id as string,
    at: iso(row.at),
    modifiedAshworth: row.modified_ashworth as ModifiedAshworthScore,
    patientRating: num(row.patient_rating),
    note: row.note as string | null,
    createdAt: iso(row.created_at),
  };
}

function toTaperPlan(row: Row): TaperPlanRow {
  return {
    id: row.id as string,
    patientId: row.patient_id as string,
    clinicId: row.clinic_id as string,
    status: row.status as TaperPlanStatus,
    startsAt: iso(row.starts_at),
    steps: row.steps as TaperPlan['steps'],
    bridge: row.bridge as TaperPlan['bridge'],
    reintroductionDoseMcgPerDay: num(row.reintroduction_dose_mcg_per_day),
    note: row.note as string | null,
    stepLimitFindings: row.step_limit_findings as TaperStepLimitFinding[],
    stepLimitOverrideReason: row.step_limit_override_reason as string | null,
    endedAt: isoOrNull(row.ended_at),
    endNote: row.end_note as string | null,
    createdAt: iso(row.created_at),
  };
}

const SETTINGS_COLUMNS =
  'c.id AS clinic_id, c.labs_interval_months, c.review_interval_months, c.abrupt_reduction_percent, c.taper_step_min_spacing_hours';

@Injectable()
export class ClinicalSafetyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** The patient's clinic with its settings; `lock`: the patient row is held until commit (writes about one patient in order). */
  async patientClinic(manager: EntityManager, patientId: string, lock: boolean): Promise<PatientClinic | null> {
    if (lock) await manager.query('SELECT 1 FROM patients WHERE id = $1 FOR UPDATE', [patientId]);
    const rows: Row[] = await manager.query(
      `SELECT p.id AS patient_id, c.name AS clinic_name, c.time_zone, ${SETTINGS_COLUMNS}
       FROM patients p JOIN clinics c ON c.id = p.clinic_id WHERE p.id = $1`,
      [patientId],
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      patientId,
      clinicId: row.clinic_id as string,
      clinicName: row.clinic_name as string,
      timeZone: row.time_zone as string,
      settings: toSettings(row),
    };
  }

  async settingsOf(manager: EntityManager, clinicId: string, lock = false): Promise<ClinicalSafetySettings | null> {
    // NO KEY UPDATE: rows referencing the clinic (their foreign key takes KEY SHARE) are not blocked, so a writer holding the
    // event counter cannot deadlock with this lock (issue 14's fuzz test found one).
    const rows: Row[] = await manager.query(
      `SELECT ${SETTINGS_COLUMNS} FROM clinics c WHERE c.id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`,
      [clinicId],
    );
    return rows.length === 0 ? null : toSettings(rows[0]);
  }

  async updateSettings(manager: EntityManager, settings: ClinicalSafetySettings): Promise<void> {
    await manager.query(
      'UPDATE clinics SET labs_interval_months = $2, review_interval_months = $3, abrupt_reduction_percent = $4, taper_step_min_spacing_hours = $5 WHERE id = $1',
      [
        settings.clinicId,
        settings.labsIntervalMonths,
        settings.reviewIntervalMonths,
        settings.abruptReductionPercent,
        settings.taperStepMinSpacingHours,
      ],
    );
  }

  // ---- Lab results ----

  async insertLab(manager: EntityManager, lab: NewLabResult): Promise<LabResult> {
    const a = lab.assessment;
    const rows: Row[] = await manager.query(
      `INSERT INTO lab_results (patient_id, clinic_id, kind, value, unit, taken_at, weight_kg, height_cm, serum_creatinine_mg_per_dl, age_years,
         creatinine_clearance_ml_per_min, creatinine_clearance_reason, egfr_ml_per_min_173m2, egfr_method, egfr_reason, kdigo_stage, reliability_note,
         recorded_by_user_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING *`,
      [
        lab.patientId,
        lab.clinicId,
        lab.kind,
        lab.value,
        lab.unit,
        lab.takenAt,
        lab.weightKg,
        lab.heightCm,
        a.serumCreatinineMgPerDl,
        a.ageYears,
        a.creatinineClearanceMlPerMin,
        a.creatinineClearanceReason,
        a.egfrMlPerMin173m2,
        a.egfrMethod,
        a.egfrReason,
        a.kdigoStage,
        a.reliabilityNote,
        lab.recordedByUserId,
      ],
    );
    return toLab(rows[0]);
  }

  /** Oldest first. */
  async labsOf(manager: EntityManager, patientId: string): Promise<LabResult[]> {
    const rows: Row[] = await manager.query('SELECT * FROM lab_results WHERE patient_id = $1 ORDER BY taken_at, created_at, id', [
      patientId,
    ]);
    return rows.map(toLab);
  }

  // ---- Side effects ----

  async insertSideEffect(
    manager: EntityManager,
    report: Omit<SideEffectReport, 'id' | 'createdAt'> & { clinicId: string; recordedByUserId: string | null },
  ): Promise<SideEffectReport> {
    const rows: Row[] = await manager.query(
      `INSERT INTO side_effect_reports (patient_id, clinic_id, kind, severity, reported_at, onset_on, reported_by, text, recorded_by_user_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [
        report.patientId,
        report.clinicId,
        report.kind,
        report.severity,
        new Date(report.reportedAt),
        report.onsetOn,
        report.reportedBy,
        report.text,
        report.recordedByUserId,
      ],
    );
    return toSideEffect(rows[0]);
  }

  /** Newest first; `limit` null: all. */
  async sideEffectsOf(manager: EntityManager, patientId: string, limit: number | null = null): Promise<SideEffectReport[]> {
    const rows: Row[] = await manager.query(
      `SELECT * FROM side_effect_reports WHERE patient_id = $1 ORDER BY reported_at DESC, created_at DESC, id${limit === null ? '' : ' LIMIT $2'}`,
      limit === null ? [patientId] : [patientId, limit],
    );
    return rows.map(toSideEffect);
  }

  // ---- Check-ups ----

  async insertCheckUp(
    manager: EntityManager,
    checkUp: Omit<CheckUp, 'id' | 'createdAt'> & { clinicId: string; recordedByUserId: string | null },
  ): Promise<CheckUp> {
    const rows: Row[] = await manager.query(
      `INSERT INTO check_ups (patient_id, clinic_id, at, modified_ashworth, patient_rating, note, recorded_by_user_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [
        checkUp.patientId,
        checkUp.clinicId,
        new Date(checkUp.at),
        checkUp.modifiedAshworth,
        checkUp.patientRating,
        checkUp.note,
        checkUp.recordedByUserId,
      ],
    );
    return toCheckUp(rows[0]);
  }

  /** Oldest first. */
  async checkUpsOf(manager: EntityManager, patientId: string): Promise<CheckUp[]> {
    const rows: Row[] = await manager.query('SELECT * FROM check_ups WHERE patient_id = $1 ORDER BY at, created_at, id', [patientId]);
    return rows.map(toCheckUp);
  }

  // ---- Taper plans ----

  async insertTaperPlan(
    manager: EntityManager,
    plan: TaperPlan & { patientId: string; clinicId: string; createdByUserId: string | null; stepLimitFindings: TaperStepLimitFinding[] },
  ): Promise<TaperPlanRow> {
    const rows: Row[] = await manager.query(
      `INSERT INTO taper_plans (patient_id, clinic_id, status, starts_at, steps, bridge, reintroduction_dose_mcg_per_day, note, created_by_user_id,
         step_limit_findings, step_limit_override_reason)
       VALUES ($1, $2, 'active', $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9::jsonb, $10) RETURNING *`,
      [
        plan.patientId,
        plan.clinicId,
        new Date(plan.startsAt),
        JSON.stringify(plan.steps),
        JSON.stringify(plan.bridge),
        plan.reintroductionDoseMcgPerDay,
        plan.note ?? null,
        plan.createdByUserId,
        JSON.stringify(plan.stepLimitFindings),
        plan.stepLimitOverrideReason ?? null,
      ],
    );
    return toTaperPlan(rows[0]);
  }

  /** Newest first. */
  async taperPlansOf(manager: EntityManager, patientId: string): Promise<TaperPlanRow[]> {
    const rows: Row[] = await manager.query('SELECT * FROM taper_plans WHERE patient_id = $1 ORDER BY created_at DESC, id', [patientId]);
    return rows.map(toTaperPlan);
  }

  async activeTaperPlan(manager: EntityManager, patientId: string): Promise<TaperPlanRow | null> {
    const rows: Row[] = await manager.query(`SELECT * FROM taper_plans WHERE patient_id = $1 AND status = 'active'`, [patientId]);
    return rows.length === 0 ? null : toTaperPlan(rows[0]);
  }

  async taperPlan(manager: EntityManager, id: string, lock: boolean): Promise<TaperPlanRow | null> {
    const rows: Row[] = await manager.query(`SELECT * FROM taper_plans WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows.length === 0 ? null : toTaperPlan(rows[0]);
  }

  async endTaperPlan(
    manager: EntityManager,
    id: string,
    status: Exclude<TaperPlanStatus, 'active'>,
    at: Date,
    note: string,
  ): Promise<TaperPlanRow> {
    // TypeORM answers an UPDATE ... RETURNING as [rows, affected count].
    const [rows]: [Row[], number] = await manager.query(
      'UPDATE taper_plans SET status = $2, ended_at = $3, end_note = $4 WHERE id = $1 RETURNING *',
      [id, status, at, note],
    );
    return toTaperPlan(rows[0]);
  }

  // ---- Dose history ----

  /**
   * Every change of the patient's daily dose, oldest first: the programs of their programmable pumps, and for constant-flow pumps each
   * fill's concentration times the labelled flow (the dose changes only there).
   */
  async doseHistory(manager: EntityManager, patientId: string): Promise<DoseHistoryEntry[]> {
    const rows: Row[] = await manager.query(
      `SELECT 'program' AS source, pr.id AS source_id, pr.effective_from AS at, pr.dose_mcg_per_day AS dose, pr.dose_change_reason,
         u.id AS pump_id, u.serial_number
       FROM programs pr JOIN pumps u ON u.id = pr.pump_id
       WHERE u.patient_id = $1 AND u.model_id <> 'constant-flow'
       UNION ALL
       SELECT 'fill', f.id, f.filled_at, f.concentration_mcg_per_ml * u.flow_rate_ml_per_day, f.dose_change_reason, u.id, u.serial_number
       FROM fills f JOIN pumps u ON u.id = f.pump_id
       WHERE u.patient_id = $1 AND u.model_id = 'constant-flow' AND u.flow_rate_ml_per_day IS NOT NULL
       ORDER BY at, source_id`,
      [patientId],
    );
    return rows.map((row) => ({
      at: iso(row.at),
      doseMcgPerDay: num(row.dose),
      source: row.source as DoseHistoryEntry['source'],
      sourceId: row.source_id as string,
      pumpId: row.pump_id as string,
      pumpSerialNumber: row.serial_number as string,
      doseChangeReason: row.dose_change_reason as string | null,
    }));
  }

  /** The patient's active pump (id and implant date), null when none. */
  async activePumpOf(manager: EntityManager, patientId: string): Promise<{ id: string; implantDate: string } | null> {
    const rows: Row[] = await manager.query('SELECT id, implant_date FROM pumps WHERE patient_id = $1 AND explanted_at IS NULL', [
      patientId,
    ]);
    return rows.length === 0 ? null : { id: rows[0].id as string, implantDate: toIsoDate(rows[0].implant_date as string | Date) };
  }

  // ---- The minute sweep ----

  /** Patients the sweep judges: those with an active pump, and those with a labs-due or review alert still unresolved. */
  async sweepPatientIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT patient_id AS id FROM pumps WHERE explanted_at IS NULL
       UNION SELECT patient_id FROM alerts WHERE subject_type = 'patient' AND status <> 'resolved' AND kind IN ('labs_due', 'clinical_review_overdue')
       ORDER BY 1`,
    );
    return rows.map((r) => r.id);
  }

  async timeFacts(manager: EntityManager, patientIds: readonly string[], now: Date): Promise<Map<string, PatientTimeFacts>> {
    const facts = new Map<string, PatientTimeFacts>();
    if (patientIds.length === 0) return facts;
    const rows: Row[] = await manager.query(
      `SELECT p.id, p.clinic_id, c.time_zone, c.labs_interval_months, c.review_interval_months,
         (SELECT max(l.taken_at) FROM lab_results l WHERE l.patient_id = p.id AND l.taken_at <= $2) AS last_lab_taken_at,
         (SELECT max(k.at) FROM check_ups k WHERE k.patient_id = p.id AND k.at <= $2) AS last_check_up_at,
         (SELECT min(u.implant_date) FROM pumps u WHERE u.patient_id = p.id AND u.explanted_at IS NULL) AS active_implant_date
       FROM patients p JOIN clinics c ON c.id = p.clinic_id WHERE p.id = ANY($1::uuid[])`,
      [patientIds, now],
    );
    for (const row of rows) {
      facts.set(row.id as string, {
        patientId: row.id as string,
        clinicId: row.clinic_id as string,
        timeZone: row.time_zone as string,
        labsIntervalMonths: num(row.labs_interval_months),
        reviewIntervalMonths: num(row.review_interval_months),
        lastLabTakenAt: isoOrNull(row.last_lab_taken_at),
        lastCheckUpAt: isoOrNull(row.last_check_up_at),
        activeImplantDate: row.active_implant_date === null ? null : toIsoDate(row.active_implant_date as string | Date),
      });
    }
    return facts;
  }
}
