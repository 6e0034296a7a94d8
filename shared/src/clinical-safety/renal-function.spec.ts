// Kidney function from a creatinine: both equations against worked examples in both units, the child path, nulls, ages and KDIGO bounds.
import { DomainError } from '../domain-error';
import { ageInWholeYears, assessCreatinine, CreatinineInput, kdigoStage } from './renal-function';

// takenAt 2026-03-10: a birth date of 1971-03-10 makes the patient 55 that day.
const TAKEN_AT = '2026-03-10T09:00:00Z';
const birthDateForAge = (age: number): string => `${2026 - age}-03-10`;
const lab = (
  over: Partial<CreatinineInput> & {
    age?: number;
    sex?: CreatinineInput['patient']['sex'];
    patientWeightKg?: number | null;
    patientHeightCm?: number | null;
  },
): CreatinineInput => ({
  value: over.value ?? 1,
  unit: over.unit ?? 'mg/dL',
  takenAt: over.takenAt ?? TAKEN_AT,
  patient: {
    birthDate: birthDateForAge(over.age ?? 50),
    sex: over.sex ?? 'male',
    weightKg: over.patientWeightKg ?? null,
    heightCm: over.patientHeightCm ?? null,
  },
  weightKg: over.weightKg,
  heightCm: over.heightCm,
  timeZone: over.timeZone,
});

describe('Cockcroft-Gault creatinine clearance', () => {
  it.each([
    // [case, age, sex, weight kg, value, unit, expected CrCl]
    // (140 - 60) x 72 / (72 x 1.0) = 5760 / 72 = 80.0
    ['male 60 y, 72 kg, 1.0 mg/dL', 60, 'male', 72, 1.0, 'mg/dL', 80],
    // 88.4 umol/L / 88.4 = 1.0 mg/dL: same 80.0
    ['the same in umol/L (88.4)', 60, 'male', 72, 88.4, 'umol/L', 80],
    // (140 - 80) x 60 / (72 x 1.2) = 3600 / 86.4 = 41.667; x 0.85 = 35.417 -> 35.4
    ['female 80 y, 60 kg, 1.2 mg/dL', 80, 'female', 60, 1.2, 'mg/dL', 35.4],
    // 106.08 / 88.4 = 1.2 mg/dL: same 35.4
    ['the same in umol/L (106.08)', 80, 'female', 60, 106.08, 'umol/L', 35.4],
    // (140 - 40) x 70 / (72 x 0.8) = 7000 / 57.6 = 121.53 -> 121.5
    ['male 40 y, 70 kg, 0.8 mg/dL', 40, 'male', 70, 0.8, 'mg/dL', 121.5],
    // (140 - 18) x 50 / (72 x 0.5) = 6100 / 36 = 169.44; x 0.85 = 144.03 -> 144.0 (adult from 18)
    ['female exactly 18 y, 50 kg, 0.5 mg/dL', 18, 'female', 50, 0.5, 'mg/dL', 144],
  ] as const)('%s', (_name, age, sex, weightKg, value, unit, expected) => {
    const result = assessCreatinine(lab({ age, sex, weightKg, value, unit }));
    expect(result.creatinineClearanceMlPerMin).toBe(expected);
    expect(result.creatinineClearanceReason).toBeNull();
    expect(result.ageYears).toBe(age);
  });

  it('uses the lab weight over the patient weight, and the patient weight when the lab has none', () => {
    // (140 - 60) x 90 / 72 = 100.0 with the lab's 90 kg; 80 x 72 / 72 = 80.0 with the patient's 72 kg
    expect(assessCreatinine(lab({ age: 60, weightKg: 90, patientWeightKg: 72 })).creatinineClearanceMlPerMin).toBe(100);
    expect(assessCreatinine(lab({ age: 60, patientWeightKg: 72 })).creatinineClearanceMlPerMin).toBe(80);
  });

  it.each([
    ['no weight', { sex: 'male' as const }, 'Cockcroft-Gault needs a weight (none on the lab or the patient)'],
    ['sex other', { sex: 'other' as const, weightKg: 70 }, "Cockcroft-Gault needs the patient's sex as female or male (recorded: other)"],
    [
      'sex unknown and no weight',
      { sex: 'unknown' as const },
      "Cockcroft-Gault needs the patient's sex as female or male (recorded: unknown); needs a weight (none on the lab or the patient)",
    ],
    ['under 18', { age: 17, weightKg: 50 }, 'Cockcroft-Gault is an adult equation; the patient was 17 at the lab'],
  ])('is null with the reason when %s', (_name, over, reason) => {
    const result = assessCreatinine(lab(over));
    expect(result.creatinineClearanceMlPerMin).toBeNull();
    expect(result.creatinineClearanceReason).toBe(reason);
  });
});

describe('CKD-EPI 2021 eGFR', () => {
  it.each([
    // [case, age, sex, value, unit, expected eGFR, stage]
    // NKF calculator worked example, male 55 y, 1.2 mg/dL -> 71: (1.2/0.9)^-1.200 = 0.7081; 0.9938^55 = 0.7103; 142 x 0.7081 x 0.7103 = 71.42 -> 71.4
    ['male 55 y, 1.2 mg/dL (NKF: 71)', 55, 'male', 1.2, 'mg/dL', 71.4, 'G2'],
    // 106.08 umol/L = 1.2 mg/dL: same 71.4
    ['the same in umol/L (106.08)', 55, 'male', 106.08, 'umol/L', 71.4, 'G2'],
    // male 50 y, 1.1: (1.1/0.9)^-1.2 = 0.7860; 0.9938^50 = 0.7327; 142 x 0.7860 x 0.7327 = 81.78 -> 81.8 (published calculators: 82)
    ['male 50 y, 1.1 mg/dL', 50, 'male', 1.1, 'mg/dL', 81.8, 'G2'],
    // female 50 y, 1.0: (1.0/0.7)^-1.2 = 0.6518; 0.9938^50 = 0.7327; 142 x 0.6518 x 0.7327 x 1.012 = 68.63 -> 68.6
    ['female 50 y, 1.0 mg/dL', 50, 'female', 1.0, 'mg/dL', 68.6, 'G2'],
    // below kappa, female 30 y, 0.6: (0.6/0.7)^-0.241 = 1.0378; 0.9938^30 = 0.8298; 142 x 1.0378 x 0.8298 x 1.012 = 123.76 -> 123.8
    ['female 30 y, 0.6 mg/dL (below kappa)', 30, 'female', 0.6, 'mg/dL', 123.8, 'G1'],
    // below kappa, male 40 y, 0.8: (0.8/0.9)^-0.302 = 1.0362; 0.9938^40 = 0.7798; 142 x 1.0362 x 0.7798 = 114.74 -> 114.7
    ['male 40 y, 0.8 mg/dL (below kappa)', 40, 'male', 0.8, 'mg/dL', 114.7, 'G1'],
    // female 70 y, 2.0: (2.0/0.7)^-1.2 = 0.2837; 0.9938^70 = 0.6470; 142 x 0.2837 x 0.6470 x 1.012 = 26.38 -> 26.4
    ['female 70 y, 2.0 mg/dL', 70, 'female', 2.0, 'mg/dL', 26.4, 'G4'],
    // 80 umol/L = 0.90498 mg/dL, male 70 y: (0.90498/0.9)^-1.2 = 0.99339; 0.9938^70 = 0.64700; 142 x 0.99339 x 0.64700 = 91.27 -> 91.3
    ['male 70 y, 80 umol/L', 70, 'male', 80, 'umol/L', 91.3, 'G1'],
  ] as const)('%s', (_name, age, sex, value, unit, expected, stage) => {
    const result = assessCreatinine(lab({ age, sex, value, unit, weightKg: 70 }));
    expect(result.egfrMlPerMin173m2).toBe(expected);
    expect(result.egfrMethod).toBe('ckd_epi_2021');
    expect(result.egfrReason).toBeNull();
    expect(result.kdigoStage).toBe(stage);
  });

  it.each(['other', 'unknown'] as const)('is null with the reason for sex %s', (sex) => {
    const result = assessCreatinine(lab({ sex, weightKg: 70 }));
    expect(result).toMatchObject({
      egfrMlPerMin173m2: null,
      egfrMethod: null,
      kdigoStage: null,
      egfrReason: `CKD-EPI 2021 needs the patient's sex as female or male (recorded: ${sex})`,
    });
  });
});

describe('under 18: bedside Schwartz', () => {
  it.each([
    // [case, age, heightCm, value, unit, expected eGFR, stage]
    // 0.413 x 140 / 0.5 = 57.82 / 0.5 = 115.64 -> 115.6
    ['10 y, 140 cm, 0.5 mg/dL', 10, 140, 0.5, 'mg/dL', 115.6, 'G1'],
    // 44.2 umol/L / 88.4 = 0.5 mg/dL: same 115.6
    ['the same in umol/L (44.2)', 10, 140, 44.2, 'umol/L', 115.6, 'G1'],
    // 0.413 x 170 / 1.2 = 70.21 / 1.2 = 58.508 -> 58.5
    ['17 y, 170 cm, 1.2 mg/dL', 17, 170, 1.2, 'mg/dL', 58.5, 'G3a'],
  ] as const)('%s', (_name, age, heightCm, value, unit, expected, stage) => {
    const result = assessCreatinine(lab({ age, heightCm, value, unit, weightKg: 40 }));
    expect(result).toMatchObject({
      egfrMlPerMin173m2: expected,
      egfrMethod: 'bedside_schwartz',
      egfrReason: null,
      kdigoStage: stage,
      creatinineClearanceMlPerMin: null,
    });
  });

  it('uses the patient height when the lab has none, and needs one', () => {
    // 0.413 x 120 / 0.4 = 123.9
    expect(assessCreatinine(lab({ age: 8, value: 0.4, patientHeightCm: 120 })).egfrMlPerMin173m2).toBe(123.9);
    const result = assessCreatinine(lab({ age: 8, value: 0.4 }));
    expect(result).toMatchObject({ egfrMlPerMin173m2: null, egfrMethod: null, kdigoStage: null });
    expect(result.egfrReason).toBe('the patient was 8 at the lab: CKD-EPI is an adult equation and bedside Schwartz needs a height');
  });

  it('does not need a sex (Schwartz has no sex term)', () => {
    expect(assessCreatinine(lab({ age: 10, sex: 'unknown', heightCm: 140, value: 0.5 })).egfrMlPerMin173m2).toBe(115.6);
  });
});

describe('outputs', () => {
  it('reports the creatinine in mg/dL to 0.01 and always notes low muscle mass', () => {
    // 80 / 88.4 = 0.90498 -> 0.90
    const result = assessCreatinine(lab({ value: 80, unit: 'umol/L', weightKg: 70 }));
    expect(result.serumCreatinineMgPerDl).toBe(0.9);
    expect(result.reliabilityNote).toContain('overestimate kidney function when muscle mass is low (spinal cord injury');
  });

  it.each([
    ['a value of 0', { value: 0 }, 'value'],
    ['a negative weight', { weightKg: -1 }, 'weightKg'],
    ['a lab before the birth date', { takenAt: '1900-01-01T00:00:00Z' }, 'takenAt'],
    ['an unknown zone', { timeZone: 'Mars/Olympus' }, 'timeZone'],
  ])('refuses %s', (_name, over, field) => {
    expect(() => assessCreatinine(lab(over))).toThrow(DomainError);
    try {
      assessCreatinine(lab(over));
    } catch (e) {
      expect((e as DomainError).fields[0].field).toBe(field);
    }
  });
});

describe('age in whole years at takenAt', () => {
  it.each([
    // [birthDate, at, zone, expected]
    ['1971-03-10', '2026-03-09T23:59:59Z', 'UTC', 54], // the day before the 55th birthday
    ['1971-03-10', '2026-03-10T00:00:00Z', 'UTC', 55], // the birthday itself
    ['1971-03-10', '2026-03-09T23:30:00Z', 'Europe/Paris', 55], // 00:30 on 10 March in Paris (UTC+1)
    ['2008-02-29', '2026-02-28T12:00:00Z', 'UTC', 17], // a 29 February birthday counts from 1 March
    ['2008-02-29', '2026-03-01T12:00:00Z', 'UTC', 18],
  ])('born %s, at %s (%s): %i', (birthDate, at, zone, expected) => {
    expect(ageInWholeYears(birthDate, at, zone)).toBe(expected);
  });
});

describe('KDIGO stage boundaries', () => {
  it.each([
    [120, 'G1'],
    [90, 'G1'],
    [89.9, 'G2'],
    [60, 'G2'],
    [59.9, 'G3a'],
    [45, 'G3a'],
    [44.9, 'G3b'],
    [30, 'G3b'],
    [29.9, 'G4'],
    [15, 'G4'],
    [14.9, 'G5'],
    [0, 'G5'],
  ] as const)('eGFR %f is %s', (egfr, stage) => {
    expect(kdigoStage(egfr)).toBe(stage);
  });

  it('stages the reported value, so 89.96 shown as 90.0 is G1', () => {
    // female 20 y, SCr 0.932449: 0.9938^20 = 0.88304; 142 x 0.88304 x 1.012 = 126.90; (0.932449/0.7)^-1.2 = 0.70887;
    // 126.90 x 0.70887 = 89.95 unrounded (G2 if staged unrounded), reported 90.0
    const result = assessCreatinine(lab({ age: 20, sex: 'female', value: 0.932449 }));
    expect(result.egfrMlPerMin173m2).toBe(90);
    expect(result.kdigoStage).toBe('G1');
  });
});
