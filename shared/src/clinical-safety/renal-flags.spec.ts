// Kidney flags at and around every threshold (dose review, fall, labs due), and the neurotoxicity-risk badge.
import { labsDueAt, neurotoxicityRisk, RenalResult, renalFlags } from './renal-flags';

const NOW = '2026-03-10T09:00:00Z';
const result = (takenAt: string, crcl: number | null, egfr: number | null = null): RenalResult => ({
  takenAt,
  creatinineClearanceMlPerMin: crcl,
  egfrMlPerMin173m2: egfr,
});
const kinds = (results: RenalResult[], now = NOW) => renalFlags({ results, now }).map((f) => [f.kind, f.severity]);

describe('renal dose review', () => {
  it.each([
    // [latest CrCl, expected flags]
    [50.1, []],
    [50, []], // exactly 50: not below
    [49.9, [['renal_dose_review', 'warning']]],
    [30, [['renal_dose_review', 'warning']]], // exactly 30: not below 30
    [29.9, [['renal_dose_review', 'urgent']]],
    [8, [['renal_dose_review', 'urgent']]],
  ])('CrCl %f mL/min: %j', (crcl, expected) => {
    expect(kinds([result('2026-03-01T08:00:00Z', crcl)])).toEqual(expected);
  });

  it('uses the eGFR when the clearance is not computable, and says so', () => {
    const [flag] = renalFlags({ results: [result('2026-03-01T08:00:00Z', null, 25)], now: NOW });
    expect(flag).toMatchObject({
      kind: 'renal_dose_review',
      severity: 'urgent',
      facts: { measure: 'eGFR', valueMlPerMin: 25, thresholdMlPerMin: 30 },
    });
    expect(flag.message).toBe(
      'eGFR 25 mL/min/1.73 m2 on 2026-03-01 is below 30 (creatinine clearance not computable, eGFR used): baclofen accumulates ' +
        'when the kidneys fail; review the dose and any oral bridge, and watch for drowsiness or confusion.',
    );
  });

  it('prefers the clearance to the eGFR', () => {
    // CrCl 55 (no flag) although eGFR 40 would flag
    expect(kinds([result('2026-03-01T08:00:00Z', 55, 40)])).toEqual([]);
  });

  it('raises nothing from a result with neither value', () => {
    expect(kinds([result('2026-03-01T08:00:00Z', null, null)])).toEqual([]);
  });
});

describe('fall from the previous result', () => {
  it.each([
    // [previous, latest, expected]
    [80, 60, []], // (80 - 60) / 80 = 25%: not more than 25%
    [80, 59.9, [['renal_function_fall', 'warning']]], // 20.1 / 80 = 25.125%
    [100, 75, []], // 25% exactly
    [100, 74.9, [['renal_function_fall', 'warning']]], // 25.1%
    [60, 90, []], // a rise
  ])('%f to %f mL/min: %j', (previous, latest, expected) => {
    // results given newest first and oldest first: the order does not matter
    expect(kinds([result('2025-09-01T08:00:00Z', previous), result('2026-03-01T08:00:00Z', latest)])).toEqual(expected);
    expect(kinds([result('2026-03-01T08:00:00Z', latest), result('2025-09-01T08:00:00Z', previous)])).toEqual(expected);
  });

  it('names the values and the percent', () => {
    // (80 - 56) / 80 = 30%
    const [flag] = renalFlags({ results: [result('2025-09-01T08:00:00Z', 80), result('2026-03-01T08:00:00Z', 56)], now: NOW });
    expect(flag.message).toBe(
      'Creatinine clearance (Cockcroft-Gault) fell 30% from 80 to 56 mL/min (2025-09-01 to 2026-03-01), more than 25%: look for the cause and review the dose.',
    );
  });

  it('compares eGFR with eGFR when a clearance is missing on either result', () => {
    // eGFR (90 - 60) / 90 = 33.3%
    expect(
      renalFlags({ results: [result('2025-09-01T08:00:00Z', 80, 90), result('2026-03-01T08:00:00Z', null, 60)], now: NOW })[0],
    ).toMatchObject({ kind: 'renal_function_fall', facts: { measure: 'eGFR', fallPercent: 33.3 } });
  });

  it('with both dose review and fall', () => {
    // 60 -> 40: 33.3% fall, and 40 < 50
    expect(kinds([result('2025-09-01T08:00:00Z', 60), result('2026-03-01T08:00:00Z', 40)])).toEqual([
      ['renal_dose_review', 'warning'],
      ['renal_function_fall', 'warning'],
    ]);
  });

  it('only compares the two most recent results', () => {
    // 100 (oldest), 60, 58: the fall 60 -> 58 is 3.3%
    expect(kinds([result('2025-01-01T08:00:00Z', 100), result('2025-09-01T08:00:00Z', 60), result('2026-03-01T08:00:00Z', 58)])).toEqual(
      [],
    );
  });
});

describe('labs due', () => {
  it.each([
    // [takenAt, now, interval months, due]
    ['2025-03-10T09:00:00Z', '2026-03-10T08:59:59Z', 12, false], // 1 s before 12 calendar months
    ['2025-03-10T09:00:00Z', '2026-03-10T09:00:00Z', 12, true], // exactly 12 months old
    ['2025-09-10T09:00:00Z', '2026-03-10T08:59:59Z', 6, false], // a clinic with a 6-month interval
    ['2025-09-10T09:00:00Z', '2026-03-10T09:00:00Z', 6, true],
  ])('result %s, now %s, interval %i months: due %s', (takenAt, now, labsIntervalMonths, due) => {
    const flags = renalFlags({ results: [result(takenAt, 70)], now, labsIntervalMonths });
    expect(flags.some((f) => f.kind === 'labs_due')).toBe(due);
  });

  it('is due with no result at all', () => {
    expect(renalFlags({ results: [], now: NOW })).toEqual([
      expect.objectContaining({ kind: 'labs_due', severity: 'warning', facts: { lastTakenAt: null, labsIntervalMonths: 12, dueAt: null } }),
    ]);
  });

  it('ignores results taken after now', () => {
    expect(kinds([result('2026-03-11T08:00:00Z', 20)])).toEqual([['labs_due', 'warning']]);
  });

  it.each([
    // [takenAt, months, zone, dueAt]
    ['2025-01-30T23:30:00Z', 1, 'UTC', '2025-02-28T23:30:00.000Z'], // 30 January + 1 month: 28 February (clamped)
    ['2025-01-30T23:30:00Z', 1, 'Europe/Paris', '2025-02-27T23:30:00.000Z'], // 31 January 00:30 in Paris -> 28 February 00:30 CET
    ['2025-03-01T09:00:00Z', 6, 'Europe/Paris', '2025-09-01T08:00:00.000Z'], // 10:00 CET -> 10:00 CEST: the wall clock is kept
  ])('labsDueAt(%s, %i, %s) = %s', (takenAt, months, zone, dueAt) => {
    expect(labsDueAt(takenAt, months, zone)).toBe(dueAt);
  });

  it('refuses an interval that is not a whole number of months', () => {
    expect(() => renalFlags({ results: [], now: NOW, labsIntervalMonths: 0 })).toThrow('labsIntervalMonths');
    expect(() => renalFlags({ results: [result('2025-03-10T09:00:00Z', 70)], now: NOW, labsIntervalMonths: 1.5 })).toThrow(
      'labsIntervalMonths',
    );
  });
});

describe('neurotoxicity-risk badge', () => {
  it.each([
    // [age, latest CrCl, reasons]
    [64, 50, []],
    [65, 50, ['age']], // 65 or older
    [64, 49.9, ['kidney_function']], // below 50
    [80, 20, ['age', 'kidney_function']],
    [40, null, []], // unknown clearance is not a reason
  ] as const)('age %i, CrCl %p: %j', (ageYears, latestCrClMlPerMin, reasons) => {
    const risk = neurotoxicityRisk({ ageYears, latestCrClMlPerMin });
    expect(risk.reasons).toEqual(reasons);
    expect(risk.atRisk).toBe(reasons.length > 0);
    expect(risk.message === null).toBe(reasons.length === 0);
  });

  it('says why', () => {
    expect(neurotoxicityRisk({ ageYears: 70, latestCrClMlPerMin: 42 }).message).toBe(
      'Neurotoxicity risk: aged 70 (65 or older), creatinine clearance 42 mL/min (below 50). Confusion, drowsiness or memory problems may be baclofen accumulating.',
    );
  });
});

describe('older adults: AGS Beers Criteria 2023 (eGFR below 60 at 65 or older)', () => {
  const beers = (crcl: number | null, egfr: number | null, ageYears: number | null) =>
    renalFlags({ results: [result('2026-03-01T08:00:00Z', crcl, egfr)], now: NOW, ageYears }).map((f) => [
      f.kind,
      f.severity,
      f.facts.rule,
      f.basis?.measure,
    ]);

  it.each([
    // [CrCl, eGFR, age, expected]
    [55, 59.9, 65, [['renal_dose_review', 'warning', 'beers_older_adult', 'eGFR']]], // CrCl fine, eGFR just below 60 at 65
    [55, 60, 65, []], // exactly 60: not below
    [55, 60.1, 80, []],
    [55, 59.9, 64, []], // 64: not an older adult by the criteria
    [55, 40, null, []], // age unknown: the rule is skipped
    [null, 55, 70, [['renal_dose_review', 'warning', 'beers_older_adult', 'eGFR']]], // no clearance: eGFR 55 is not below 50, but below 60
    [45, 59, 70, [['renal_dose_review', 'warning', 'below_50', 'CrCl']]], // the 50 mL/min rule speaks first (one dose review)
    [25, 59, 70, [['renal_dose_review', 'urgent', 'below_30', 'CrCl']]],
  ])('CrCl %p, eGFR %p, age %p: %j', (crcl, egfr, age, expected) => {
    expect(beers(crcl, egfr, age)).toEqual(expected);
  });

  it('cites the criterion and says the eGFR was used', () => {
    const [flag] = renalFlags({ results: [result('2026-03-01T08:00:00Z', 55, 52)], now: NOW, ageYears: 78 });
    expect(flag).toMatchObject({
      title: 'Renal: dose review (older adult)',
      basis: { measure: 'eGFR', value: 52, unit: 'mL/min/1.73 m2', takenAt: '2026-03-01T08:00:00Z' },
    });
    expect(flag.message).toMatch(
      /^eGFR 52 mL\/min\/1.73 m2 on 2026-03-01 is below 60 at age 78: the AGS Beers Criteria 2023 advise avoiding baclofen/,
    );
  });
});

describe('which value each flag used', () => {
  it('names the clearance or the eGFR on every flag that judged a value, none on labs due', () => {
    const flags = renalFlags({ results: [result('2025-01-10T08:00:00Z', null, 60), result('2025-02-10T08:00:00Z', null, 40)], now: NOW });
    // eGFR 60 -> 40 is a 33.3% fall; 40 < 50: dose review; taken more than 12 months before NOW: labs due
    expect(flags.map((f) => [f.kind, f.basis?.measure ?? null, f.basis?.value ?? null])).toEqual([
      ['renal_dose_review', 'eGFR', 40],
      ['renal_function_fall', 'eGFR', 40],
      ['labs_due', null, null],
    ]);
  });
});
