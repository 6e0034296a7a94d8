// Alarms timeline of one pump: each alarm episode from the reading that first reported it to the one that cleared it, newest first.
import { PUMP_ALARM_CATALOG, type PumpAlarmCode, type TelemetryReading } from '@pumpwatch/shared';
import { formatInstant } from '../../lib/format';

export interface AlarmEpisode {
  code: PumpAlarmCode;
  from: string;
  /** The first later reading that reported alarms without this one; null while it is still reported. */
  clearedAt: string | null;
  readings: number;
}

/**
 * Episodes from readings in time order. A reading without an `alarms` field says nothing about alarms; an empty list clears
 * them (the ingest contract), so only readings that report alarms open or close an episode.
 */
export function alarmEpisodes(readings: readonly TelemetryReading[]): AlarmEpisode[] {
  const open = new Map<PumpAlarmCode, AlarmEpisode>();
  const done: AlarmEpisode[] = [];
  for (const r of readings) {
    if (r.alarms === null) continue;
    const now = new Set(r.alarms);
    for (const [code, episode] of open) {
      if (now.has(code)) continue;
      episode.clearedAt = r.recordedAt;
      done.push(episode);
      open.delete(code);
    }
    for (const code of now) {
      const episode = open.get(code);
      if (episode) episode.readings++;
      else open.set(code, { code, from: r.recordedAt, clearedAt: null, readings: 1 });
    }
  }
  return [...done, ...open.values()].sort((a, b) => Date.parse(b.from) - Date.parse(a.from));
}

export function AlarmsTimeline({ readings, timeZone }: { readings: readonly TelemetryReading[]; timeZone: string }) {
  const episodes = alarmEpisodes(readings);
  return (
    <div className="table-wrap" tabIndex={0}>
      <table className="history" data-testid="alarms-timeline">
        <caption>Pump alarms</caption>
        <thead>
          <tr>
            <th scope="col">Alarm</th>
            <th scope="col">Reported from</th>
            <th scope="col">Until</th>
            <th scope="col" className="num">
              Readings
            </th>
          </tr>
        </thead>
        <tbody>
          {episodes.map((e) => {
            const def = PUMP_ALARM_CATALOG[e.code];
            return (
              <tr key={`${e.code}-${e.from}`} data-testid="alarm-episode" data-code={e.code} data-active={e.clearedAt === null}>
                <td>
                  {def?.label ?? e.code}
                  {def?.interruptsDelivery && (
                    <div className="reason reason--danger">
                      <span aria-hidden="true">✖ </span>interrupts delivery
                    </div>
                  )}
                </td>
                <td>{formatInstant(e.from, timeZone)}</td>
                <td>
                  {e.clearedAt === null ? (
                    <strong>
                      <span aria-hidden="true">● </span>still reported
                    </strong>
                  ) : (
                    formatInstant(e.clearedAt, timeZone)
                  )}
                </td>
                <td className="num">{e.readings}</td>
              </tr>
            );
          })}
          {episodes.length === 0 && (
            <tr>
              <td colSpan={4} className="empty">
                No alarm reported{readings.length === 0 ? ' (no telemetry in this span)' : ''}.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
