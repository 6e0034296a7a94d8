// Telemetry on the pump page: last contact, battery, reported volume, replacement dates, status badges, alarms, reconciliation, MRI.
import type { PumpDetail } from '@pumpwatch/shared';
import { formatInstant, formatMl } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { TelemetryBadges } from './telemetry-badges';
import { AlarmsTimeline } from './alarms-timeline';
import { ReconciliationHistory } from './reconciliation-history';
import { MriEvents } from './mri-events';
import type { PumpTelemetryData } from './use-pump-telemetry';

const BATTERY_TEXT = { ok: 'OK', eri: 'Elective replacement indicator (ERI)', end_of_service: 'End of service' } as const;

function Fact({ term, children, testId }: { term: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="summary__item">
      <dt>{term}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

export function PumpTelemetrySection({ detail, data, onChanged }: { detail: PumpDetail; data: PumpTelemetryData; onChanged: () => void }) {
  const now = useNow();
  const t = detail.telemetry;
  const tz = detail.clinic.timeZone;
  const readings = data.readings.data?.readings ?? [];
  const reload = () => {
    data.events.reload();
    onChanged();
  };

  return (
    <section aria-labelledby="telemetry-title" className="panel telemetry" data-testid="pump-telemetry">
      <h2 id="telemetry-title">Telemetry</h2>
      {!t ? (
        <p className="muted">No telemetry status (explanted pump).</p>
      ) : (
        <>
          <TelemetryBadges telemetry={t} nowMs={now} testId="pump-telemetry-badges" />
          <div className="summary">
            <dl className="summary__grid">
              <Fact term="Last contact" testId="telemetry-last-contact">
                {t.lastContactAt ? formatInstant(t.lastContactAt, tz) : 'never reported'}
                {t.stale && (
                  <div className="reason reason--danger">
                    <span aria-hidden="true">⏱ </span>stale: no reading for more than {t.staleAfterHours} h
                  </div>
                )}
                {!t.monitored && t.lastContactAt && (
                  <div className="reason">does not report regularly (fewer than 2 readings in 7 days)</div>
                )}
              </Fact>
              <Fact term="Battery" testId="telemetry-battery">
                {t.batteryStatus ? BATTERY_TEXT[t.batteryStatus] : 'not reported'}
                {t.eriAt && <div className="reason">ERI first reported {formatInstant(t.eriAt, tz)}</div>}
              </Fact>
              <Fact term="Reported volume">
                {t.reportedReservoirVolumeMl === null ? (
                  '—'
                ) : (
                  <>
                    {formatMl(t.reportedReservoirVolumeMl, 1)}{' '}
                    <span className="muted">at {formatInstant(t.reportedReservoirVolumeAt, tz)}</span>
                    <div className="reason">the pump’s own calculation, not a measurement</div>
                  </>
                )}
              </Fact>
              <Fact term="Replacement" testId="telemetry-replacement">
                {t.replacementDueBy ? (
                  <>
                    book by <strong>{formatInstant(t.replacementDueBy, tz)}</strong>
                  </>
                ) : (
                  '—'
                )}
                {t.expectedStopAt && (
                  <div className="reason">
                    expected stop {formatInstant(t.expectedStopAt, tz)}
                    {t.replacementEstimated ? ' (estimate from implant date and typical battery life, unverified)' : ''}
                  </div>
                )}
              </Fact>
              <Fact term="Readings (7 days)">{t.readingsLast7Days}</Fact>
            </dl>
          </div>
        </>
      )}
      {data.readings.error && (
        <p className="notice notice--error" role="alert">
          Could not load the readings: {data.readings.error.message}
        </p>
      )}
      {data.readings.data?.truncated && <p className="muted">Only the latest {readings.length} readings are shown.</p>}
      <AlarmsTimeline readings={readings} timeZone={tz} />
      {data.reconciliations.error && (
        <p className="notice notice--error" role="alert">
          Could not load the reconciliations: {data.reconciliations.error.message}
        </p>
      )}
      {data.reconciliations.data && <ReconciliationHistory data={data.reconciliations.data} timeZone={tz} />}
      {data.events.error && (
        <p className="notice notice--error" role="alert">
          Could not load the pump events: {data.events.error.message}
        </p>
      )}
      {detail.pump.explantedAt === null && (
        <MriEvents
          pumpId={detail.pump.id}
          clinicId={detail.pump.clinicId}
          timeZone={tz}
          events={data.events.data ?? []}
          onChanged={reload}
        />
      )}
    </section>
  );
}
