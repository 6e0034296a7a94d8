// Dose-change guard: abrupt cuts and stops, escalation limits per context and origin, taper steps, tolerance and concentration changes.
import { assessDoseChange, DoseChangeInput, fillConcentrationDoseChange, previousDosesInForce } from './dose-guard';
import { taperPlanSchema } from './taper-plan';

const AT = '2026-03-10T09:00:00Z';
const change = (previous: number[], newDose: number, over: Partial<DoseChangeInput> = {}) =>
  assessDoseChange({
    previousDosesInForce: previous,
    newDoseMcgPerDay: newDose,
    context: 'refill_adjustment',
    spasticityOrigin: 'spinal',
    at: AT,
    ...over,
  });
const summary = (a: ReturnType<typeof assessDoseChange>) => [a.requiresReason, a.findings.map((f) => `${f.kind}/${f.severity}`)];

describe('abrupt reduction outside a taper plan', () => {
  it.each([
    // [previous doses in force, new dose, requiresReason, findings]
    [[300], 240, false, []], // (300 - 240) / 300 = 20%: not more than 20%
    [[300], 239, true, ['abrupt_dose_reduction/urgent']], // 61 / 300 = 20.3%
    [[300], 0, true, ['abrupt_dose_reduction/urgent']], // a stop
    [[0.5], 0, true, ['abrupt_dose_reduction/urgent']], // any stop, however small the dose
    [[200, 300], 235, true, ['abrupt_dose_reduction/urgent']], // against the highest in 24 h: 65 / 300 = 21.7%
    [[250], 250, false, []], // no change
    [[], 500, false, []], // a first program: nothing to compare with
  ])('%j -> %f mcg/day', (previous, newDose, requiresReason, findings) => {
    expect(summary(change(previous, newDose))).toEqual([requiresReason, findings]);
  });

  it('says what fell and warns of withdrawal', () => {
    const [finding] = change([300], 180).findings;
    // (300 - 180) / 300 = 40%
    expect(finding).toMatchObject({
      title: 'Abrupt dose reduction',
      requiresReason: true,
      facts: { reductionPercent: 40, comparedWithMcgPerDay: 300, limitPercent: 20 },
    });
    expect(finding.message).toMatch(
      /^The daily dose falls 40% from 300 \(the highest in force during the previous 24 h\) to 180 mcg\/day, more than 20%\. No taper plan is in force\. Abrupt reduction or discontinuation .* life-threatening withdrawal/,
    );
  });

  it('titles a stop as a stop', () => {
    expect(change([300], 0).findings[0].title).toBe('Intrathecal baclofen stopped');
  });

  it.each([
    // [clinic step, new dose from 300, requiresReason]
    [0.1, 270, false], // 30 / 300 = 10%: not more than the clinic's 10%
    [0.1, 269, true], // 31 / 300 = 10.3%
    [0.3, 210, false], // 90 / 300 = 30%
    [0.3, 209, true], // 91 / 300 = 30.3%
  ])("uses the clinic's own step %f: 300 -> %f", (fraction, newDose, requiresReason) => {
    const result = change([300], newDose, { abruptReductionFraction: fraction });
    expect(result.requiresReason).toBe(requiresReason);
    if (requiresReason) expect(result.findings[0].facts.limitPercent).toBe(fraction * 100);
  });

  it.each([0, 1, -0.2, Number.NaN])('refuses a clinic step of %f', (fraction) => {
    expect(() => change([300], 200, { abruptReductionFraction: fraction })).toThrow('abruptReductionFraction');
  });
});

describe('escalation above range', () => {
  it.each([
    // [context, origin, previous, new, flagged]
    ['post_implant_titration', 'spinal', [100], 130, false], // +30%: the limit itself
    ['post_implant_titration', 'spinal', [100], 131, true], // +31%
    ['post_implant_titration', 'cerebral', [100], 115, false], // +15%
    ['post_implant_titration', 'cerebral', [100], 116, true],
    ['refill_adjustment', 'spinal', [100], 140, false], // +40%
    ['refill_adjustment', 'spinal', [100], 141, true],
    ['refill_adjustment', 'cerebral', [100], 120, false], // +20%
    ['refill_adjustment', 'cerebral', [100], 121, true],
    ['refill_adjustment', null, [100], 120, false], // unknown origin: cerebral 20%
    ['refill_adjustment', null, [100], 121, true],
    ['post_implant_titration', null, [100], 116, true], // unknown origin: cerebral 15%
    ['post_implant_titration', 'spinal', [333], 432.9, false], // 333 x 1.3 = 432.9: exactly 30% despite float noise
    ['post_implant_titration', 'spinal', [100, 130], 160, true], // against the lowest in 24 h: +60%, two +23% steps do not pass
  ] as const)('%s, %s origin: %j -> %f flagged %s', (context, origin, previous, newDose, flagged) => {
    const result = change([...previous], newDose, { context, spasticityOrigin: origin });
    expect(summary(result)).toEqual(flagged ? [true, ['escalation_above_range/warning']] : [false, []]);
  });

  it('says when the origin is not recorded and the cerebral limit applies', () => {
    const [finding] = change([100], 130, { spasticityOrigin: undefined }).findings;
    // (130 - 100) / 100 = 30% > 20%
    expect(finding.message).toBe(
      'The daily dose rises 30% from 100 (the lowest in force during the previous 24 h) to 130 mcg/day, above the 20% limit for an adjustment at a refill ' +
        '(spasticity origin not recorded, so the stricter cerebral limit applies).',
    );
    expect(finding.facts).toMatchObject({ limitOrigin: 'cerebral', originRecorded: false, increasePercent: 30, limitPercent: 20 });
  });

  it('asks to confirm a restart after a stop in the previous 24 h, but not a dose already in force', () => {
    expect(summary(change([0], 100))).toEqual([true, ['escalation_above_range/warning']]);
    expect(change([0], 100).findings[0].title).toBe('Restart after a stop');
    expect(summary(change([0, 200], 200))).toEqual([false, []]);
  });
});

describe('with a taper plan', () => {
  // Pre-taper 300 mcg/day; the plan's own first step is a 33% cut, chosen by the clinician.
  const plan = taperPlanSchema.parse({
    startsAt: '2026-04-01T08:00:00Z',
    steps: [
      { at: '2026-04-01T08:00:00Z', targetDoseMcgPerDay: 200 },
      { at: '2026-04-08T08:00:00Z', targetDoseMcgPerDay: 150 },
      { at: '2026-04-15T08:00:00Z', targetDoseMcgPerDay: 100 },
      { at: '2026-04-22T08:00:00Z', targetDoseMcgPerDay: 0 },
    ],
    bridge: { drug: 'oral_baclofen', doseMgPerDay: 30 },
    reintroductionDoseMcgPerDay: 50,
  });
  const taper = (previous: number[], newDose: number, at: string, over: Partial<DoseChangeInput> = {}) =>
    summary(change(previous, newDose, { at, activeTaperPlan: plan, ...over }));

  it.each([
    // [case, previous, new, at, requiresReason, findings]
    ['its first step (300 -> 200, 33%)', [300], 200, '2026-04-01T09:00:00Z', false, ['taper_step/info']],
    ['within the tolerance (max(1, 2% of 200) = 4: 197 >= 196)', [300], 197, '2026-04-01T09:00:00Z', false, ['taper_step/info']],
    ['a cut below its step (195 < 196) and 35% below 300', [300], 195, '2026-04-01T09:00:00Z', true, ['abrupt_dose_reduction/urgent']],
    ['its next step (200 -> 150, 25%)', [200], 150, '2026-04-08T09:00:00Z', false, ['taper_step/info']],
    ['a gentler cut than its step (200 -> 170)', [200], 170, '2026-04-08T09:00:00Z', false, ['taper_step/info']],
    ['a small cut below its step (160 -> 140 < 147; 12.5%)', [160], 140, '2026-04-08T09:00:00Z', false, ['taper_step/warning']],
    [
      'a skipped step (200 -> 100 while the step before 100 is 150)',
      [200],
      100,
      '2026-04-15T09:00:00Z',
      true,
      ['abrupt_dose_reduction/urgent'],
    ],
    ['its stop (100 -> 0, planned 0)', [100], 0, '2026-04-22T09:00:00Z', false, ['taper_step/info']],
    ['a stop before its last step (planned 100)', [150], 0, '2026-04-15T09:00:00Z', true, ['abrupt_dose_reduction/urgent']],
    ['a cut before its first step', [300], 200, '2026-03-31T09:00:00Z', true, ['abrupt_dose_reduction/urgent']],
    ['the re-introduction after its last step (0 -> 50)', [0], 50, '2026-04-29T09:00:00Z', false, ['taper_step/info']],
    ['a restart above the re-introduction dose (0 -> 100)', [0], 100, '2026-04-29T09:00:00Z', true, ['escalation_above_range/warning']],
    ['a rise back up mid-taper (150 -> 200, +33% < 40% spinal)', [150], 200, '2026-04-08T09:00:00Z', false, []],
  ] as const)('%s', (_name, previous, newDose, at, requiresReason, findings) => {
    expect(taper([...previous], newDose, at)).toEqual([requiresReason, findings]);
  });

  it('names the planned dose when a cut goes below it', () => {
    const [finding] = change([300], 195, { at: '2026-04-01T09:00:00Z', activeTaperPlan: plan }).findings;
    expect(finding.message).toContain("It goes below the taper plan's 200 mcg/day for the step of 2026-04-01T08:00:00Z.");
    expect(finding.facts).toMatchObject({ plannedDoseMcgPerDay: 200, taperStepIndex: 0 });
  });
});

describe('tolerance', () => {
  // 300 from 2025-01-01, 350 from 2025-06-01; 12 months before 2026-03-10T09:00Z is 2025-03-10T09:00Z, when 300 was in force.
  const history = [
    { at: '2025-01-01T00:00:00Z', doseMcgPerDay: 300 },
    { at: '2025-06-01T00:00:00Z', doseMcgPerDay: 350 },
  ];
  it.each([
    // [case, history, previous, new, findings]
    ['400 - 300 = 100: not more than 100', history, [350], 400, []],
    ['410 - 300 = 110', history, [350], 410, ['tolerance_suspected/warning']],
    ['less than 12 months of history (titration phase)', history.slice(1), [350], 500, ['escalation_above_range/warning']],
    ['a drug holiday (0) at the window start', [{ at: '2025-01-01T00:00:00Z', doseMcgPerDay: 0 }, ...history.slice(1)], [350], 460, []],
    ['a reduction, even above the baseline', [...history, { at: '2026-01-01T00:00:00Z', doseMcgPerDay: 450 }], [450], 420, []],
  ] as const)('%s', (_name, doseHistory, previous, newDose, findings) => {
    // 350 -> 460 is +31.4% (< 40% spinal at refill); 350 -> 500 is +42.9%
    expect(change([...previous], newDose, { doseHistory: [...doseHistory] }).findings.map((f) => `${f.kind}/${f.severity}`)).toEqual(
      findings,
    );
  });

  it('points to the reconciliation history before calling it tolerance, and needs no reason', () => {
    const result = change([350], 410, { doseHistory: history });
    expect(result.requiresReason).toBe(false);
    expect(result.findings[0].message).toBe(
      'The daily dose would be 110 mcg/day above the 300 mcg/day in force 12 months earlier (2025-03-10), more than 100 mcg/day a year. ' +
        'Before calling it tolerance, check the reconciliation history: pump or catheter failure (under-delivery) mimics tolerance (Heetla, Spinal Cord 2009).',
    );
  });
});

describe('previousDosesInForce', () => {
  it('takes the dose in force 24 h before, then every change up to the new one', () => {
    const history = [
      { at: '2026-03-01T00:00:00Z', doseMcgPerDay: 300 },
      { at: '2026-03-09T12:00:00Z', doseMcgPerDay: 250 },
      { at: '2026-03-10T08:00:00Z', doseMcgPerDay: 260 },
      { at: '2026-03-10T09:00:00Z', doseMcgPerDay: 999 }, // the change being checked: not "previous"
    ];
    // window 2026-03-09T09:00Z to 2026-03-10T09:00Z: 300 in force at its start, then 250 and 260
    expect(previousDosesInForce(history, AT)).toEqual([300, 250, 260]);
    expect(previousDosesInForce([], AT)).toEqual([]);
  });
});

describe('fill with another concentration on a constant-flow pump', () => {
  it.each([
    // [old conc, new conc, old dose, new dose]
    [2000, 1000, 400, 200], // 400 x 1000 / 2000
    [500, 2000, 100, 400], // 100 x 2000 / 500
    [1000, 1000, 300, 300],
  ])(
    '%f -> %f mcg/mL at %f mcg/day gives %f mcg/day',
    (previousConcentrationMcgPerMl, newConcentrationMcgPerMl, previousDoseMcgPerDay, expected) => {
      expect(
        fillConcentrationDoseChange({ previousConcentrationMcgPerMl, newConcentrationMcgPerMl, previousDoseMcgPerDay }).newDoseMcgPerDay,
      ).toBe(expected);
    },
  );

  it('feeds the same guard: halving the concentration is an abrupt cut', () => {
    const { newDoseMcgPerDay } = fillConcentrationDoseChange({
      previousConcentrationMcgPerMl: 2000,
      newConcentrationMcgPerMl: 1000,
      previousDoseMcgPerDay: 400,
    });
    expect(summary(change([400], newDoseMcgPerDay))).toEqual([true, ['abrupt_dose_reduction/urgent']]);
  });

  it('refuses a concentration of 0', () => {
    expect(() =>
      fillConcentrationDoseChange({ previousConcentrationMcgPerMl: 0, newConcentrationMcgPerMl: 1000, previousDoseMcgPerDay: 400 }),
    ).toThrow('previousConcentrationMcgPerMl');
  });
});
