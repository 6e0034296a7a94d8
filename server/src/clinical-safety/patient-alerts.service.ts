// Writes alerts about a patient (subject 'patient', no pump) through the AlertWriter, so they get their events (alert.raised /
// alert.updated on the socket), history, audit rows and paging like every pump alert. Called inside the caller's transaction.
import { Injectable } from '@nestjs/common';
import { planAlertChanges } from '@pumpwatch/shared';
import type { AlertFinding, AlertKind, EvaluationTrigger, OpenAlertState, PlannedAlertChange } from '@pumpwatch/shared';
import type { EntityManager } from 'typeorm';
import { AlertWriter } from '../alerts/alert-writer';
import { alertOpenState as openState, CONDITION_CLEARED_NOTE, plannedAlertWrite } from '../alerts/planned-alert-write';
import { AlertRecord, AlertsRepository, AlertSubjectInfo } from '../alerts/alerts.repository';

export interface PatientAlertEvaluation {
  findings: AlertFinding[];
  /** Kinds judged now: an open alert of one of them without a finding resolves. Kinds raised by one write (a report, a dose change) are never listed. */
  evaluatedKinds: AlertKind[];
}

export interface PatientSubject {
  patientId: string;
  clinicId: string;
}

@Injectable()
export class PatientAlertsService {
  constructor(
    private readonly repository: AlertsRepository,
    private readonly writer: AlertWriter,
  ) {}

  /** Patients whose open alerts the evaluations would change, without writing or locking (the sweep's first look). */
  async wouldChange(
    manager: EntityManager,
    evaluations: ReadonlyMap<string, PatientAlertEvaluation>,
    trigger: EvaluationTrigger,
  ): Promise<string[]> {
    const records = await this.repository.unresolvedOfSubjects(manager, [...evaluations.keys()], false);
    const open = new Map<string, OpenAlertState[]>();
    for (const r of records) if (r.subjectType === 'patient') open.set(r.subjectId, [...(open.get(r.subjectId) ?? []), openState(r)]);
    return [...evaluations.entries()]
      .filter(([id, evaluation]) => planAlertChanges(open.get(id) ?? [], evaluation, trigger).length > 0)
      .map(([id]) => id);
  }

  /**
   * Applies the evaluation to the patient's open alerts: raise, re-fire, restate or resolve. A kind raised by one write that fires
   * again while its alert was acknowledged is a new occurrence: the alert opens again so it reaches a person.
   */
  async apply(
    manager: EntityManager,
    subject: PatientSubject,
    evaluation: PatientAlertEvaluation,
    trigger: EvaluationTrigger,
    now: Date,
  ): Promise<AlertRecord[]> {
    const open = await this.openOf(manager, subject.patientId, true);
    const records = new Map(open.map((r) => [r.id, r]));
    const judged = new Set(evaluation.evaluatedKinds);
    const changes = planAlertChanges(open.map(openState), evaluation, trigger).map((change): PlannedAlertChange => {
      const before = change.type === 'refire' ? records.get(change.alertId) : undefined;
      if (change.type === 'refire' && before && before.status === 'acknowledged' && !judged.has(before.kind)) {
        return { type: 'restate', alertId: change.alertId, finding: change.finding, reopen: true };
      }
      return change;
    });
    if (changes.length === 0) return [];
    const info = (await this.repository.subjectInfo(manager, [{ patientId: subject.patientId, pumpId: null }])).get(
      subject.patientId,
    ) as AlertSubjectInfo;
    const writes = changes.map((change) =>
      plannedAlertWrite(
        change,
        records,
        {
          clinicId: subject.clinicId,
          patientId: subject.patientId,
          pumpId: null,
          subjectType: 'patient',
          info,
          resolvedNote: CONDITION_CLEARED_NOTE,
        },
        now,
      ),
    );
    return this.writer.writeMany(manager, writes);
  }

  private async openOf(manager: EntityManager, patientId: string, lock: boolean): Promise<AlertRecord[]> {
    // subject_id is the patient only for patient alerts (a pump alert's subject is its pump).
    return (await this.repository.unresolvedOfSubjects(manager, [patientId], lock)).filter((r) => r.subjectType === 'patient');
  }
}
