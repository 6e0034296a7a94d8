// Reservoir withdrawal-risk rule around 72 h to worst-case empty and the alarm volume, from the forecast and from the pump.
import { reservoirFinding, ReservoirRuleInput } from './reservoir-rule';

const NOW = '2026-08-01T12:00:00.000Z';
const input = (
  forecast: Partial<ReservoirRuleInput['forecast']>,
  telemetry: ReservoirRuleInput['telemetry'] = null,
): ReservoirRuleInput => ({
  now: NOW,
  timeZone: 'UTC',
  telemetry,
  forecast: { status: 'ok', volumeMl: 10, worstCase: { emptyAt: '2026-09-01T00:00:00.000Z' }, lowReservoirAlarmMl: 2, ...forecast },
});

describe('reservoir withdrawal-risk rule', () => {
  it.each([
    // [worst-case emptyAt, fires] with NOW 2026-08-01T12:00Z
    ['2026-08-04T12:00:01.000Z', false], // 72 h and 1 s
    ['2026-08-04T12:00:00.000Z', true], // exactly 72 h
    ['2026-08-02T00:00:00.000Z', true],
    ['2026-07-31T00:00:00.000Z', true], // already empty in the worst case
  ])('worst case empty at %s: fires %s', (emptyAt, fires) => {
    const finding = reservoirFinding(input({ worstCase: { emptyAt } }));
    expect(finding === null ? null : finding.facts.reasons).toEqual(fires ? ['worst_case_empty_within_72h'] : null);
  });

  it.each([
    [2.000001, false],
    [2, true], // the pump alarms when it reaches the alarm volume
    [0.4, true],
  ])('nominal volume %s mL against a 2 mL alarm: fires %s', (volumeMl, fires) => {
    expect(reservoirFinding(input({ volumeMl }))?.facts.reasons ?? null).toEqual(fires ? ['below_alarm_volume'] : null);
  });

  it('is critical, says withdrawal risk and tells what to do', () => {
    const finding = reservoirFinding(input({ volumeMl: 1.5, worstCase: { emptyAt: '2026-08-03T00:00:00.000Z' } }));
    expect(finding).toMatchObject({ kind: 'reservoir_near_empty', severity: 'critical', title: 'Withdrawal risk: reservoir nearly empty' });
    expect(finding?.message).toBe(
      'The reservoir may run empty by 2026-08-03 00:00 UTC (worst case, every allowed patient bolus taken); ' +
        'about 1.5 mL is left, at or below the 2 mL alarm volume. Refill now and check the patient for early withdrawal signs.',
    );
  });

  it('counts the worst-case empty instant from the lower volume the pump reports (issue 12) when it comes first', () => {
    const lower = (emptyAt: string) => ({
      lowerVolumeLevels: { nominal: { lowReservoirAlarmAt: null, emptyAt }, worstCase: { lowReservoirAlarmAt: null, emptyAt } },
    });
    // The record empties on 2026-09-01; from the pump's lower volume on 2026-08-03 00:00, 36 h from NOW.
    const finding = reservoirFinding(input({ reportedReservoir: lower('2026-08-03T00:00:00.000Z') }));
    expect(finding?.facts).toMatchObject({
      reasons: ['reported_volume_empty_within_72h'],
      reportedVolumeEmptyAt: '2026-08-03T00:00:00.000Z',
    });
    expect(finding?.message).toBe(
      'The reservoir may run empty by 2026-08-03 00:00 UTC (worst case, from the lower volume the pump reports). ' +
        'Refill now and check the patient for early withdrawal signs.',
    );
    // 72 h and 1 s away: nothing. Both within 72 h: both said, the pump's earlier instant too; not when it is not earlier.
    expect(reservoirFinding(input({ reportedReservoir: lower('2026-08-04T12:00:01.000Z') }))).toBeNull();
    expect(
      reservoirFinding(input({ worstCase: { emptyAt: '2026-08-02T00:00:00.000Z' }, reportedReservoir: lower('2026-08-01T20:00:00.000Z') }))
        ?.facts.reasons,
    ).toEqual(['worst_case_empty_within_72h', 'reported_volume_empty_within_72h']);
    expect(
      reservoirFinding(input({ worstCase: { emptyAt: '2026-08-02T00:00:00.000Z' }, reportedReservoir: lower('2026-08-02T00:00:00.000Z') }))
        ?.facts.reasons,
    ).toEqual(['worst_case_empty_within_72h']);
  });

  it('says "empty since" when the worst case is already past', () => {
    expect(reservoirFinding(input({ worstCase: { emptyAt: '2026-07-31T00:00:00.000Z' } }))?.message).toContain(
      'may be empty since 2026-07-31 00:00 UTC',
    );
  });

  it("fires on the pump's own low-reservoir alarm or estimate even when the forecast sees plenty", () => {
    expect(reservoirFinding(input({}, { activeAlarms: ['low_reservoir'], reportedReservoirVolumeMl: null }))?.facts.reasons).toEqual([
      'pump_low_reservoir_alarm',
    ]);
    expect(reservoirFinding(input({}, { activeAlarms: [], reportedReservoirVolumeMl: 1.9 }))?.facts.reasons).toEqual([
      'pump_reports_below_alarm_volume',
    ]);
    expect(reservoirFinding(input({}, { activeAlarms: ['eri'], reportedReservoirVolumeMl: 2.1 }))).toBeNull();
  });

  it('raises nothing without a forecast or telemetry', () => {
    expect(reservoirFinding(input({ status: 'no_program', volumeMl: null, worstCase: { emptyAt: null } }))).toBeNull();
  });
});
