// A refill answers the reservoir alerts raised before it (issue 12); alerts from an alarm that stopped delivery still wait for a clinician.
import type { AlertKind } from './alert-contracts';
import { OpenAlertState, planAlertChanges, RefillInForce } from './alert-lifecycle';

const open = (id: string, kind: AlertKind, lastSeenAt: string | undefined, extra: Partial<OpenAlertState> = {}): OpenAlertState => ({
  id,
  kind,
  severity: 'critical',
  title: 't',
  status: 'open',
  conditionClearedAt: null,
  lastSeenAt,
  ...extra,
});
// Filled 09:00 UTC = 10:00 in Paris (CET); recorded at 09:30 UTC.
const REFILL: RefillInForce = { filledAt: '2026-01-15T09:00:00.000Z', recordedAt: '2026-01-15T09:30:00.000Z', timeZone: 'Europe/Paris' };
const NOTE = 'Resolved automatically: refill recorded at 2026-01-15 10:00 CET.';
const cleared = (kinds: AlertKind[]) => ({ findings: [], evaluatedKinds: kinds });

describe('planAlertChanges with the fill in force', () => {
  it('resolves a reservoir-near-empty alert last seen before the refill, with the refill named', () => {
    expect(
      planAlertChanges(
        [open('a1', 'reservoir_near_empty', '2026-01-15T08:00:00.000Z')],
        cleared(['reservoir_near_empty']),
        'data_changed',
        REFILL,
      ),
    ).toEqual([{ type: 'resolve', alertId: 'a1', note: NOTE }]);
  });

  it('resolves one whose condition had already cleared, once the refill comes', () => {
    const alert = open('a1', 'reservoir_near_empty', '2026-01-15T08:00:00.000Z', { conditionClearedAt: '2026-01-15T08:30:00.000Z' });
    expect(planAlertChanges([alert], cleared(['reservoir_near_empty']), 'sweep', REFILL)).toEqual([
      { type: 'resolve', alertId: 'a1', note: NOTE },
    ]);
  });

  it('counts a fill entered late (made before the alert, recorded after it) as the answer', () => {
    const late = { ...REFILL, filledAt: '2026-01-15T07:00:00.000Z', recordedAt: '2026-01-15T09:30:00.000Z' };
    expect(
      planAlertChanges(
        [open('a1', 'reservoir_near_empty', '2026-01-15T08:00:00.000Z')],
        cleared(['reservoir_near_empty']),
        'data_changed',
        late,
      ),
    ).toEqual([{ type: 'resolve', alertId: 'a1', note: 'Resolved automatically: refill recorded at 2026-01-15 08:00 CET.' }]);
  });

  it('does not credit a fill the rule saw and still fired on: the withdrawal-risk alert only clears', () => {
    expect(
      planAlertChanges(
        [open('a1', 'reservoir_near_empty', '2026-01-15T10:00:00.000Z')],
        cleared(['reservoir_near_empty']),
        'data_changed',
        REFILL,
      ),
    ).toEqual([{ type: 'clear_condition', alertId: 'a1' }]);
  });

  it('keeps a delivery-interrupted or concentration-mismatch alert for a clinician, refill or not', () => {
    const alerts = [
      open('a1', 'delivery_interrupted', '2026-01-15T08:00:00.000Z'),
      open('a2', 'concentration_mismatch', '2026-01-15T08:00:00.000Z'),
    ];
    expect(planAlertChanges(alerts, cleared(['delivery_interrupted', 'concentration_mismatch']), 'data_changed', REFILL)).toEqual([
      { type: 'clear_condition', alertId: 'a1' },
      { type: 'clear_condition', alertId: 'a2' },
    ]);
  });

  it('names the refill on a refill-due alert it answers, and resolves other kinds as before', () => {
    const alerts = [open('a1', 'refill_due', '2026-01-15T08:00:00.000Z'), open('a2', 'program_mismatch', '2026-01-15T08:00:00.000Z')];
    expect(planAlertChanges(alerts, cleared(['refill_due', 'program_mismatch']), 'data_changed', REFILL)).toEqual([
      { type: 'resolve', alertId: 'a1', note: NOTE },
      { type: 'resolve', alertId: 'a2' },
    ]);
  });

  it('leaves a finding that still holds after the refill open (the refill did not answer it)', () => {
    const finding = { kind: 'reservoir_near_empty' as const, severity: 'critical' as const, title: 't', message: 'm', facts: {} };
    expect(
      planAlertChanges(
        [open('a1', 'reservoir_near_empty', '2026-01-15T08:00:00.000Z')],
        { findings: [finding], evaluatedKinds: ['reservoir_near_empty'] },
        'sweep',
        REFILL,
      ),
    ).toEqual([]);
  });

  it('without a fill in force, or without a last sighting, nothing changes from before', () => {
    expect(
      planAlertChanges([open('a1', 'reservoir_near_empty', '2026-01-15T08:00:00.000Z')], cleared(['reservoir_near_empty']), 'sweep'),
    ).toEqual([{ type: 'clear_condition', alertId: 'a1' }]);
    expect(planAlertChanges([open('a1', 'reservoir_near_empty', undefined)], cleared(['reservoir_near_empty']), 'sweep', REFILL)).toEqual([
      { type: 'clear_condition', alertId: 'a1' },
    ]);
  });
});
