// Alert lifecycle: what an evaluation changes (raise, re-fire, severity, resolve, withdrawal-risk clearing), snoozes, order.
import { ALERT_KIND_INFO, ALERT_KINDS, type AlertFinding } from './alert-contracts';
import {
  acknowledgeRefusal,
  compareAlertsForList,
  isReRaise,
  hiddenBySnooze,
  OpenAlertState,
  planAlertChanges,
  resolveRefusal,
  snoozeRuleRefusal,
} from './alert-lifecycle';
import { evaluatePumpAlerts, PumpAlertInput } from './evaluate-pump';

const finding = (kind: AlertFinding['kind'], severity: AlertFinding['severity']): AlertFinding => ({
  kind,
  severity,
  title: 't',
  message: 'm',
  facts: {},
});
const open = (
  id: string,
  kind: OpenAlertState['kind'],
  severity: OpenAlertState['severity'],
  extra: Partial<OpenAlertState> = {},
): OpenAlertState => ({ id, kind, severity, title: 't', status: 'open', conditionClearedAt: null, ...extra });
const NO_TELEMETRY_KINDS = ['refill_due', 'reservoir_near_empty'] as const;

describe('planning alert changes', () => {
  it('raises a finding without an open alert of its kind', () => {
    expect(
      planAlertChanges([], { findings: [finding('refill_due', 'warning')], evaluatedKinds: [...NO_TELEMETRY_KINDS] }, 'sweep'),
    ).toEqual([{ type: 'raise', finding: finding('refill_due', 'warning') }]);
  });

  it('re-fires an open alert after a data change, but not on the sweep (nothing happened)', () => {
    const evaluation = { findings: [finding('refill_due', 'warning')], evaluatedKinds: [...NO_TELEMETRY_KINDS] };
    expect(planAlertChanges([open('a1', 'refill_due', 'warning')], evaluation, 'data_changed')).toEqual([
      { type: 'refire', alertId: 'a1', finding: finding('refill_due', 'warning') },
    ]);
    expect(planAlertChanges([open('a1', 'refill_due', 'warning')], evaluation, 'sweep')).toEqual([]);
  });

  it('restates a new severity; a rise reopens an acknowledged alert, a fall does not', () => {
    const rise = planAlertChanges(
      [open('a1', 'refill_due', 'warning', { status: 'acknowledged' })],
      { findings: [finding('refill_due', 'critical')], evaluatedKinds: ['refill_due'] },
      'sweep',
    );
    expect(rise).toEqual([{ type: 'restate', alertId: 'a1', finding: finding('refill_due', 'critical'), reopen: true }]);
    const fall = planAlertChanges(
      [open('a1', 'refill_due', 'urgent', { status: 'acknowledged' })],
      { findings: [finding('refill_due', 'warning')], evaluatedKinds: ['refill_due'] },
      'sweep',
    );
    expect(fall).toEqual([{ type: 'restate', alertId: 'a1', finding: finding('refill_due', 'warning'), reopen: false }]);
  });

  it('restates a new title at the same severity (due within 2 days, then overdue) and reopens it', () => {
    const overdue = { ...finding('refill_due', 'critical'), title: 'Refill overdue' };
    const changes = planAlertChanges(
      [open('a1', 'refill_due', 'critical', { status: 'acknowledged', title: 'Refill due within 2 days' })],
      { findings: [overdue], evaluatedKinds: ['refill_due'] },
      'sweep',
    );
    expect(changes).toEqual([{ type: 'restate', alertId: 'a1', finding: overdue, reopen: true }]);
  });

  it('resolves a cleared kind that resolves by itself, and only marks a withdrawal-risk alert as cleared', () => {
    const changes = planAlertChanges(
      [open('a1', 'refill_due', 'critical'), open('a2', 'reservoir_near_empty', 'critical')],
      { findings: [], evaluatedKinds: [...NO_TELEMETRY_KINDS] },
      'data_changed',
    );
    expect(changes).toEqual([
      { type: 'resolve', alertId: 'a1' },
      { type: 'clear_condition', alertId: 'a2' },
    ]);
    // Already marked cleared: nothing more until a clinician resolves it.
    expect(
      planAlertChanges(
        [open('a2', 'reservoir_near_empty', 'critical', { conditionClearedAt: '2026-08-01T00:00:00Z' })],
        { findings: [], evaluatedKinds: [...NO_TELEMETRY_KINDS] },
        'sweep',
      ),
    ).toEqual([]);
  });

  it('reopens a cleared withdrawal-risk alert whose condition returns', () => {
    expect(
      planAlertChanges(
        [open('a2', 'reservoir_near_empty', 'critical', { status: 'acknowledged', conditionClearedAt: '2026-08-01T00:00:00Z' })],
        { findings: [finding('reservoir_near_empty', 'critical')], evaluatedKinds: [...NO_TELEMETRY_KINDS] },
        'sweep',
      ),
    ).toEqual([{ type: 'condition_returned', alertId: 'a2', finding: finding('reservoir_near_empty', 'critical') }]);
  });

  it('leaves telemetry alerts alone when telemetry was not evaluated', () => {
    expect(
      planAlertChanges(
        [open('a3', 'telemetry_stale', 'warning')],
        { findings: [], evaluatedKinds: [...NO_TELEMETRY_KINDS] },
        'data_changed',
      ),
    ).toEqual([]);
  });
});

describe('evaluating a pump', () => {
  const input: PumpAlertInput = {
    now: '2026-08-01T12:00:00.000Z',
    timeZone: 'UTC',
    explanted: false,
    telemetryKnown: false,
    telemetry: null,
    settings: { warningHorizonDays: 21, bookingMarginDays: 2 },
    forecast: {
      status: 'ok',
      volumeMl: 1,
      worstCase: { emptyAt: '2026-08-02T00:00:00.000Z' },
      refillDeadline: '2026-07-30T00:00:00.000Z',
      deadlineReason: 'low_reservoir',
      lowReservoirAlarmMl: 2,
    },
  };

  it('judges only the forecast kinds without telemetry', () => {
    const evaluation = evaluatePumpAlerts(input);
    expect(evaluation.evaluatedKinds).toEqual(['refill_due', 'reservoir_near_empty', 'appointment_too_late', 'no_forecast']);
    expect(evaluation.findings.map((f) => [f.kind, f.severity])).toEqual([
      ['refill_due', 'critical'],
      ['reservoir_near_empty', 'critical'],
    ]);
  });

  it('judges every pump kind when telemetry was asked, even for a pump that never reported', () => {
    const pumpKinds = ALERT_KINDS.filter((kind) => ALERT_KIND_INFO[kind].subject === 'pump');
    expect(evaluatePumpAlerts({ ...input, telemetryKnown: true }).evaluatedKinds).toEqual(pumpKinds);
    expect(pumpKinds).toContain('outside_drug_library');
  });

  it('finds nothing on an explanted pump, so its conditions count as cleared', () => {
    expect(evaluatePumpAlerts({ ...input, explanted: true }).findings).toEqual([]);
  });
});

describe('user actions', () => {
  it('acknowledges only an open alert', () => {
    expect(acknowledgeRefusal('open')).toBeNull();
    expect(acknowledgeRefusal('acknowledged')).toEqual({ field: 'status', message: 'is already acknowledged' });
    expect(acknowledgeRefusal('resolved')?.field).toBe('status');
  });

  it('resolves an open or acknowledged alert once', () => {
    expect(resolveRefusal('open')).toBeNull();
    expect(resolveRefusal('acknowledged')).toBeNull();
    expect(resolveRefusal('resolved')?.field).toBe('status');
  });

  it.each([
    ['critical', 60, null],
    ['critical', 120, 'must be at most 60 for a critical alert'],
    ['urgent', 1440, null],
    ['warning', 1440, null],
  ] as const)('snoozing a %s alert for %s minutes: %s', (severity, minutes, refusal) => {
    expect(snoozeRuleRefusal(severity, minutes)?.message ?? null).toBe(refusal);
  });

  it('hides a snoozed alert until the snooze ends or the alert becomes more severe', () => {
    const snooze = { snoozedUntil: '2026-08-01T13:00:00.000Z', severityAtSnooze: 'urgent' as const };
    expect(hiddenBySnooze(snooze, 'urgent', '2026-08-01T12:59:59.000Z')).toBe(true);
    expect(hiddenBySnooze(snooze, 'warning', '2026-08-01T12:00:00.000Z')).toBe(true);
    expect(hiddenBySnooze(snooze, 'urgent', '2026-08-01T13:00:00.000Z')).toBe(false);
    expect(hiddenBySnooze(snooze, 'critical', '2026-08-01T12:00:00.000Z')).toBe(false);
    expect(hiddenBySnooze(null, 'warning', '2026-08-01T12:00:00.000Z')).toBe(false);
  });

  it('lists the most severe first, then the most recent raise or re-raise first', () => {
    const alerts = [
      { id: 'w-old', severity: 'warning' as const, lastRaisedAt: '2026-07-01T00:00:00Z' },
      { id: 'c-new', severity: 'critical' as const, lastRaisedAt: '2026-07-30T00:00:00Z' },
      // Raised long ago, re-raised on 31 July (its condition returned): now the top.
      { id: 'c-reraised', severity: 'critical' as const, lastRaisedAt: '2026-07-31T00:00:00Z' },
      { id: 'c-old', severity: 'critical' as const, lastRaisedAt: '2026-07-10T00:00:00Z' },
      { id: 'u', severity: 'urgent' as const, lastRaisedAt: '2026-06-01T00:00:00Z' },
    ];
    expect([...alerts].sort(compareAlertsForList).map((a) => a.id)).toEqual(['c-reraised', 'c-new', 'c-old', 'u', 'w-old']);
  });

  it.each([
    ['a new alert', null, { severity: 'urgent', status: 'open' }, true],
    ['more severe', { severity: 'urgent', status: 'open' }, { severity: 'critical', status: 'open' }, true],
    [
      'open again after an acknowledgement',
      { severity: 'critical', status: 'acknowledged' },
      { severity: 'critical', status: 'open' },
      true,
    ],
    ['less severe', { severity: 'critical', status: 'open' }, { severity: 'urgent', status: 'open' }, false],
    ['acknowledged', { severity: 'critical', status: 'open' }, { severity: 'critical', status: 'acknowledged' }, false],
    ['resolved', { severity: 'urgent', status: 'open' }, { severity: 'critical', status: 'resolved' }, false],
  ] as const)('counts as a re-raise or not: %s', (_name, before, after, expected) => {
    expect(isReRaise(before, after)).toBe(expected);
  });
});
