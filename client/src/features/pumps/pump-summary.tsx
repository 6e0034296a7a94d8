// Pump page header: patient, device, drug and dose, and the forecast's deadlines in the clinic's zone.
import type { PumpDetail } from '@pumpwatch/shared';
import { DEADLINE_REASON_TEXT, formatInstant, formatLocalDate, formatMl, formatNumber, modelName, NO_FORECAST_TEXT } from '../../lib/format';

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
          Explanted {formatLocalDate(pump.explantedAt, tz)}{pump.explantReason ? ` (${pump.explantReason.replace('_', ' ')})` : ''}: history only, no forecast.
        </p>
      )}
      {f && f.status !== 'ok' && (
        <p className="notice notice--warn" data-testid="no-forecast-note">
          <span aria-hidden="true">? </span>No forecast: {NO_FORECAST_TEXT[f.status]}.
        </p>
      )}
      <div className="summary__grid">
        <dl>
          <Item term="Patient">{patient.displayName}</Item>
          <Item term="MRN">{patient.mrn}</Item>
          <Item term="Born">{patient.birthDate}</Item>
          <Item term="Clinic">{clinic.name} <span className="muted">({tz})</span></Item>
          <Item term="Model">{modelName(pump.modelId)}</Item>
          <Item term="Serial">{pump.serialNumber}</Item>
          <Item term="Implanted">{pump.implantDate}</Item>
        </dl>
        <dl>
          <Item term="Capacity / alarm">{formatMl(pump.reservoirCapacityMl)} / <strong>{formatMl(pump.lowReservoirAlarmMl)}</strong></Item>
          {pump.flowRateMlPerDay !== null && <Item term="Flow rate">{formatNumber(pump.flowRateMlPerDay, 'mL/day', 3)}</Item>}
          <Item term="Concentration">{formatNumber(f?.concentrationMcgPerMl, 'mcg/mL')}</Item>
          <Item term="Dose">{formatNumber(f?.doseMcgPerDay, 'mcg/day', 1)}</Item>
          <Item term="Daily volume">{formatNumber(f?.dailyVolumeMl, 'mL/day', 3)}</Item>
          <Item term="Volume now" testId="pump-volume">{formatMl(f?.volumeMl, 2)}</Item>
        </dl>
        <dl>
          <Item term="Refill deadline" testId="pump-deadline">
            <strong>{formatInstant(f?.refillDeadline, tz)}</strong>
            {f?.deadlineReason && <div className="reason">{DEADLINE_REASON_TEXT[f.deadlineReason]}</div>}
          </Item>
          <Item term="Drug expires">{formatInstant(f?.drugExpiresAt, tz)}</Item>
          <Item term="Alarm, nominal">{formatInstant(f?.nominal.lowReservoirAlarmAt, tz)}</Item>
          <Item term="Alarm, worst case">{formatInstant(f?.worstCase.lowReservoirAlarmAt, tz)}</Item>
          <Item term="Empty, nominal">{formatInstant(f?.nominal.emptyAt, tz)}</Item>
          <Item term="Empty, worst case">{formatInstant(f?.worstCase.emptyAt, tz)}</Item>
        </dl>
      </div>
    </div>
  );
}
