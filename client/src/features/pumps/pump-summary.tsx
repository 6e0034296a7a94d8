// Pump page header: patient, device, drug and dose, the forecast's deadlines in the clinic's zone, and what the pump itself reports.
import { PUMP_ALARM_CATALOG, type PumpDetail, type PumpForecast, type PumpTelemetryStatus } from '@pumpwatch/shared';
import {
  DEADLINE_REASON_TEXT,
  formatInstant,
  formatLocalDate,
  formatMl,
  formatNumber,
  modelName,
  NO_FORECAST_TEXT,
} from '../../lib/format';

function Item({ term, children, testId }: { term: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="summary__item">
      <dt>{term}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

function clockOffsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  return `Pump clock is ${abs} min ${minutes > 0 ? 'ahead of' : 'behind'} local time — reset at next programming.`;
}

/** An instant or a volume is read whole: never broken across lines at its hyphens or before its unit. */
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/**
 * The pump's own reservoir estimate against the forecast at the same instant (issue 12). Beyond the clinic's tolerance it is a
 * warning above the figures, saying both volumes and that the deadline counts from the lower one.
 */
function ReportedReservoirNote({ forecast, timeZone }: { forecast: PumpForecast; timeZone: string }) {
  const reported = forecast.reportedReservoir;
  if (!reported || !reported.discrepancy) return null;
  const lower = reported.differenceMl < 0;
  return (
    <div className="notice notice--warn" role="note" data-testid="reservoir-discrepancy-note">
      <div>
        <span aria-hidden="true">⚠ </span>
        <strong>Reservoir differs from the forecast.</strong>{' '}
        <span>
          Forecast: <span style={NO_WRAP}>{formatMl(reported.forecastVolumeMl)}</span> · Pump reports:{' '}
          <span style={NO_WRAP}>{formatMl(reported.reportedVolumeMl)}</span> (at{' '}
          <span style={NO_WRAP}>{formatInstant(reported.recordedAt, timeZone)}</span>) — differs by{' '}
          <span style={NO_WRAP}>{formatMl(Math.abs(reported.differenceMl))}</span>
          {lower ? (
            <>
              , deadline from the lower volume: <strong style={NO_WRAP}>{formatInstant(forecast.refillDeadline, timeZone)}</strong>.
            </>
          ) : (
            ' (pump reports more: check for under-delivery).'
          )}
        </span>
      </div>
      <div className="muted">
        The record of programs, boluses or fills differs from what the pump does: check the pump&rsquo;s program and reservoir against the
        record (more than {formatMl(reported.allowedDifferenceMl)} apart).
      </div>
    </div>
  );
}

/**
 * The pump's flow learnt from its reconciled refills (issue 13): "1.08 (2 refills)" and what it means for the deadline. A fast
 * pump carries a warning sign, since its calibrated alarm may move the deadline earlier.
 */
function FlowFactorItem({ forecast }: { forecast: PumpForecast }) {
  const calibrated = forecast.calibrated;
  if (!calibrated) return null;
  const percent = Math.round(Math.abs(calibrated.flowFactor - 1) * 100);
  const fast = calibrated.flowFactor > 1 && percent > 0;
  const explanation = fast
    ? `Runs ${percent}% faster than programmed at its refills: the deadline allows for it.`
    : percent > 0
      ? `Runs ${percent}% slower than programmed at its refills: the deadline keeps the worst case.`
      : 'Delivers as programmed at its refills.';
  return (
    <Item term="Flow factor" testId="pump-flow-factor">
      {fast && <span aria-hidden="true">⚠ </span>}
      <strong>{calibrated.flowFactor.toFixed(2)}</strong> ({calibrated.intervals} {calibrated.intervals === 1 ? 'refill' : 'refills'})
      <div className="reason">{explanation}</div>
    </Item>
  );
}

/** Reservoir alarms a later refill answered (issue 12): no longer active, said once so nobody looks for the old alarm. */
function AnsweredAlarmsNote({ telemetry, timeZone }: { telemetry: PumpTelemetryStatus | null; timeZone: string }) {
  const answered = telemetry?.alarmsAnsweredByRefill;
  if (!answered) return null;
  const labels = answered.codes.map((code) => PUMP_ALARM_CATALOG[code]?.label ?? code).join(', ');
  return (
    <p className="notice notice--ok" role="note" data-testid="alarms-answered-note">
      <span aria-hidden="true">✓ </span>
      {labels} alarm reported {formatInstant(answered.recordedAt, timeZone)}: answered by the refill of{' '}
      {formatInstant(answered.filledAt, timeZone)}.
    </p>
  );
}

export function PumpSummary({ detail }: { detail: PumpDetail }) {
  const { pump, patient, clinic, forecast } = detail;
  const tz = clinic.timeZone;
  const f = forecast;
  return (
    <div className="summary" data-testid="pump-header">
      {f && f.pumpClockOffsetFromLocalMinutes !== 0 && (
        <p className="notice notice--warn" role="note" data-testid="clock-offset-note">
          <span aria-hidden="true">⚠ </span>
          {clockOffsetText(f.pumpClockOffsetFromLocalMinutes)}
        </p>
      )}
      {pump.explantedAt && (
        <p className="notice" data-testid="explanted-note">
          Explanted {formatLocalDate(pump.explantedAt, tz)}
          {pump.explantReason ? ` (${pump.explantReason.replace('_', ' ')})` : ''}: history only, no forecast.
        </p>
      )}
      {f && f.status !== 'ok' && (
        <p className="notice notice--warn" data-testid="no-forecast-note">
          <span aria-hidden="true">? </span>No forecast: {NO_FORECAST_TEXT[f.status]}.
        </p>
      )}
      {f && <ReportedReservoirNote forecast={f} timeZone={tz} />}
      <AnsweredAlarmsNote telemetry={detail.telemetry} timeZone={tz} />
      <div className="summary__grid">
        <dl>
          <Item term="Patient">{patient.displayName}</Item>
          <Item term="MRN">{patient.mrn}</Item>
          <Item term="Born">{patient.birthDate}</Item>
          <Item term="Clinic">
            {clinic.name} <span className="muted">({tz})</span>
          </Item>
          <Item term="Model">{modelName(pump.modelId)}</Item>
          <Item term="Serial">{pump.serialNumber}</Item>
          <Item term="Implanted">{pump.implantDate}</Item>
        </dl>
        <dl>
          <Item term="Capacity / alarm">
            {formatMl(pump.reservoirCapacityMl)} / <strong>{formatMl(pump.lowReservoirAlarmMl)}</strong>
          </Item>
          {pump.flowRateMlPerDay !== null && <Item term="Flow rate">{formatNumber(pump.flowRateMlPerDay, 'mL/day', 3)}</Item>}
          <Item term="Concentration">{formatNumber(f?.concentrationMcgPerMl, 'mcg/mL')}</Item>
          <Item term="Dose">{formatNumber(f?.doseMcgPerDay, 'mcg/day', 1)}</Item>
          <Item term="Daily volume">{formatNumber(f?.dailyVolumeMl, 'mL/day', 3)}</Item>
          <Item term="Volume now" testId="pump-volume">
            {formatMl(f?.volumeMl, 2)}
          </Item>
          {f && <FlowFactorItem forecast={f} />}
          {f?.reportedReservoir && (
            <Item term="Pump reports" testId="pump-reported-volume">
              <span aria-hidden="true">{f.reportedReservoir.discrepancy ? '⚠ ' : '✓ '}</span>
              {formatMl(f.reportedReservoir.reportedVolumeMl)}{' '}
              <span className="muted">at {formatInstant(f.reportedReservoir.recordedAt, tz)}</span>
              <div className="reason">
                forecast then {formatMl(f.reportedReservoir.forecastVolumeMl)}
                {f.reportedReservoir.discrepancy ? `, ${formatMl(Math.abs(f.reportedReservoir.differenceMl))} apart` : ', within tolerance'}
              </div>
            </Item>
          )}
        </dl>
        <dl>
          <Item term="Refill deadline" testId="pump-deadline">
            <strong>{formatInstant(f?.refillDeadline, tz)}</strong>
            {f?.deadlineReason && <div className="reason">{DEADLINE_REASON_TEXT[f.deadlineReason]}</div>}
          </Item>
          <Item term="Drug expires">{formatInstant(f?.drugExpiresAt, tz)}</Item>
          <Item term="Alarm, nominal">{formatInstant(f?.nominal.lowReservoirAlarmAt, tz)}</Item>
          <Item term="Alarm, worst case">{formatInstant(f?.worstCase.lowReservoirAlarmAt, tz)}</Item>
          {f?.calibrated && (
            <Item term="Alarm, measured flow" testId="pump-calibrated-alarm">
              {formatInstant(f.calibrated.lowReservoirAlarmAt, tz)}
              <div className="reason">worst case x {f.calibrated.flowFactor.toFixed(2)}</div>
            </Item>
          )}
          <Item term="Empty, nominal">{formatInstant(f?.nominal.emptyAt, tz)}</Item>
          <Item term="Empty, worst case">{formatInstant(f?.worstCase.emptyAt, tz)}</Item>
          {f?.calibrated && <Item term="Empty, measured flow">{formatInstant(f.calibrated.emptyAt, tz)}</Item>}
          {f?.reportedReservoir?.lowerVolumeLevels && (
            <Item term="Empty, from the pump's volume" testId="pump-reported-empty">
              <span aria-hidden="true">⚠ </span>
              {formatInstant(f.reportedReservoir.lowerVolumeLevels.worstCase.emptyAt, tz)}
            </Item>
          )}
        </dl>
      </div>
    </div>
  );
}
