// Runs every pump rule on one pump's facts: which kinds fire now, and which kinds were judged at all.
import type { DeadlineReason, ForecastStatus, ReportedReservoirComparison } from '../contracts';
import type { PumpTelemetryStatus } from '../telemetry/pump-telemetry-status';
import { ALERT_KIND_INFO, ALERT_KINDS, AlertFinding, AlertKind } from './alert-contracts';
import { appointmentTooLateFinding, BookedRefill } from './appointment-rule';
import { noForecastFinding } from './no-forecast-rule';
import { ClinicAlertSettings, refillDeadlineFinding } from './refill-deadline-rule';
import { reservoirFinding } from './reservoir-rule';
import { TELEMETRY_RULES } from './telemetry-rules';
import type { TelemetryRuleInput } from './telemetry-rules';

export interface PumpAlertInput {
  now: string;
  timeZone: string;
  /** An explanted pump raises nothing: each of its conditions counts as cleared. */
  explanted: boolean;
  forecast: {
    status: ForecastStatus;
    volumeMl: number | null;
    worstCase: { emptyAt: string | null };
    refillDeadline: string | null;
    deadlineReason: DeadlineReason | null;
    lowReservoirAlarmMl: number;
    /** The pump's latest reservoir estimate against the forecast (issue 12, `reservoir_discrepancy`); absent: not compared. */
    reportedReservoir?: ReportedReservoirComparison | null;
  };
  settings: ClinicAlertSettings;
  /** Whether telemetry could be asked at all; false: telemetry kinds are neither raised nor cleared. */
  telemetryKnown: boolean;
  /** The pump's telemetry status (null: known to have none, e.g. never reported). */
  telemetry: PumpTelemetryStatus | null;
  /** Start of the earliest active refill appointment (scheduling issue); absent: unbooked. */
  appointmentStartsAt?: string | null;
  /** The booked refill appointment itself (scheduling issue); absent or null: none booked. */
  appointment?: BookedRefill | null;
  /** Without a forecast: the later of implant and registration (issue 12, `no_forecast`); absent or null: not raised. */
  noForecastSince?: string | null;
  /** Why the pump's history cannot be forecast (forecast status 'forecast_error'), for the `no_forecast` message. */
  forecastError?: string | null;
  /** The clinic's drug library for `outside_drug_library` (issue 13); absent or null: that rule finds nothing. */
  drugLibrary?: TelemetryRuleInput['drugLibrary'];
}

export interface PumpAlertEvaluation {
  findings: AlertFinding[];
  /** Kinds whose absence from `findings` means the condition is cleared. */
  evaluatedKinds: AlertKind[];
}

export function evaluatePumpAlerts(input: PumpAlertInput): PumpAlertEvaluation {
  const evaluatedKinds = ALERT_KINDS.filter(
    (kind) => ALERT_KIND_INFO[kind].subject === 'pump' && (input.telemetryKnown || !ALERT_KIND_INFO[kind].fromTelemetry),
  );
  if (input.explanted) return { findings: [], evaluatedKinds };
  const { now, timeZone } = input;
  const findings: (AlertFinding | null)[] = [
    refillDeadlineFinding({
      now,
      timeZone,
      forecast: input.forecast,
      settings: input.settings,
      appointmentStartsAt: input.appointmentStartsAt,
    }),
    reservoirFinding({ now, timeZone, forecast: input.forecast, telemetry: input.telemetry }),
    appointmentTooLateFinding({ timeZone, forecast: input.forecast, settings: input.settings, appointment: input.appointment ?? null }),
    noForecastFinding({
      now,
      timeZone,
      forecast: input.forecast,
      noForecastSince: input.noForecastSince,
      forecastError: input.forecastError,
    }),
  ];
  if (input.telemetry)
    for (const rule of TELEMETRY_RULES)
      findings.push(rule({ now, timeZone, telemetry: input.telemetry, forecast: input.forecast, drugLibrary: input.drugLibrary }));
  return { findings: findings.filter((f): f is AlertFinding => f !== null), evaluatedKinds };
}
