// Lab result, dose-change reason and spasticity origin schemas: plausible creatinine per unit and the fields a refusal names.
import { createLabResultSchema, doseChangeReasonFields, spasticityOriginFields } from './labs-contracts';
import { z } from 'zod';

const fieldsOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] =>
  result.success ? [] : result.error!.issues.map((issue) => issue.path.map(String).join('.'));
const body = { kind: 'serum_creatinine', value: 1.1, unit: 'mg/dL', takenAt: '2026-03-10T09:00:00Z' };

describe('createLabResultSchema', () => {
  it.each([
    // [value, unit]; plausible 0.1-30 mg/dL = 8.8-2652 umol/L (x 88.4)
    [0.1, 'mg/dL'],
    [30, 'mg/dL'],
    [8.8, 'umol/L'],
    [2652, 'umol/L'],
    [80, 'umol/L'],
  ])('accepts %f %s', (value, unit) => {
    expect(createLabResultSchema.safeParse({ ...body, value, unit }).success).toBe(true);
  });

  it.each([
    ['80 mg/dL (umol/L typed as mg/dL)', { value: 80 }, 'value'],
    ['0.9 umol/L (mg/dL typed as umol/L)', { value: 0.9, unit: 'umol/L' }, 'value'],
    ['2653 umol/L', { value: 2653, unit: 'umol/L' }, 'value'],
    ['0', { value: 0 }, 'value'],
    ['an unknown unit', { unit: 'mmol/L' }, 'unit'],
    ['another kind', { kind: 'cystatin_c' }, 'kind'],
    ['a weight of 0', { weightKg: 0 }, 'weightKg'],
    ['a height of 300 cm', { heightCm: 300 }, 'heightCm'],
    ['a date without time', { takenAt: '2026-03-10' }, 'takenAt'],
  ])('refuses %s', (_name, over, field) => {
    expect(fieldsOf(createLabResultSchema.safeParse({ ...body, ...over }))).toEqual([field]);
  });

  it('names both bounds and the unit', () => {
    const result = createLabResultSchema.safeParse({ ...body, value: 80 });
    expect(result.success ? null : result.error.issues[0].message).toBe('must be between 0.1 and 30 mg/dL (check the unit)');
  });
});

describe('fields spread into other schemas', () => {
  const program = z.object({ doseMcgPerDay: z.number(), ...doseChangeReasonFields });
  const patient = z.object({ ...spasticityOriginFields });
  it('doseChangeReason is optional, trimmed, and not blank', () => {
    expect(program.parse({ doseMcgPerDay: 100 })).toEqual({ doseMcgPerDay: 100 });
    expect(program.parse({ doseMcgPerDay: 100, doseChangeReason: '  planned holiday  ' }).doseChangeReason).toBe('planned holiday');
    expect(fieldsOf(program.safeParse({ doseMcgPerDay: 100, doseChangeReason: '   ' }))).toEqual(['doseChangeReason']);
  });
  it('spasticityOrigin is spinal, cerebral or null', () => {
    expect(patient.parse({ spasticityOrigin: 'cerebral' })).toEqual({ spasticityOrigin: 'cerebral' });
    expect(patient.parse({ spasticityOrigin: null })).toEqual({ spasticityOrigin: null });
    expect(fieldsOf(patient.safeParse({ spasticityOrigin: 'mixed' }))).toEqual(['spasticityOrigin']);
  });
});
