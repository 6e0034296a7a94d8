// Taper plans: what the schema refuses, the planned dose over time, and the oral bridge cut at every kidney-function band edge.
import { bridgeDoseForRenalFunction, CreateTaperPlanRequest, plannedDoseAt, taperPlanSchema, taperStepAt } from './taper-plan';

const PLAN: CreateTaperPlanRequest = {
  startsAt: '2026-04-01T08:00:00Z',
  steps: [
    { at: '2026-04-01T08:00:00Z', targetDoseMcgPerDay: 200 },
    { at: '2026-04-08T08:00:00Z', targetDoseMcgPerDay: 150 },
    { at: '2026-04-15T08:00:00Z', targetDoseMcgPerDay: 0 },
  ],
  bridge: { drug: 'oral_baclofen', doseMgPerDay: 30 },
  reintroductionDoseMcgPerDay: 50,
};
const fieldsOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] =>
  result.success ? [] : result.error!.issues.map((issue) => issue.path.map(String).join('.'));

describe('taperPlanSchema', () => {
  it('accepts a plan whose steps go down in time order, down to 0', () => {
    expect(taperPlanSchema.safeParse(PLAN).success).toBe(true);
  });

  it.each([
    ['steps out of time order', { steps: [PLAN.steps[0], { at: '2026-03-31T08:00:00Z', targetDoseMcgPerDay: 150 }] }, 'steps.1.at'],
    ['two steps at the same instant', { steps: [PLAN.steps[0], { at: '2026-04-01T08:00:00Z', targetDoseMcgPerDay: 150 }] }, 'steps.1.at'],
    [
      'a step that raises the dose',
      { steps: [PLAN.steps[0], { at: '2026-04-08T08:00:00Z', targetDoseMcgPerDay: 250 }] },
      'steps.1.targetDoseMcgPerDay',
    ],
    ['a first step before startsAt', { startsAt: '2026-04-02T00:00:00Z' }, 'steps.0.at'],
    ['no step', { steps: [] }, 'steps'],
    ['a negative target', { steps: [{ at: '2026-04-01T08:00:00Z', targetDoseMcgPerDay: -1 }] }, 'steps.0.targetDoseMcgPerDay'],
    ['a step instant without offset', { steps: [{ at: '2026-04-01T08:00:00', targetDoseMcgPerDay: 200 }] }, 'steps.0.at'],
    ['another bridge drug', { bridge: { drug: 'morphine', doseMgPerDay: 30 } }, 'bridge.drug'],
    ['a bridge dose above 150 mg/day', { bridge: { drug: 'oral_baclofen', doseMgPerDay: 151 } }, 'bridge.doseMgPerDay'],
    ['a re-introduction dose of 0', { reintroductionDoseMcgPerDay: 0 }, 'reintroductionDoseMcgPerDay'],
  ])('refuses %s', (_name, over, field) => {
    expect(fieldsOf(taperPlanSchema.safeParse({ ...PLAN, ...over }))).toEqual([field]);
  });

  it('allows a plateau (two steps at the same dose)', () => {
    expect(
      taperPlanSchema.safeParse({ ...PLAN, steps: [PLAN.steps[0], { at: '2026-04-08T08:00:00Z', targetDoseMcgPerDay: 200 }] }).success,
    ).toBe(true);
  });
});

describe('plannedDoseAt', () => {
  const plan = taperPlanSchema.parse(PLAN);
  it.each([
    ['2026-04-01T07:59:59Z', null, null], // before the first step
    ['2026-04-01T08:00:00Z', 200, 0], // at the first step
    ['2026-04-08T07:59:59Z', 200, 0],
    ['2026-04-08T08:00:00Z', 150, 1],
    ['2026-04-15T09:00:00+01:00', 0, 2], // = 08:00Z, with an offset
    ['2026-06-01T00:00:00Z', 0, 2], // the last step holds until the plan ends
  ])('at %s: %p mcg/day (step %p)', (at, dose, index) => {
    expect(plannedDoseAt(plan, at)).toBe(dose);
    expect(taperStepAt(plan, at)?.index ?? null).toBe(index);
  });
});

describe('bridgeDoseForRenalFunction', () => {
  it.each([
    // [dose mg/day, CrCl, recommended, fraction]
    [30, 90, 30, 0],
    [30, 80.1, 30, 0], // above 80: no reduction
    [30, 80, 20, 1 / 3], // 30 x (1 - 1/3) = 20
    [30, 50, 20, 1 / 3], // exactly 50: the milder band
    [30, 49.9, 15, 1 / 2], // 30 x 1/2 = 15
    [30, 30, 15, 1 / 2], // exactly 30: the milder band
    [30, 29.9, 10, 2 / 3], // 30 x (1 - 2/3) = 10
    [30, 5, 10, 2 / 3],
    [20, 60, 13.3, 1 / 3], // 20 x 2/3 = 13.33 -> 13.3
  ])('%f mg/day at CrCl %f: %f mg/day', (dose, crcl, recommended, fraction) => {
    const advice = bridgeDoseForRenalFunction(dose, crcl);
    expect(advice.recommendedMgPerDay).toBe(recommended);
    expect(advice.reductionFraction).toBeCloseTo(fraction, 12);
  });

  it('says what to do and that it is not applied', () => {
    expect(bridgeDoseForRenalFunction(30, 42).reason).toBe(
      'Creatinine clearance 42 mL/min: reduce the oral baclofen dose by 1/2, from 30 to 15 mg/day (Vlavonou 2014). For the clinician to decide; not applied automatically.',
    );
  });

  it('recommends nothing without a clearance', () => {
    expect(bridgeDoseForRenalFunction(30, null)).toMatchObject({ recommendedMgPerDay: null, reductionFraction: null });
  });
});
