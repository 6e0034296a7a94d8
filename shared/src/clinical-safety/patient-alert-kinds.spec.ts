// Patient alert kinds (issue 7) stay out of the pump evaluation: a pump sweep never judges, so never resolves, a patient alert.
import { ALERT_KIND_INFO, ALERT_KINDS } from '../alerts/alert-contracts';
import { planAlertChanges } from '../alerts/alert-lifecycle';
import { evaluatePumpAlerts, PumpAlertInput } from '../alerts/evaluate-pump';

const PATIENT_KINDS = [
  'renal_dose_review',
  'renal_function_fall',
  'labs_due',
  'mental_status_change',
  'clinical_review_overdue',
  'tolerance_suspected',
  'escalation_above_range',
  'abrupt_dose_reduction',
  'overdose_watch',
] as const;

// An explanted pump: every pump kind is judged and none fires, so a pump kind open here would resolve.
const explanted = { explanted: true, telemetryKnown: true } as unknown as PumpAlertInput;

describe('patient alert kinds', () => {
  it('are all about a patient, and only abrupt_dose_reduction carries the withdrawal checklist', () => {
    for (const kind of PATIENT_KINDS) {
      expect(ALERT_KINDS).toContain(kind);
      expect([kind, ALERT_KIND_INFO[kind].subject, ALERT_KIND_INFO[kind].withdrawalRisk]).toEqual([
        kind,
        'patient',
        kind === 'abrupt_dose_reduction',
      ]);
    }
  });

  it('are never judged by the pump evaluation', () => {
    const judged = evaluatePumpAlerts(explanted).evaluatedKinds;
    for (const kind of PATIENT_KINDS) expect(judged).not.toContain(kind);
    expect(judged.every((kind) => ALERT_KIND_INFO[kind].subject === 'pump')).toBe(true);
  });

  it('so a pump evaluation plans no change to an open patient alert', () => {
    const open = PATIENT_KINDS.map((kind, i) => ({
      id: `a${i}`,
      kind,
      severity: 'urgent' as const,
      title: kind,
      status: 'open' as const,
      conditionClearedAt: null,
    }));
    expect(planAlertChanges(open, evaluatePumpAlerts(explanted), 'sweep')).toEqual([]);
  });
});
