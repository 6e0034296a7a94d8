// Rule on a pump without a refill forecast long after implant or registration: nobody knows when it runs dry (issue 12).
import { URGENCY_CONFIG } from '../clinical-config';
import type { ForecastStatus } from '../contracts';
import { noForecastIsCritical } from '../forecast/urgency';
import type { AlertFinding } from './alert-contracts';
import { clinicTime } from './alert-format';

export interface NoForecastRuleInput {
  now: string;
  timeZone: string;
  forecast: { status: ForecastStatus };
  /** The later of implant and registration; null or absent: not known, nothing is raised. */
  noForecastSince: string | null | undefined;
  /** Why the history cannot be forecast (status 'forecast_error'). */
  forecastError?: string | null;
}

/** What the clinic has to enter (or fix) before PumpWatch can forecast the pump. */
export function missingForForecast(status: ForecastStatus, forecastError: string | null | undefined): string {
  switch (status) {
    case 'no_fill':
      return 'no fill is recorded';
    case 'no_program':
      return 'no infusion program is set';
    case 'forecast_error':
      return `its fill and program history cannot be forecast (${forecastError ?? 'unknown error'})`;
    case 'ok':
      return '';
  }
}

/**
 * Urgent: no forecast more than `URGENCY_CONFIG.noForecastCriticalAfterHours` after the later of implant and registration. Clears by
 * itself once a forecast exists (the fill or program entered).
 */
export function noForecastFinding(input: NoForecastRuleInput): AlertFinding | null {
  const { status } = input.forecast;
  if (status === 'ok' || !input.noForecastSince) return null;
  if (!noForecastIsCritical({ noForecastSince: input.noForecastSince }, Date.parse(input.now))) return null;
  const missing = missingForForecast(status, input.forecastError);
  return {
    kind: 'no_forecast',
    severity: 'urgent',
    title: 'No refill forecast',
    message:
      `No refill forecast since ${clinicTime(input.noForecastSince, input.timeZone)} (more than ${URGENCY_CONFIG.noForecastCriticalAfterHours} h after ` +
      `implant or registration): ${missing}. Nobody knows when this pump runs empty: enter the last refill and the program.`,
    facts: { status, noForecastSince: input.noForecastSince, missing, forecastError: input.forecastError ?? null },
  };
}
