// Side-effect reports: the schema's refusals, and which new or worsening mental-status changes alert, and how urgently.
import { createSideEffectReportSchema, mentalStatusAlert, SideEffectReportInput } from './side-effects';

const NEW_AT = '2026-03-10T09:00:00Z';
const DAY_MS = 24 * 3600_000;
const daysBefore = (days: number): string => new Date(Date.parse(NEW_AT) - days * DAY_MS).toISOString();
const report = (
  kind: SideEffectReportInput['kind'],
  severity: SideEffectReportInput['severity'],
  reportedAt = NEW_AT,
  id?: string,
): SideEffectReportInput => ({ kind, severity, reportedAt, ...(id ? { id } : {}) });
const NORMAL = { latestCrClMlPerMin: 80, ageYears: 40 };
const fieldsOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] =>
  result.success ? [] : result.error!.issues.map((issue) => issue.path.map(String).join('.'));

describe('createSideEffectReportSchema', () => {
  const body = { kind: 'confusion', severity: 'moderate', reportedAt: NEW_AT, reportedBy: 'staff' };
  it('accepts a report, with or without onset date and text', () => {
    expect(createSideEffectReportSchema.safeParse(body).success).toBe(true);
    expect(createSideEffectReportSchema.safeParse({ ...body, onsetOn: '2026-03-08', text: 'Disoriented at the visit' }).success).toBe(true);
  });
  it.each([
    ["kind 'other' without text", { kind: 'other' }, 'text'],
    ["kind 'other' with blank text", { kind: 'other', text: '   ' }, 'text'],
    ['an unknown kind', { kind: 'headache' }, 'kind'],
    ['an unknown severity', { severity: 'extreme' }, 'severity'],
    ['an unknown reporter', { reportedBy: 'family' }, 'reportedBy'],
    ['an onset two days after the report', { onsetOn: '2026-03-12' }, 'onsetOn'],
    ['an instant without offset', { reportedAt: '2026-03-10T09:00:00' }, 'reportedAt'],
  ])('refuses %s', (_name, over, field) => {
    expect(fieldsOf(createSideEffectReportSchema.safeParse({ ...body, ...over }))).toEqual([field]);
  });
  it("accepts 'other' with text", () => {
    expect(createSideEffectReportSchema.safeParse({ ...body, kind: 'other', text: 'Nausea' }).success).toBe(true);
  });
});

describe('mentalStatusAlert', () => {
  it.each([
    // [case, previous, new, patient, expected severity or null]
    ['new mild confusion', [], report('confusion', 'mild'), NORMAL, 'warning'],
    ['new mild memory problems', [], report('memory_problems', 'mild'), NORMAL, 'warning'],
    ['new mild altered mental status', [], report('altered_mental_status', 'mild'), NORMAL, 'warning'],
    ['new mild sedation', [], report('sedation', 'mild'), NORMAL, 'warning'],
    ['moderate drowsiness (counts only when severe)', [], report('drowsiness', 'moderate'), NORMAL, null],
    ['severe drowsiness (severe: urgent)', [], report('drowsiness', 'severe'), NORMAL, 'urgent'],
    ["'other', even severe", [], report('other', 'severe'), NORMAL, null],
    ['CrCl 50 (not below)', [], report('confusion', 'mild'), { latestCrClMlPerMin: 50, ageYears: 40 }, 'warning'],
    ['CrCl 49.9', [], report('confusion', 'mild'), { latestCrClMlPerMin: 49.9, ageYears: 40 }, 'urgent'],
    ['aged 64', [], report('confusion', 'mild'), { latestCrClMlPerMin: 80, ageYears: 64 }, 'warning'],
    ['aged 65', [], report('confusion', 'mild'), { latestCrClMlPerMin: 80, ageYears: 65 }, 'urgent'],
    ['unknown CrCl, aged 40', [], report('confusion', 'mild'), { latestCrClMlPerMin: null, ageYears: 40 }, 'warning'],
    ['the same severity again', [report('confusion', 'mild', daysBefore(10))], report('confusion', 'mild'), NORMAL, null],
    ['an improvement', [report('confusion', 'severe', daysBefore(10))], report('confusion', 'moderate'), NORMAL, null],
    ['a worsening, mild to moderate', [report('confusion', 'mild', daysBefore(10))], report('confusion', 'moderate'), NORMAL, 'warning'],
    [
      'worse than the latest, though not the worst',
      [report('confusion', 'severe', daysBefore(20)), report('confusion', 'mild', daysBefore(10))],
      report('confusion', 'moderate'),
      NORMAL,
      'warning',
    ],
    ['moderate to severe drowsiness', [report('drowsiness', 'moderate', daysBefore(3))], report('drowsiness', 'severe'), NORMAL, 'urgent'],
    [
      'the same kind exactly 30 days before (still recent)',
      [report('confusion', 'mild', daysBefore(30))],
      report('confusion', 'mild'),
      NORMAL,
      null,
    ],
    [
      'the same kind 30 days and 1 s before (new again)',
      [report('confusion', 'mild', new Date(Date.parse(daysBefore(30)) - 1000).toISOString())],
      report('confusion', 'mild'),
      NORMAL,
      'warning',
    ],
    ['another kind before', [report('memory_problems', 'moderate', daysBefore(2))], report('confusion', 'mild'), NORMAL, 'warning'],
    [
      'the new report itself among the previous ones',
      [report('confusion', 'mild', NEW_AT, 'r1')],
      report('confusion', 'mild', NEW_AT, 'r1'),
      NORMAL,
      'warning',
    ],
    [
      'a same-kind report after the new one (ignored)',
      [report('confusion', 'mild', '2026-03-11T09:00:00Z')],
      report('confusion', 'mild'),
      NORMAL,
      'warning',
    ],
  ] as const)('%s: %p', (_name, previous, newReport, patient, severity) => {
    const alert = mentalStatusAlert([...previous], newReport, patient);
    expect(alert?.severity ?? null).toBe(severity);
    if (alert) expect(alert.title).toBe(severity === 'urgent' ? 'Possible neurotoxicity' : 'Mental status change');
  });

  it('says why it is urgent, and to look at both accumulation and withdrawal', () => {
    const alert = mentalStatusAlert([], report('confusion', 'moderate'), { latestCrClMlPerMin: 42, ageYears: 70 });
    expect(alert?.message).toBe(
      'New moderate confusion (reported 2026-03-10); creatinine clearance 42 mL/min (below 50), aged 70. Baclofen accumulating ' +
        "(overdose, failing kidneys) causes confusion and drowsiness; withdrawal also alters mental status: check the dose, kidney function and the pump's delivery.",
    );
    expect(alert?.facts).toMatchObject({
      sideEffectKind: 'confusion',
      sideEffectSeverity: 'moderate',
      previousSeverity: null,
      latestCrClMlPerMin: 42,
      ageYears: 70,
    });
  });

  it('asks for a creatinine when kidney function is unknown', () => {
    expect(mentalStatusAlert([], report('confusion', 'mild'), { latestCrClMlPerMin: null, ageYears: 40 })?.message).toContain(
      'Kidney function is unknown: check a serum creatinine.',
    );
  });
});
