// Drug library: every soft and hard limit at and around its value, the fields named, and a clinic's edits within the code's bounds.
import { DomainError } from '../domain-error';
import {
  checkAgainstLibrary,
  DEFAULT_DRUG_LIBRARY,
  DRUG_LIBRARY_BOUNDS,
  DrugLibraryCheckInput,
  enforceLibrary,
  resolveDrugLibrary,
} from './drug-library';

const L = DEFAULT_DRUG_LIBRARY;
const levels = (input: DrugLibraryCheckInput) => {
  const check = checkAgainstLibrary(L, input);
  return [...check.hard, ...check.soft].map((v) => `${v.level}:${v.field}:${v.limit}`);
};
const oneStep = (doseMcgPerDay: number) => ({ steps: [{ startTime: '00:00', doseMcgPerDay }], periodicBoluses: [] });

describe('concentration per pump model', () => {
  it.each([
    // [model, mcg/mL, expected]
    ['synchromed-ii-20', 500, []],
    ['synchromed-ii-20', 1000, []],
    ['synchromed-ii-40', 2000, []],
    ['synchromed-ii-20', 2000.5, ['hard:concentrationMcgPerMl:2000']], // above the labelled 2000
    ['synchromed-ii-20', 5000, ['hard:concentrationMcgPerMl:2000']],
    ['synchromed-ii-20', 50, ['soft:concentrationMcgPerMl:50']], // screening strength: soft on SynchroMed
    ['synchromed-ii-20', 49, ['hard:concentrationMcgPerMl:50']],
    ['synchromed-ii-20', 200, ['soft:concentrationMcgPerMl:50']], // tenfold slip for 2000: a dilution, needs a reason
    ['synchromed-ii-20', 1500, ['soft:concentrationMcgPerMl:50']],
    ['prometra-ii-20', 500, []],
    ['prometra-ii-40', 2000, []],
    ['prometra-ii-20', 499, ['hard:concentrationMcgPerMl:500']], // Prometra labelled 500-2000
    ['prometra-ii-20', 50, ['hard:concentrationMcgPerMl:500']], // screening strength: not labelled for Prometra
    ['prometra-ii-40', 750, ['soft:concentrationMcgPerMl:500']],
    ['constant-flow', 50, ['soft:concentrationMcgPerMl:50']],
    ['constant-flow', 2001, ['hard:concentrationMcgPerMl:2000']],
  ] as const)('%s at %f mcg/mL', (modelId, concentrationMcgPerMl, expected) => {
    expect(levels({ modelId, concentrationMcgPerMl })).toEqual(expected);
  });

  it('skips the concentration without a pump model', () => {
    expect(levels({ concentrationMcgPerMl: 5 })).toEqual([]);
  });
});

describe('daily dose per spasticity origin', () => {
  it.each([
    // [origin, step rate mcg/day, expected]
    ['spinal', 1000, []], // at the soft limit: allowed
    ['spinal', 1000.1, ['soft:steps.0.doseMcgPerDay:1000']],
    ['spinal', 1500, ['soft:steps.0.doseMcgPerDay:1000']],
    ['spinal', 2000, ['soft:steps.0.doseMcgPerDay:1000']], // at the hard limit: still only soft
    ['spinal', 2000.1, ['hard:steps.0.doseMcgPerDay:2000']],
    ['spinal', 50000, ['hard:steps.0.doseMcgPerDay:2000']],
    ['cerebral', 703, []],
    ['cerebral', 704, ['soft:steps.0.doseMcgPerDay:703']],
    ['cerebral', 1000, ['soft:steps.0.doseMcgPerDay:703']],
    ['cerebral', 1001, ['hard:steps.0.doseMcgPerDay:1000']],
    [null, 704, ['soft:steps.0.doseMcgPerDay:703']], // origin not recorded: the stricter cerebral limits
    [null, 1500, ['hard:steps.0.doseMcgPerDay:1000']],
    ['spinal', 0, []], // a stop is the dose guard's business
  ] as const)('%s origin, %f mcg/day', (spasticityOrigin, dose, expected) => {
    expect(levels({ spasticityOrigin, program: oneStep(dose) })).toEqual(expected);
  });

  it('names each day-part step that passes a limit', () => {
    // 00:00-12:00 at 800, 12:00-24:00 at 1200: daily 1000, but the afternoon rate is above the spinal soft limit.
    const program = {
      steps: [
        { startTime: '00:00', doseMcgPerDay: 800 },
        { startTime: '12:00', doseMcgPerDay: 1200 },
      ],
      periodicBoluses: [],
    };
    expect(levels({ spasticityOrigin: 'spinal', program })).toEqual(['soft:steps.1.doseMcgPerDay:1000']);
  });

  it('names the periodic boluses when they carry the day over the limit', () => {
    // 900 continuous + 2 x 100 boluses = 1100 mcg/day > 1000 (each bolus and the 18% share are within their limits).
    const program = {
      steps: [{ startTime: '00:00', doseMcgPerDay: 900 }],
      periodicBoluses: [
        { time: '08:00', doseMcg: 100 },
        { time: '20:00', doseMcg: 100 },
      ],
    };
    expect(levels({ spasticityOrigin: 'spinal', program })).toEqual(['soft:periodicBoluses:1000']);
  });

  it('checks a daily dose given outside a program under its own field', () => {
    // Constant flow 1 mL/day x 2000 mcg/mL = 2000 mcg/day for a cerebral patient: above the 1000 hard limit.
    expect(levels({ spasticityOrigin: 'cerebral', dailyDoses: [{ field: 'concentrationMcgPerMl', doseMcgPerDay: 2000 }] })).toEqual([
      'hard:concentrationMcgPerMl:1000',
    ]);
  });
});

describe('boluses', () => {
  const withBolus = (doseMcg: number, continuous = 1000 - doseMcg) => ({
    spasticityOrigin: 'spinal' as const,
    program: { steps: [{ startTime: '00:00', doseMcgPerDay: continuous }], periodicBoluses: [{ time: '08:00', doseMcg }] },
  });
  it.each([
    // [one periodic bolus mcg (rest continuous, 1000 a day), expected]
    [200, []], // at the soft limit; share 20%
    [201, ['soft:periodicBoluses.0.doseMcg:200']],
    [500, ['soft:periodicBoluses.0.doseMcg:200']], // share exactly 50%: at the soft limit
    [501, ['soft:periodicBoluses.0.doseMcg:200', 'soft:periodicBoluses:0.5']],
    [1000, ['soft:periodicBoluses.0.doseMcg:200', 'soft:periodicBoluses:0.5']], // at the hard limit, 100% share
  ])('a periodic bolus of %f mcg', (doseMcg, expected) => {
    expect(levels(withBolus(doseMcg))).toEqual(expected);
  });

  it('refuses one periodic bolus above 1000 mcg hard', () => {
    // The day is 1001 mcg too: above the spinal soft daily limit of 1000.
    expect(levels(withBolus(1001, 0))).toEqual([
      'hard:periodicBoluses.0.doseMcg:1000',
      'soft:periodicBoluses:1000',
      'soft:periodicBoluses:0.5',
    ]);
  });

  it('asks a reason when 480 mcg of continuous flow becomes one 480 mcg bolus (same daily total)', () => {
    expect(
      levels({
        spasticityOrigin: 'spinal',
        program: { steps: [{ startTime: '00:00', doseMcgPerDay: 0 }], periodicBoluses: [{ time: '08:00', doseMcg: 480 }] },
      }),
    ).toEqual(['soft:periodicBoluses.0.doseMcg:200', 'soft:periodicBoluses:0.5']); // 480 > 200; share 100% > 50%
  });

  it.each([
    // [patient bolus mcg, allowed per day, expected]
    [100, 6, []], // both at their soft limits
    [101, 6, ['soft:patientBolus.doseMcg:100']],
    [200, 7, ['soft:patientBolus.doseMcg:100', 'soft:patientBolus.maxPerDay:6']],
    [201, 24, ['hard:patientBolus.doseMcg:200', 'soft:patientBolus.maxPerDay:6']],
    [50, 25, ['hard:patientBolus.maxPerDay:24']],
  ])('a patient bolus of %f mcg, %f a day', (doseMcg, maxPerDay, expected) => {
    expect(levels({ spasticityOrigin: 'spinal', program: { ...oneStep(300), patientBolus: { doseMcg, maxPerDay } } })).toEqual(expected);
  });
});

describe('enforceLibrary', () => {
  const refusal = (fn: () => unknown): DomainError => {
    try {
      fn();
    } catch (error) {
      return error as DomainError;
    }
    throw new Error('not refused');
  };

  it('refuses a hard limit whatever the reason, naming the field and the limit', () => {
    const error = refusal(() =>
      enforceLibrary(checkAgainstLibrary(L, { spasticityOrigin: 'spinal', program: oneStep(50000) }), 'I mean it', 'doseChangeReason'),
    );
    expect(error.code).toBe('rule_violated');
    expect(error.fields).toEqual([
      {
        field: 'steps.0.doseMcgPerDay',
        message: expect.stringMatching(/50000 mcg\/day is above the drug library's hard limit of 2000 mcg\/day.*whatever the reason/),
      },
    ]);
  });

  it('asks for the reason on a soft limit, then returns what it overrides', () => {
    const check = checkAgainstLibrary(L, { spasticityOrigin: 'spinal', program: oneStep(1500) });
    const error = refusal(() => enforceLibrary(check, '  ', 'doseChangeReason'));
    expect(error.fields.map((f) => f.field)).toEqual(['steps.0.doseMcgPerDay', 'doseChangeReason']);
    expect(error.fields[0].message).toMatch(/soft limit of 1000 mcg\/day/);
    expect(enforceLibrary(check, 'Severe spasticity, neurosurgery agrees', 'doseChangeReason')).toEqual([
      expect.objectContaining({ field: 'steps.0.doseMcgPerDay', limit: 1000, value: 1500 }),
    ]);
  });

  it('passes a program inside the library without a reason', () => {
    expect(
      enforceLibrary(
        checkAgainstLibrary(L, { modelId: 'synchromed-ii-20', concentrationMcgPerMl: 500, program: oneStep(400) }),
        undefined,
        'doseChangeReason',
      ),
    ).toEqual([]);
  });
});

describe("a clinic's edits", () => {
  it('applies edits inside the bounds and keeps the rest', () => {
    const library = resolveDrugLibrary({
      dailyDoseMcgPerDay: { spinal: { soft: 900, hard: 1500 } },
      concentrations: { 'synchromed-ii-20': { minMcgPerMl: 500 } },
    });
    expect(library.dailyDoseMcgPerDay).toEqual({ spinal: { soft: 900, hard: 1500 }, cerebral: { soft: 703, hard: 1000 } });
    expect(library.concentrations['synchromed-ii-20']).toMatchObject({ minMcgPerMl: 500, maxMcgPerMl: 2000 });
    expect(levels({ modelId: 'synchromed-ii-20', concentrationMcgPerMl: 50 })).toEqual(['soft:concentrationMcgPerMl:50']); // default library unchanged
    expect(checkAgainstLibrary(library, { modelId: 'synchromed-ii-20', concentrationMcgPerMl: 50 }).hard).toHaveLength(1);
  });

  it('lowers the soft limit with a hard limit set below it', () => {
    expect(resolveDrugLibrary({ periodicBolusMcg: { hard: 150 } }).periodicBolusMcg).toEqual({ soft: 150, hard: 150 });
  });

  it.each([
    [{ dailyDoseMcgPerDay: { spinal: { hard: 2001 } } }, 'dailyDoseMcgPerDay.spinal.hard'], // above the code's bound (the label's highest)
    [{ dailyDoseMcgPerDay: { cerebral: { soft: 1200 } } }, 'dailyDoseMcgPerDay.cerebral.soft'], // soft above hard
    [{ patientBolusesPerDay: { hard: 48 } }, 'patientBolusesPerDay.hard'],
    [{ concentrations: { 'prometra-ii-20': { minMcgPerMl: 50 } } }, 'concentrations.prometra-ii-20.minMcgPerMl'], // below Prometra's labelled range
    [{ concentrations: { 'synchromed-ii-20': { maxMcgPerMl: 3000 } } }, 'concentrations.synchromed-ii-20.maxMcgPerMl'],
    [{ concentrations: { 'synchromed-ii-20': { minMcgPerMl: 1500, maxMcgPerMl: 1000 } } }, 'concentrations.synchromed-ii-20.minMcgPerMl'],
  ])('refuses %j naming %s', (overrides, field) => {
    expect(() => resolveDrugLibrary(overrides)).toThrow(DomainError);
    try {
      resolveDrugLibrary(overrides);
    } catch (error) {
      expect((error as DomainError).fields.map((f) => f.field)).toEqual([field]);
    }
  });

  it('keeps the request maxima at the code bounds', () => {
    expect(DRUG_LIBRARY_BOUNDS).toEqual({
      doseMcgPerDay: 2000,
      periodicBolusMcg: 1000,
      patientBolusDoseMcg: 200,
      patientBolusesPerDay: 24,
      concentrationMcgPerMl: 2000,
    });
  });
});
