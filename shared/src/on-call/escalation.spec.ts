// Escalation of an unacknowledged alert: who each level reaches, where a due page goes, and when the next one is due.
import { DEFAULT_ESCALATION_POLICY } from './on-call-config';
import { escalationStepDueAt, escalationTargets, EscalationPolicyRules, levelToPage, nextEscalationAt, pagingStartsAt } from './escalation';

const policy: EscalationPolicyRules = DEFAULT_ESCALATION_POLICY;
const raisedAt = new Date('2026-03-02T03:00:00Z');

describe('nextEscalationAt with the default policy (on_call 0, backup 10, clinic_admins 20, repeat every 10)', () => {
  const cases: { step: number; next: string; why: string }[] = [
    { step: 0, next: '2026-03-02T03:10:00.000Z', why: 'on_call paged at 03:00, backup due 10 min after paging started' },
    { step: 1, next: '2026-03-02T03:20:00.000Z', why: 'clinic_admins due at 20 min' },
    { step: 2, next: '2026-03-02T03:30:00.000Z', why: 'top level reached: first repeat 20 + 10 min' },
    { step: 3, next: '2026-03-02T03:40:00.000Z', why: 'second repeat 20 + 2 x 10 min' },
    { step: 10, next: '2026-03-02T04:50:00.000Z', why: 'ninth repeat 20 + 9 x 10 = 110 min' },
  ];
  it.each(cases)('after step $step: $next ($why)', ({ step, next }) => {
    expect(nextEscalationAt(policy, raisedAt, step).toISOString()).toBe(next);
  });

  it('puts step 0 at the instant paging starts', () => {
    expect(escalationStepDueAt(policy, raisedAt, 0).toISOString()).toBe('2026-03-02T03:00:00.000Z');
  });

  it('repeats a single-level policy from its only level', () => {
    const single: EscalationPolicyRules = {
      levels: [{ target: 'on_call', afterMinutes: 0 }],
      repeatTopLevelEveryMinutes: 5,
      urgentPageAfterMinutes: 30,
    };
    expect([0, 1, 2].map((step) => nextEscalationAt(single, raisedAt, step).toISOString())).toEqual([
      '2026-03-02T03:05:00.000Z',
      '2026-03-02T03:10:00.000Z',
      '2026-03-02T03:15:00.000Z',
    ]);
  });

  it('refuses a step that is not a whole number 0 or more', () => {
    expect(() => nextEscalationAt(policy, raisedAt, -1)).toThrow(RangeError);
    expect(() => nextEscalationAt(policy, raisedAt, 1.5)).toThrow(RangeError);
  });
});

describe('pagingStartsAt', () => {
  it.each([
    ['critical', '2026-03-02T03:00:00.000Z', 'at once'],
    ['urgent', '2026-03-02T03:30:00.000Z', 'after the 30 min default'],
    ['warning', null, 'never'],
  ] as const)('%s pages %s (%s)', (severity, expected, _why) => {
    expect(pagingStartsAt(policy, severity, raisedAt)?.toISOString() ?? null).toBe(expected);
  });
});

describe('escalationTargets and levelToPage', () => {
  const anne = 'anne (primary)';
  const carla = 'carla (backup)';
  const admin = 'maria (clinic admin)';

  it('reaches the primary first when someone is on call', () => {
    const plan = escalationTargets(policy, { primary: [anne], backup: [carla] }, [admin]);
    expect(plan.levels).toEqual([
      { level: 0, target: 'on_call', afterMinutes: 0, recipients: [anne], reachable: true },
      { level: 1, target: 'backup', afterMinutes: 10, recipients: [carla], reachable: true },
      { level: 2, target: 'clinic_admins', afterMinutes: 20, recipients: [admin], reachable: true },
    ]);
    expect(plan).toMatchObject({ noOneOnCall: false, startLevel: 0 });
    expect([0, 1, 2, 3].map((step) => levelToPage(plan, step))).toEqual([
      { level: 0, recipients: [anne], step: 0 },
      { level: 1, recipients: [carla], step: 1 },
      { level: 2, recipients: [admin], step: 2 },
      { level: 2, recipients: [admin], step: 3 },
    ]);
  });

  it('says no one on call and starts at the backup, counting the page as step 1 so the admins keep their 20 min', () => {
    const plan = escalationTargets(policy, { primary: [], backup: [carla] }, [admin]);
    expect(plan).toMatchObject({ noOneOnCall: true, startLevel: 1 });
    expect(plan.levels[0]).toMatchObject({ target: 'on_call', recipients: [], reachable: false });
    const first = levelToPage(plan, 0);
    expect(first).toEqual({ level: 1, recipients: [carla], step: 1 });
    expect(nextEscalationAt(policy, raisedAt, first!.step).toISOString()).toBe('2026-03-02T03:20:00.000Z');
  });

  it('goes straight to the administrators when neither primary nor backup is on call', () => {
    const plan = escalationTargets(policy, { primary: [], backup: [] }, [admin]);
    expect(plan.startLevel).toBe(2);
    expect(levelToPage(plan, 0)).toEqual({ level: 2, recipients: [admin], step: 2 });
  });

  it('falls back to the highest reachable level below when the levels due and above reach nobody', () => {
    // No administrator with a role in the clinic: repeats of the top level go to the backup instead of nowhere.
    const plan = escalationTargets(policy, { primary: [anne], backup: [carla] }, []);
    expect(levelToPage(plan, 2)).toEqual({ level: 1, recipients: [carla], step: 2 });
    expect(levelToPage(plan, 5)).toEqual({ level: 1, recipients: [carla], step: 5 });
  });

  it('returns null when no level reaches anybody, so the engine records a failed page', () => {
    const plan = escalationTargets(policy, { primary: [], backup: [] }, []);
    expect(plan).toMatchObject({ noOneOnCall: true, startLevel: null });
    expect(levelToPage(plan, 0)).toBeNull();
  });

  it('follows the clinic order of levels, whatever the targets', () => {
    const custom: EscalationPolicyRules = {
      levels: [
        { target: 'clinic_admins', afterMinutes: 0 },
        { target: 'on_call', afterMinutes: 5 },
      ],
      repeatTopLevelEveryMinutes: 15,
      urgentPageAfterMinutes: 0,
    };
    const plan = escalationTargets(custom, { primary: [anne], backup: [carla] }, [admin]);
    expect(plan.levels.map((l) => [l.target, l.recipients])).toEqual([
      ['clinic_admins', [admin]],
      ['on_call', [anne]],
    ]);
    expect(plan.startLevel).toBe(0);
    expect(nextEscalationAt(custom, raisedAt, 1).toISOString()).toBe('2026-03-02T03:20:00.000Z');
  });
});
