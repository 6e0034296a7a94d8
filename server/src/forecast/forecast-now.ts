// The forecast "now" for pages and the fleet: a fill recorded a few minutes ahead does not make "now" an error.
import type { PumpForecast } from '@pumpwatch/shared';
import { forecastFromHistory, PumpHistory, ReportedForForecast } from './forecast.service';

export function forecastNow(history: PumpHistory, now: Date, withCurve: boolean, reportedPatientBoluses: ReportedForForecast | null = null): PumpForecast {
  const nowMs = now.getTime();
  const fillsSoFar = history.fills.filter((fill) => fill.filledAt.getTime() <= nowMs);
  return forecastFromHistory({ ...history, fills: fillsSoFar }, now, withCurve, reportedPatientBoluses);
}
