// Re-judges a patient's kidney and review alerts from what is stored now, inside the caller's transaction: after a lab result or a
// check-up is recorded (trigger data_changed) and from the minute sweep (labs due and review overdue come due with time alone).
import { Injectable } from '@nestjs/common';
import { ageInWholeYears, patientTimeFindings, renalFlags } from '@pumpwatch/shared';
import type { AlertFinding, AlertKind, EvaluationTrigger } from '@pumpwatch/shared';
import type { EntityManager } from 'typeorm';
import type { AlertRecord } from '../alerts/alerts.repository';
import { toIsoDate } from '../infra/iso';
import { PatientEntity } from '../patients/patient.entity';
import { ClinicalSafetyRepository, PatientClinic, PatientTimeFacts } from './clinical-safety.repository';
import { PatientAlertEvaluation, PatientAlertsService } from './patient-alerts.service';

export const RENAL_ALERT_KINDS: AlertKind[] = ['renal_dose_review', 'renal_function_fall', 'labs_due'];

/** Labs due and review overdue from the sweep's facts (labs due only while the patient has an active pump). */
export function timeEvaluation(facts: PatientTimeFacts, now: Date): PatientAlertEvaluation {
  return patientTimeFindings({
    now: now.toISOString(),
    timeZone: facts.timeZone,
    onTherapy: facts.activeImplantDate !== null,
    lastLabTakenAt: facts.lastLabTakenAt,
    labsIntervalMonths: facts.labsIntervalMonths,
    lastCheckUpAt: facts.lastCheckUpAt,
    implantDate: facts.activeImplantDate,
    reviewIntervalMonths: facts.reviewIntervalMonths,
  });
}

@Injectable()
export class ClinicalAlertRulesService {
  constructor(
    private readonly repository: ClinicalSafetyRepository,
    private readonly patientAlerts: PatientAlertsService,
  ) {}

  /** Dose review (below 50, urgent below 30 mL/min; eGFR below 60 at 65 or older), a fall of more than 25%, labs due: from every stored result. */
  async evaluateRenal(manager: EntityManager, patient: PatientClinic, now: Date): Promise<AlertRecord[]> {
    const labs = await this.repository.labsOf(manager, patient.patientId);
    const onTherapy = (await this.repository.activePumpOf(manager, patient.patientId)) !== null;
    const entity = await manager.findOneByOrFail(PatientEntity, { id: patient.patientId });
    const ageYears = ageInWholeYears(toIsoDate(entity.birthDate), now.toISOString(), patient.timeZone);
    const flags = renalFlags({
      results: labs,
      now: now.toISOString(),
      labsIntervalMonths: patient.settings.labsIntervalMonths,
      timeZone: patient.timeZone,
      ageYears,
    });
    const findings: AlertFinding[] = flags
      .filter((f) => f.kind !== 'labs_due' || onTherapy)
      .map((f) => ({ kind: f.kind, severity: f.severity, title: f.title, message: f.message, facts: f.facts }));
    return this.patientAlerts.apply(manager, patient, { findings, evaluatedKinds: RENAL_ALERT_KINDS }, 'data_changed', now);
  }

  /** Labs due and review overdue now (both come due with time; the sweep calls this with trigger 'sweep'). */
  async evaluateTime(
    manager: EntityManager,
    patientId: string,
    now: Date,
    trigger: EvaluationTrigger,
    only?: AlertKind,
  ): Promise<AlertRecord[]> {
    const facts = (await this.repository.timeFacts(manager, [patientId], now)).get(patientId);
    if (!facts) return [];
    const evaluation = timeEvaluation(facts, now);
    const narrowed =
      only === undefined ? evaluation : { findings: evaluation.findings.filter((f) => f.kind === only), evaluatedKinds: [only] };
    return this.patientAlerts.apply(manager, { patientId, clinicId: facts.clinicId }, narrowed, trigger, now);
  }
}
