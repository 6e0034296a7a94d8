// The minute sweep's step for patients: labs due and review overdue come due with time alone. Reads without the lock first, then
// re-judges under the alert engine's evaluation lock only the patients whose alerts would change.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { AlertEngine } from '../alerts/alert-engine.service';
import { Clock } from '../infra/clock';
import { ClinicalAlertRulesService, timeEvaluation } from './clinical-alert-rules.service';
import { ClinicalSafetyRepository } from './clinical-safety.repository';
import { PatientAlertsService } from './patient-alerts.service';

/** Patients read at once. */
const SWEEP_CHUNK = 500;

@Injectable()
export class PatientAlertSweep implements OnModuleInit {
  constructor(
    private readonly engine: AlertEngine,
    private readonly repository: ClinicalSafetyRepository,
    private readonly rules: ClinicalAlertRulesService,
    private readonly patientAlerts: PatientAlertsService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.engine.registerSweepStep((now) => this.sweep(now));
  }

  async sweep(now: Date = this.clock.now()): Promise<{ checked: number; changed: number }> {
    const ids = await this.repository.sweepPatientIds();
    let changed = 0;
    for (let i = 0; i < ids.length; i += SWEEP_CHUNK) {
      const chunk = ids.slice(i, i + SWEEP_CHUNK);
      const facts = await this.repository.timeFacts(this.repository.manager, chunk, now);
      const evaluations = new Map([...facts.values()].map((fact) => [fact.patientId, timeEvaluation(fact, now)]));
      const due = await this.patientAlerts.wouldChange(this.repository.manager, evaluations, 'sweep');
      for (const patientId of due) {
        await this.engine.withEvaluationLock(async (manager) => {
          await manager.query('SELECT 1 FROM patients WHERE id = $1 FOR UPDATE', [patientId]);
          await this.rules.evaluateTime(manager, patientId, now, 'sweep');
        });
      }
      changed += due.length;
    }
    return { checked: ids.length, changed };
  }
}
