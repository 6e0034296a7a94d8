// Labs due and review overdue over time: both sides of each due instant, the implant as the first review basis, no therapy.
import { patientTimeFindings, PatientTimeRulesInput, reviewStatus } from './patient-time-rules';

const base: PatientTimeRulesInput = {
  now: '2026-06-01T12:00:00Z',
  timeZone: 'Europe/Paris',
  onTherapy: true,
  lastLabTakenAt: '2026-01-15T08:00:00Z',
  labsIntervalMonths: 12,
  lastCheckUpAt: '2026-03-01T09:00:00Z',
  implantDate: '2025-01-10',
  reviewIntervalMonths: 6,
};
const kinds = (over: Partial<PatientTimeRulesInput>) => patientTimeFindings({ ...base, ...over }).findings.map((f) => f.kind);

describe('patientTimeFindings', () => {
  it('finds nothing with a recent lab and check-up, and judges both kinds', () => {
    expect(patientTimeFindings(base)).toEqual({ findings: [], evaluatedKinds: ['labs_due', 'clinical_review_overdue'] });
  });

  it.each([
    // Lab 2026-01-15T08:00Z + 12 calendar months (Paris) = 2027-01-15T08:00Z.
    ['2027-01-15T07:59:59Z', []],
    ['2027-01-15T08:00:00Z', ['labs_due']],
  ])('labs due at %s: %j', (now, expected) => {
    expect(kinds({ now, lastCheckUpAt: now })).toEqual(expected);
  });

  it('is due at once without any creatinine on record', () => {
    expect(kinds({ lastLabTakenAt: null })).toEqual(['labs_due']);
  });

  it.each([
    // Check-up 2026-03-01T09:00Z + 6 months (Paris, CET -> CEST keeps 10:00 local) = 2026-09-01T08:00Z; overdue strictly after.
    ['2026-09-01T08:00:00Z', []],
    ['2026-09-01T08:00:01Z', ['clinical_review_overdue']],
  ])('review overdue at %s: %j', (now, expected) => {
    expect(kinds({ now, lastLabTakenAt: now })).toEqual(expected);
  });

  it('counts the review from the implant (start of that day in the clinic zone) when no check-up is recorded', () => {
    // 2025-01-10 00:00 Paris = 2025-01-09T23:00Z; + 6 months = 2025-07-10 00:00 Paris = 2025-07-09T22:00Z.
    expect(
      reviewStatus({
        lastCheckUpAt: null,
        implantDate: '2025-01-10',
        intervalMonths: 6,
        now: '2025-07-09T22:00:01Z',
        timeZone: 'Europe/Paris',
      }),
    ).toEqual({
      lastReviewAt: '2025-01-09T23:00:00.000Z',
      basis: 'implant',
      dueAt: '2025-07-09T22:00:00.000Z',
      due: true,
      overdue: true,
      intervalMonths: 6,
    });
    const [finding] = patientTimeFindings({
      ...base,
      lastCheckUpAt: null,
      now: '2025-07-09T22:00:01Z',
      lastLabTakenAt: '2025-07-01T00:00:00Z',
    }).findings;
    expect(finding).toMatchObject({
      kind: 'clinical_review_overdue',
      severity: 'warning',
      facts: { basis: 'implant', dueAt: '2025-07-09T22:00:00.000Z' },
    });
    expect(finding.message).toMatch(/^No check-up is recorded since the implant on 2025-01-10; the clinic reviews every 6 months/);
  });

  it('says the review is due (not overdue) with nothing to count from', () => {
    expect(reviewStatus({ lastCheckUpAt: null, implantDate: null, intervalMonths: 6, now: base.now, timeZone: 'UTC' })).toEqual({
      lastReviewAt: null,
      basis: 'none',
      dueAt: null,
      due: true,
      overdue: false,
      intervalMonths: 6,
    });
  });

  it('judges nothing due without an active pump, so open alerts of both kinds resolve', () => {
    expect(patientTimeFindings({ ...base, onTherapy: false, lastLabTakenAt: null, now: '2030-01-01T00:00:00Z' })).toEqual({
      findings: [],
      evaluatedKinds: ['labs_due', 'clinical_review_overdue'],
    });
  });
});
