// Re-introduction after a drug holiday (dose-guard.ts): what counts as one, the pre-holiday dose limit with a reason, the overdose
// watch, and a program that follows a taper plan but goes further than its step.
import { assessDoseChange, DoseChangeInput, DoseHistoryPoint, reintroductionOf, ReintroductionPlan } from './dose-guard';

// Pre-holiday 300 mcg/day from March; the plan steps 300 -> 240 -> 0 and re-introduces at 50.
const HISTORY: DoseHistoryPoint[] = [
  { at: '2026-03-01T08:00:00Z', doseMcgPerDay: 300 },
  { at: '2026-04-01T08:00:00Z', doseMcgPerDay: 240 },
  { at: '2026-04-08T08:00:00Z', doseMcgPerDay: 0 },
];
const PLAN: ReintroductionPlan = {
  startsAt: '2026-04-01T07:00:00Z',
  steps: [
    { at: '2026-04-01T08:00:00Z', targetDoseMcgPerDay: 240 },
    { at: '2026-04-08T08:00:00Z', targetDoseMcgPerDay: 0 },
  ],
  reintroductionDoseMcgPerDay: 50,
  endedAt: null,
};
const AT = '2026-04-15T08:00:00Z';
const guard = (newDose: number, over: Partial<DoseChangeInput> = {}) => {
  const a = assessDoseChange({
    previousDosesInForce: [0],
    newDoseMcgPerDay: newDose,
    context: 'refill_adjustment',
    spasticityOrigin: 'spinal',
    at: AT,
    doseHistory: HISTORY,
    activeTaperPlan: PLAN,
    latestTaperPlan: PLAN,
    ...over,
  });
  return [a.requiresReason, a.findings.map((f) => `${f.kind}/${f.severity}`)];
};

describe('re-introduction after a drug holiday', () => {
  it.each([
    // [case, new dose, requiresReason, findings]
    ['at the planned 50 mcg/day', 50, false, ['taper_step/info', 'overdose_watch/warning']],
    [
      'above the plan, below the pre-holiday dose (restart after a stop)',
      200,
      true,
      ['escalation_above_range/warning', 'overdose_watch/warning'],
    ],
    [
      'at the pre-holiday 300 mcg/day: the tolerance max(1, 2% of 300) = 6',
      306,
      true,
      ['escalation_above_range/warning', 'overdose_watch/warning'],
    ],
    ['above the pre-holiday dose (307 > 306)', 307, true, ['escalation_above_range/warning', 'overdose_watch/warning']],
  ] as const)('%s', (_name, newDose, requiresReason, findings) => {
    expect(guard(newDose)).toEqual([requiresReason, findings]);
  });

  it('needs a reason above the pre-holiday dose, even where the escalation limit would allow the rise', () => {
    // Holiday level 100 (not 0), 100 -> 140 is +40%, the spinal refill limit, so only the pre-holiday rule speaks... at 140 < 150 it is silent.
    const plan: ReintroductionPlan = {
      ...PLAN,
      steps: [{ at: '2026-04-01T08:00:00Z', targetDoseMcgPerDay: 100 }],
      reintroductionDoseMcgPerDay: 110,
    };
    const history = [
      { at: '2026-03-01T08:00:00Z', doseMcgPerDay: 130 },
      { at: '2026-04-01T08:00:00Z', doseMcgPerDay: 100 },
    ];
    const input = {
      previousDosesInForce: [100],
      doseHistory: history,
      activeTaperPlan: null,
      latestTaperPlan: { ...plan, endedAt: '2026-04-10T08:00:00Z' },
    };
    // 100 -> 133: +33% (within 40%) but above the 130 pre-holiday dose + 2.6 tolerance
    expect(guard(133, input)).toEqual([true, ['escalation_above_range/warning', 'overdose_watch/warning']]);
    // 100 -> 132: within the pre-holiday dose's tolerance and the escalation limit: only the watch
    expect(guard(132, input)).toEqual([false, ['overdose_watch/warning']]);
  });

  it('names the pre-holiday dose and the overdose signs, and dates the watch 7 days on in the clinic zone', () => {
    const a = assessDoseChange({
      previousDosesInForce: [0],
      newDoseMcgPerDay: 320,
      context: 'refill_adjustment',
      spasticityOrigin: 'spinal',
      at: AT,
      doseHistory: HISTORY,
      activeTaperPlan: null,
      latestTaperPlan: { ...PLAN, endedAt: '2026-04-10T08:00:00Z' },
      timeZone: 'Europe/Paris',
    });
    const [above, watch] = a.findings;
    expect(above.message).toMatch(/^Re-introduction at 320 mcg\/day is above the 300 mcg\/day in force before the drug holiday/);
    expect(above.message).toContain('Delivery restarts at 320 mcg/day after a stop');
    expect(watch).toMatchObject({
      kind: 'overdose_watch',
      requiresReason: false,
      facts: { preHolidayDoseMcgPerDay: 300, holidayDoseMcgPerDay: 0, watchUntil: '2026-04-22T08:00:00.000Z' },
    });
    expect(watch.message).toMatch(/respiratory depression, drowsiness or somnolence, hypotonia/);
  });

  it.each<[string, ReintroductionPlan, string, number, DoseHistoryPoint[]]>([
    // [case, plan, at, new dose, history extra]
    ['a rise mid-taper, before its last step (at the 240 step)', PLAN, '2026-04-05T08:00:00Z', 250, []],
    ['a second rise after the re-introduction', PLAN, AT, 80, [{ at: '2026-04-12T08:00:00Z', doseMcgPerDay: 50 }]],
    [
      'a plan that never cut below the pre-holiday dose',
      { ...PLAN, steps: [{ at: '2026-04-01T08:00:00Z', targetDoseMcgPerDay: 300 }] },
      AT,
      320,
      [{ at: '2026-04-01T08:00:00Z', doseMcgPerDay: 300 }],
    ],
    ['a cut (not a rise)', PLAN, AT, 0, []],
    ['a plan cancelled before its first step', { ...PLAN, endedAt: '2026-03-20T08:00:00Z' }, AT, 50, []],
  ])('is not a re-introduction: %s', (_name, plan, at, newDose, extra) => {
    expect(reintroductionOf({ plan, history: [...HISTORY, ...extra], at, newDoseMcgPerDay: newDose })).toBeNull();
  });

  it('counts from the step reached when a plan is cancelled mid-way', () => {
    // Cancelled on 04-05 at the 240 step (below the 300 before): the first rise is a re-introduction from 240.
    const re = reintroductionOf({
      plan: { ...PLAN, endedAt: '2026-04-05T08:00:00Z' },
      history: HISTORY.slice(0, 2),
      at: '2026-04-06T08:00:00Z',
      newDoseMcgPerDay: 280,
    });
    expect(re).toMatchObject({ preHolidayDoseMcgPerDay: 300, holidayDoseMcgPerDay: 240 });
  });
});

describe('a program that follows a taper plan but goes further than its step', () => {
  // Pre-taper 300 mcg/day at the plan's start; first step 240 (20%), then 200.
  const plan = {
    startsAt: '2026-04-01T07:00:00Z',
    steps: [
      { at: '2026-04-01T08:00:00Z', targetDoseMcgPerDay: 240 },
      { at: '2026-04-03T08:00:00Z', targetDoseMcgPerDay: 200 },
    ],
    reintroductionDoseMcgPerDay: 100,
  };
  const history = [{ at: '2026-03-01T08:00:00Z', doseMcgPerDay: 300 }];
  const cut = (previous: number[], newDose: number, at: string, extraHistory: DoseHistoryPoint[] = []) => {
    const a = assessDoseChange({
      previousDosesInForce: previous,
      newDoseMcgPerDay: newDose,
      context: 'refill_adjustment',
      spasticityOrigin: 'spinal',
      at,
      doseHistory: [...history, ...extraHistory],
      activeTaperPlan: plan,
    });
    return [a.requiresReason, a.findings.map((f) => `${f.kind}/${f.severity}`)];
  };

  it.each([
    // [case, previous, new, at, extra history, requiresReason, findings]
    ['down to the step (300 -> 240)', [300], 240, '2026-04-01T09:00:00Z', [], false, ['taper_step/info']],
    ['down to the step within its tolerance (236 >= 240 - 4.8)', [300], 236, '2026-04-01T09:00:00Z', [], false, ['taper_step/info']],
    ['further than the step (300 -> 235, 21.7%)', [300], 235, '2026-04-01T09:00:00Z', [], true, ['abrupt_dose_reduction/urgent']],
    ['to the next step early (300 -> 200)', [300], 200, '2026-04-01T09:00:00Z', [], true, ['abrupt_dose_reduction/urgent']],
    // The dose was raised to 400 after the plan started: its first step would now cut 40%.
    [
      'its first step from a dose raised since the plan began (400 -> 240)',
      [400],
      240,
      '2026-04-01T09:00:00Z',
      [{ at: '2026-04-01T07:30:00Z', doseMcgPerDay: 400 }],
      true,
      ['abrupt_dose_reduction/urgent'],
    ],
  ] as const)('%s', (_name, previous, newDose, at, extra, requiresReason, findings) => {
    expect(cut([...previous], newDose, at, [...extra])).toEqual([requiresReason, findings]);
  });
});
