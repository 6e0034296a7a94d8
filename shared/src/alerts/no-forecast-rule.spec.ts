// The no_forecast rule around 24 h after the later of implant and registration, and what its message says is missing.
import { evaluatePumpAlerts, PumpAlertInput } from './evaluate-pump';
import { noForecastFinding, NoForecastRuleInput } from './no-forecast-rule';

const SINCE = '2026-08-01T12:00:00.000Z';
const input = (over: Partial<NoForecastRuleInput> = {}): NoForecastRuleInput => ({
  now: '2026-08-02T12:00:01.000Z',
  timeZone: 'UTC',
  forecast: { status: 'no_fill' },
  noForecastSince: SINCE,
  ...over,
});

describe('no_forecast rule', () => {
  it.each([
    // [now, fires] with noForecastSince 2026-08-01T12:00Z: more than 24 h, not at 24 h
    ['2026-08-01T13:00:00.000Z', false],
    ['2026-08-02T12:00:00.000Z', false], // exactly 24 h
    ['2026-08-02T12:00:01.000Z', true], // 24 h and 1 s
    ['2026-09-01T00:00:00.000Z', true],
  ])('now %s: fires %s', (now, fires) => {
    expect(noForecastFinding(input({ now }))?.kind ?? null).toBe(fires ? 'no_forecast' : null);
  });

  it.each([
    ['no_fill', 'no fill is recorded'],
    ['no_program', 'no infusion program is set'],
  ] as const)('is urgent and names what is missing (%s)', (status, missing) => {
    const finding = noForecastFinding(input({ forecast: { status } }));
    expect(finding).toMatchObject({ kind: 'no_forecast', severity: 'urgent', title: 'No refill forecast', facts: { status, missing } });
    expect(finding?.message).toBe(
      `No refill forecast since 2026-08-01 12:00 UTC (more than 24 h after implant or registration): ${missing}. ` +
        'Nobody knows when this pump runs empty: enter the last refill and the program.',
    );
  });

  it('names the error of a history that cannot be forecast', () => {
    expect(noForecastFinding(input({ forecast: { status: 'forecast_error' }, forecastError: 'steps is not an array' }))?.message).toContain(
      'its fill and program history cannot be forecast (steps is not an array)',
    );
  });

  it('raises nothing with a forecast or without the instant', () => {
    expect(noForecastFinding(input({ forecast: { status: 'ok' } }))).toBeNull();
    expect(noForecastFinding(input({ noForecastSince: null }))).toBeNull();
    expect(noForecastFinding(input({ noForecastSince: undefined }))).toBeNull();
  });

  it('is judged by evaluatePumpAlerts, so a forecast later clears it', () => {
    const pump: PumpAlertInput = {
      now: '2026-08-03T00:00:00.000Z',
      timeZone: 'UTC',
      explanted: false,
      forecast: {
        status: 'no_program',
        volumeMl: null,
        worstCase: { emptyAt: null },
        refillDeadline: null,
        deadlineReason: null,
        lowReservoirAlarmMl: 2,
      },
      settings: { warningHorizonDays: 21, bookingMarginDays: 3 },
      telemetryKnown: true,
      telemetry: null,
      noForecastSince: SINCE,
    };
    const evaluation = evaluatePumpAlerts(pump);
    expect(evaluation.evaluatedKinds).toContain('no_forecast');
    expect(evaluation.findings.map((f) => f.kind)).toEqual(['no_forecast']);
    expect(evaluatePumpAlerts({ ...pump, explanted: true }).findings).toEqual([]);
  });
});
