// Request schemas of the on-call API: the fields a refusal names, and the defaults a valid request receives.
import { DEFAULT_ESCALATION_POLICY } from './on-call-config';
import { createOnCallShiftSchema, escalationPolicySchema, updateClinicianSchema } from './on-call-contracts';

const fieldsOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] =>
  result.success ? [] : result.error!.issues.map((issue) => issue.path.map(String).join('.'));

describe('escalationPolicySchema', () => {
  it('accepts the default policy', () => {
    expect(escalationPolicySchema.safeParse(DEFAULT_ESCALATION_POLICY).success).toBe(true);
  });

  const base = { repeatTopLevelEveryMinutes: 10, urgentPageAfterMinutes: 30 };
  it.each([
    ['a first level that waits', [{ target: 'on_call', afterMinutes: 5 }], 'levels.0.afterMinutes'],
    [
      'levels out of time order',
      [
        { target: 'on_call', afterMinutes: 0 },
        { target: 'backup', afterMinutes: 10 },
        { target: 'clinic_admins', afterMinutes: 10 },
      ],
      'levels.2.afterMinutes',
    ],
    [
      'a target twice',
      [
        { target: 'on_call', afterMinutes: 0 },
        { target: 'on_call', afterMinutes: 10 },
      ],
      'levels.1.target',
    ],
    ['an unknown target', [{ target: 'everyone', afterMinutes: 0 }], 'levels.0.target'],
    ['no level', [], 'levels'],
    [
      'fractional minutes',
      [
        { target: 'on_call', afterMinutes: 0 },
        { target: 'backup', afterMinutes: 2.5 },
      ],
      'levels.1.afterMinutes',
    ],
  ])('refuses %s', (_name, levels, field) => {
    expect(fieldsOf(escalationPolicySchema.safeParse({ ...base, levels }))).toEqual([field]);
  });

  it('refuses a repeat interval of 0 minutes (it would page in a loop)', () => {
    expect(fieldsOf(escalationPolicySchema.safeParse({ ...DEFAULT_ESCALATION_POLICY, repeatTopLevelEveryMinutes: 0 }))).toEqual([
      'repeatTopLevelEveryMinutes',
    ]);
  });
});

describe('createOnCallShiftSchema', () => {
  const body = { clinicianId: '6f1c1d2e-0000-4000-8000-000000000001', startsAt: '2026-03-02T08:00:00Z', endsAt: '2026-03-02T20:00:00Z' };
  it('defaults the tier to primary', () => {
    expect(createOnCallShiftSchema.parse(body).tier).toBe('primary');
  });
  it.each([
    ['an end equal to the start', { endsAt: '2026-03-02T08:00:00Z' }, 'endsAt'],
    ['an end before the start', { endsAt: '2026-03-02T07:00:00Z' }, 'endsAt'],
    ['an instant without offset', { startsAt: '2026-03-02T08:00:00' }, 'startsAt'],
    ['an unknown tier', { tier: 'tertiary' }, 'tier'],
  ])('refuses %s', (_name, over, field) => {
    expect(fieldsOf(createOnCallShiftSchema.safeParse({ ...body, ...over }))).toEqual([field]);
  });
});

describe('updateClinicianSchema', () => {
  it.each([
    ['an empty change', {}, ''],
    ['a field that cannot change here', { profession: 'physician' }, 'profession'],
    ['an empty display name', { displayName: '  ' }, 'displayName'],
  ])('refuses %s', (_name, body, field) => {
    expect(fieldsOf(updateClinicianSchema.safeParse(body))).toEqual([field]);
  });
  it('accepts clearing the pager contact with null', () => {
    expect(updateClinicianSchema.parse({ pagerContact: null })).toEqual({ pagerContact: null });
  });
});
