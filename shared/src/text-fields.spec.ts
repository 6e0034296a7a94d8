// The shared text refinement: PostgreSQL-storable, trimmed, bounded; and the schemas of every free-text field use it.
import {
  createClinicSchema,
  createPatientSchema,
  createPumpSchema,
  createRoomSchema,
  createWebhookEndpointSchema,
  resolveAlertSchema,
  telemetryReadingSchema,
} from './index';
import { clinicText, CONTROL_MESSAGE, identifier, NUL_MESSAGE, SURROGATE_MESSAGE, unstorableTextReason } from './text-fields';

const issuesOf = (
  schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } },
  value: unknown,
) => schema.safeParse(value).error?.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) ?? [];

describe('unstorableTextReason', () => {
  it.each([
    ['plain text', 'Dr. Émile Zoë 日本', null],
    ['a paired surrogate (emoji)', 'ok \uD83D\uDC89', null],
    ['a NUL', 'a\u0000b', NUL_MESSAGE],
    ['a lone high surrogate at the end', 'abc\uD83D', SURROGATE_MESSAGE],
    ['a lone high surrogate before a letter', '\uD83Dx', SURROGATE_MESSAGE],
    ['a lone low surrogate', 'x\uDC89', SURROGATE_MESSAGE],
    ['two high surrogates then a low one (the first is alone)', '\uD83D\uD83D\uDC89', SURROGATE_MESSAGE],
  ])('%s -> %p', (_what, text, reason) => {
    expect(unstorableTextReason(text)).toBe(reason);
  });
});

describe('clinicText and identifier', () => {
  it('trims and keeps inner line breaks in free text', () => {
    expect(clinicText(50).parse('  line one\nline two  ')).toBe('line one\nline two');
  });

  it.each([
    ['NUL', 'a\u0000', NUL_MESSAGE],
    ['a lone surrogate', '\uDC00', SURROGATE_MESSAGE],
  ])('refuses %s', (_what, text, message) => {
    expect(issuesOf(clinicText(50), text)).toEqual([{ path: '', message }]);
  });

  it('bounds the length after trimming, and requires content when min is 1', () => {
    expect(clinicText(5).parse('  12345  ')).toBe('12345');
    expect(issuesOf(clinicText(5), '123456')).toEqual([{ path: '', message: 'must be at most 5 characters' }]);
    expect(issuesOf(clinicText(5, { min: 1 }), '   ')).toEqual([{ path: '', message: 'is required' }]);
    expect(issuesOf(clinicText(5, { min: 1, minMessage: 'must not be empty' }), '')).toEqual([{ path: '', message: 'must not be empty' }]);
  });

  it('keeps surrounding spaces when told not to trim (passwords)', () => {
    expect(clinicText(20, { trim: false }).parse(' secret ')).toBe(' secret ');
  });

  it('refuses control characters in identifiers only', () => {
    expect(issuesOf(identifier(20), 'SN\t1')).toEqual([{ path: '', message: CONTROL_MESSAGE }]);
    expect(issuesOf(identifier(20), 'SN\u0000')).toEqual([{ path: '', message: NUL_MESSAGE }]);
    expect(identifier(20).parse(' SN-001 ')).toBe('SN-001');
  });

  it('refuses a non-string', () => {
    expect(issuesOf(clinicText(5), 42)).toEqual([{ path: '', message: 'must be a string' }]);
  });
});

describe('request schemas refuse unstorable text naming the field', () => {
  const clinicId = '6f1d3c2a-0000-4000-8000-000000000001';
  it.each([
    ['clinic name', createClinicSchema, { name: 'A\u0000', timeZone: 'Europe/Paris' }, 'name'],
    ['patient MRN', createPatientSchema, { clinicId, mrn: 'M\uD800', displayName: 'P', birthDate: '1970-01-01', sex: 'female' }, 'mrn'],
    [
      'patient name',
      createPatientSchema,
      { clinicId, mrn: 'M1', displayName: 'P\u0000', birthDate: '1970-01-01', sex: 'female' },
      'displayName',
    ],
    [
      'pump serial',
      createPumpSchema,
      { patientId: clinicId, modelId: 'x', serialNumber: 'S\u0000', implantDate: '2020-01-01' },
      'serialNumber',
    ],
    ['telemetry serial', telemetryReadingSchema, { serialNumber: 'S\uDFFF', recordedAt: '2026-01-01T00:00:00Z' }, 'serialNumber'],
    ['room name', createRoomSchema, { clinicId, name: 'R\u0000' }, 'name'],
    ['webhook url', createWebhookEndpointSchema, { name: 'w', url: 'https://x.example/\u0000' }, 'url'],
    ['alert note', resolveAlertSchema, { note: 'checked\uD800' }, 'note'],
  ])('%s', (_what, schema, value, field) => {
    expect(issuesOf(schema, value)).toContainEqual({ path: field, message: expect.stringMatching(/NUL|surrogate/) });
  });
});
