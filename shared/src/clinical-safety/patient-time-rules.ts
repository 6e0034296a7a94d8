// Patient alerts that come due with time alone: labs due and clinical review overdue, as alert findings the server applies at each
// write and in the minute sweep.
import { DateTime } from 'luxon';
import type { AlertFinding, AlertKind } from '../alerts/alert-contracts';
import { DomainError } from '../domain-error';
import { reviewDue, ReviewDue } from './check-ups';
import { renalFlags } from './renal-flags';

/** The kinds these rules judge: absent from the findings means cleared. */
export const PATIENT_TIME_ALERT_KINDS: readonly AlertKind[] = ['labs_due', 'clinical_review_overdue'];

export interface ReviewStatus extends ReviewDue {
  /** The latest check-up, else the active pump's implant (start of that day in the clinic's zone), else null. */
  lastReviewAt: string | null;
  basis: 'check_up' | 'implant' | 'none';
  intervalMonths: number;
}

/** When the next clinical review is due: counted from the latest check-up, or from the implant when none is recorded. */
export function reviewStatus(input: {
  lastCheckUpAt: string | null;
  implantDate: string | null;
  intervalMonths: number;
  now: string;
  timeZone: string;
}): ReviewStatus {
  let lastReviewAt: string | null = input.lastCheckUpAt;
  let basis: ReviewStatus['basis'] = lastReviewAt === null ? 'none' : 'check_up';
  if (lastReviewAt === null && input.implantDate !== null) {
    const implant = DateTime.fromISO(input.implantDate, { zone: input.timeZone });
    if (!implant.isValid) throw DomainError.rule('implantDate', 'must be a date YYYY-MM-DD');
    lastReviewAt = implant.toUTC().toISO() as string;
    basis = 'implant';
  }
  return {
    ...reviewDue(lastReviewAt, input.intervalMonths, input.now, input.timeZone),
    lastReviewAt,
    basis,
    intervalMonths: input.intervalMonths,
  };
}

export interface PatientTimeRulesInput {
  now: string;
  timeZone: string;
  /** An active pump: therapy under way. Without one neither rule applies (open alerts of these kinds resolve). */
  onTherapy: boolean;
  /** The latest serum creatinine taken at or before now. */
  lastLabTakenAt: string | null;
  labsIntervalMonths: number;
  lastCheckUpAt: string | null;
  /** YYYY-MM-DD of the active pump's implant. */
  implantDate: string | null;
  reviewIntervalMonths: number;
}

/** Labs due and review overdue, each a warning (neither pages); judged only while the patient has an active pump. */
export function patientTimeFindings(input: PatientTimeRulesInput): { findings: AlertFinding[]; evaluatedKinds: AlertKind[] } {
  const evaluatedKinds = [...PATIENT_TIME_ALERT_KINDS];
  if (!input.onTherapy) return { findings: [], evaluatedKinds };
  const findings: AlertFinding[] = [];
  const results =
    input.lastLabTakenAt === null ? [] : [{ takenAt: input.lastLabTakenAt, creatinineClearanceMlPerMin: null, egfrMlPerMin173m2: null }];
  const labsDue = renalFlags({ results, now: input.now, labsIntervalMonths: input.labsIntervalMonths, timeZone: input.timeZone }).find(
    (f) => f.kind === 'labs_due',
  );
  if (labsDue)
    findings.push({ kind: labsDue.kind, severity: labsDue.severity, title: labsDue.title, message: labsDue.message, facts: labsDue.facts });

  const review = reviewStatus({
    lastCheckUpAt: input.lastCheckUpAt,
    implantDate: input.implantDate,
    intervalMonths: input.reviewIntervalMonths,
    now: input.now,
    timeZone: input.timeZone,
  });
  if (review.overdue) {
    const since =
      review.basis === 'check_up'
        ? `The last clinical review was on ${review.lastReviewAt?.slice(0, 10)}`
        : `No check-up is recorded since the implant on ${input.implantDate}`;
    findings.push({
      kind: 'clinical_review_overdue',
      severity: 'warning',
      title: 'Clinical review overdue',
      message:
        `${since}; the clinic reviews every ${input.reviewIntervalMonths} months (due ${review.dueAt?.slice(0, 10)}). ` +
        "Book a check-up: spasticity score, the patient's rating, side effects and the dose.",
      facts: {
        lastReviewAt: review.lastReviewAt,
        basis: review.basis,
        dueAt: review.dueAt,
        reviewIntervalMonths: input.reviewIntervalMonths,
      },
    });
  }
  return { findings, evaluatedKinds };
}
