// Taper plan step limits at and around each value: the per-step cut (clinic percent), a step to 0, and the minimum spacing.
import { taperStepLimitFindings, TaperStepLimitInput } from './taper-step-limits';

const step = (at: string, targetDoseMcgPerDay: number) => ({ at, targetDoseMcgPerDay });
const kinds = (input: TaperStepLimitInput) => taperStepLimitFindings(input).map((f) => `${f.stepIndex}:${f.kind}`);

describe('taper step limits', () => {
  it.each([
    // [case, dose at start, steps, expected]
    [
      '20% per step is the limit itself (300 -> 240 -> 192)',
      300,
      [step('2026-04-01T08:00:00Z', 240), step('2026-04-02T08:00:00Z', 192)],
      [],
    ],
    ['a first step of 20.3% (300 -> 239)', 300, [step('2026-04-01T08:00:00Z', 239)], ['0:reduction_above_limit']],
    ['a first step of 19.7% (300 -> 241)', 300, [step('2026-04-01T08:00:00Z', 241)], []],
    [
      'a later step of 20.8% (240 -> 190)',
      300,
      [step('2026-04-01T08:00:00Z', 240), step('2026-04-02T08:00:00Z', 190)],
      ['1:reduction_above_limit'],
    ],
    ['a step to 0 from 10 (any stop)', 12, [step('2026-04-01T08:00:00Z', 10), step('2026-04-02T08:00:00Z', 0)], ['1:step_to_zero']],
    ['a second 0 after a 0 is no new stop', 10, [step('2026-04-01T08:00:00Z', 0), step('2026-04-02T08:00:00Z', 0)], ['0:step_to_zero']],
    ['a first step of 0 with no dose on record', null, [step('2026-04-01T08:00:00Z', 0)], ['0:step_to_zero']],
    ['a first step with no dose on record cannot be measured', null, [step('2026-04-01T08:00:00Z', 100)], []],
    ['steps exactly 24 h apart', 300, [step('2026-04-01T08:00:00Z', 250), step('2026-04-02T08:00:00Z', 210)], []],
    [
      'steps 23.9 h apart (6 minutes short)',
      300,
      [step('2026-04-01T08:00:00Z', 250), step('2026-04-02T07:54:00Z', 210)],
      ['1:steps_too_close'],
    ],
    ['steps 24.1 h apart', 300, [step('2026-04-01T08:00:00Z', 250), step('2026-04-02T08:06:00Z', 210)], []],
    ['a step that cuts nothing may come sooner', 300, [step('2026-04-01T08:00:00Z', 250), step('2026-04-01T09:00:00Z', 250)], []],
    [
      'a big cut too soon is both',
      300,
      [step('2026-04-01T08:00:00Z', 250), step('2026-04-01T20:00:00Z', 100)],
      ['1:reduction_above_limit', '1:steps_too_close'],
    ],
  ] as const)('%s', (_name, doseAtStart, steps, expected) => {
    expect(kinds({ steps: [...steps], doseAtStartMcgPerDay: doseAtStart })).toEqual(expected);
  });

  it.each([
    // [clinic percent, clinic spacing h, second step, expected]
    [0.3, 24, step('2026-04-02T08:00:00Z', 140), []], // 200 -> 140 = 30%: the clinic's limit
    [0.3, 24, step('2026-04-02T08:00:00Z', 139), ['1:reduction_above_limit']], // 30.5%
    [0.2, 48, step('2026-04-03T08:00:00Z', 160), []], // exactly 48 h
    [0.2, 48, step('2026-04-03T07:00:00Z', 160), ['1:steps_too_close']], // 47 h
  ] as const)("uses the clinic's own limits: %f per step, %f h apart", (fraction, spacing, second, expected) => {
    expect(
      kinds({
        steps: [step('2026-04-01T08:00:00Z', 200), second],
        doseAtStartMcgPerDay: 200,
        abruptReductionFraction: fraction,
        minSpacingHours: spacing,
      }),
    ).toEqual(expected);
  });

  it('says what each finding measured', () => {
    const [finding] = taperStepLimitFindings({ steps: [step('2026-04-01T08:00:00Z', 200)], doseAtStartMcgPerDay: 300 });
    // (300 - 200) / 300 = 33.3%
    expect(finding).toMatchObject({
      kind: 'reduction_above_limit',
      stepIndex: 0,
      fromDoseMcgPerDay: 300,
      toDoseMcgPerDay: 200,
      reductionPercent: 33.3,
      limitPercent: 20,
      minSpacingHours: 24,
    });
    expect(finding.message).toBe(
      "Step 1 (2026-04-01T08:00:00Z) cuts 33.3% from 300 mcg/day to 200 mcg/day, more than the clinic's 20% per step.",
    );
    const [tooClose] = taperStepLimitFindings({
      steps: [step('2026-04-01T08:00:00Z', 250), step('2026-04-01T20:00:00Z', 240)],
      doseAtStartMcgPerDay: 250,
    });
    expect(tooClose).toMatchObject({ kind: 'steps_too_close', hoursSincePreviousStep: 12 });
    expect(tooClose.message).toBe(
      "Step 2 (2026-04-01T20:00:00Z) comes 12 h after the previous step, less than the clinic's 24 h between steps.",
    );
  });

  it.each([0, 1, Number.NaN])('refuses a clinic step of %f', (fraction) => {
    expect(() =>
      taperStepLimitFindings({ steps: [step('2026-04-01T08:00:00Z', 200)], doseAtStartMcgPerDay: 300, abruptReductionFraction: fraction }),
    ).toThrow('abruptReductionFraction');
  });
});
