// The forecast "now" for pages, the fleet and the alert rules: a fill recorded a few minutes ahead does not make "now" an error, and
// one pump whose history cannot be forecast becomes that pump's status instead of failing every other pump's answer.
import { Logger } from '@nestjs/common';
import type { PumpForecast } from '@pumpwatch/shared';
import type { PumpEntity } from '../pumps/pump.entity';
import { forecastFromHistory, PumpHistory } from './forecast.service';

const logger = new Logger('ForecastNow');

/** What telemetry reported that the forecast uses (as forecastFromHistory takes it). */
type Reported = Parameters<typeof forecastFromHistory>[3];

export function forecastNow(history: PumpHistory, now: Date, withCurve: boolean, reported: Reported = null): PumpForecast {
  const nowMs = now.getTime();
  const fillsSoFar = history.fills.filter((fill) => fill.filledAt.getTime() <= nowMs);
  return forecastFromHistory({ ...history, fills: fillsSoFar }, now, withCurve, reported);
}

export interface GuardedForecast {
  forecast: PumpForecast;
  /** Why the history could not be forecast (status 'forecast_error'); null otherwise. */
  error: string | null;
}

/** forecastNow that never throws: a failure is logged (pump id and message, no patient data) and returned as status 'forecast_error'. */
export function forecastNowGuarded(history: PumpHistory, now: Date, withCurve: boolean, reported: Reported = null): GuardedForecast {
  try {
    return { forecast: forecastNow(history, now, withCurve, reported), error: null };
  } catch (caught) {
    const error = caught instanceof Error ? caught.message : String(caught);
    logger.error(`forecast failed for pump ${history.pump.id}: ${error}`);
    return { forecast: failedForecast(history, now), error };
  }
}

/** The shape of a forecast without a fill (every figure null), marked as failed. */
function failedForecast(history: PumpHistory, now: Date): PumpForecast {
  const empty = forecastFromHistory({ ...history, fills: [], programs: [] }, now, false);
  return { ...empty, status: 'forecast_error' };
}

/** Without a forecast: since the later of implant (the clinic's date, read as UTC midnight) and registration; null with one. */
export function noForecastSinceOf(
  pump: Pick<PumpEntity, 'createdAt' | 'implantDate'>,
  forecast: Pick<PumpForecast, 'status'>,
): string | null {
  if (forecast.status === 'ok') return null;
  return new Date(Math.max(pump.createdAt.getTime(), Date.parse(`${pump.implantDate}T00:00:00Z`))).toISOString();
}
