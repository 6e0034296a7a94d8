// Refill forecast: exact closed-form integration of a pump's piecewise-constant program over its fill.
import type {
  BridgeBolus,
  ForecastCurvePoint,
  PatientBolus,
  PeriodicBolus,
  ProgramStep,
  PumpForecast,
  ReportedReservoirComparison,
} from '../contracts';
import { PUMP_MODELS, PumpModelId } from '../clinical-config';
import { DomainError } from '../domain-error';
import { minutesOfDay, utcOffsetMinutes } from './pump-clock';
import {
  CompiledFill,
  CompiledProgram,
  computeRefillLevels,
  constantFlowProgram,
  drawnSinceFillMl,
  fillSegments,
  floorToSecond,
  ReportedBolusVolume,
} from './refill-levels';
import { MINUTE_MS } from '../time-units';
import {
  compareReportedReservoir,
  DEFAULT_RESERVOIR_DISCREPANCY_TOLERANCE,
  ReservoirDiscrepancyTolerance,
} from '../telemetry/reservoir-discrepancy';
import { calibratedLevels, estimateFlowFactor, ReconciledInterval } from './flow-calibration';

export interface ForecastPumpInput {
  id: string;
  modelId: PumpModelId;
  lowReservoirAlarmMl: number;
  reservoirCapacityMl: number;
  /** Constant-flow pumps only (device label). */
  flowRateMlPerDay: number | null;
}

export interface ForecastFillInput {
  id: string;
  filledAt: string;
  concentrationMcgPerMl: number;
  volumeMl: number;
  stabilityDays: number;
  bridgeBolus: BridgeBolus | null;
}

export interface ForecastProgramInput {
  effectiveFrom: string;
  steps: ProgramStep[];
  periodicBoluses: PeriodicBolus[];
  patientBolus: PatientBolus | null;
}

/** Patient boluses telemetry reported delivered since a fill (the pump's cumulative counter, converted to mcg by the server). */
export interface ReportedPatientBoluses {
  /** The fill they were counted from; a report for another fill is ignored. */
  fillId: string;
  /** The reading that counted them: the past up to it uses this count, the worst case adds the whole allowance after it. */
  countedUntil: string;
  deliveredMcg: number;
}

/** The pump's own latest reservoir estimate (telemetry, issue 12) and the clinic's tolerance for it (default 2 mL or 10%). */
export interface ReportedReservoirInput {
  recordedAt: string;
  volumeMl: number;
  tolerance?: ReservoirDiscrepancyTolerance;
}

export interface ForecastInput {
  pump: ForecastPumpInput;
  /** Every fill of the pump, any order; the one in force at `at` is used. */
  fills: ForecastFillInput[];
  /** Every program of the pump, any order. */
  programs: ForecastProgramInput[];
  /** The clinic's IANA zone: the pump clock keeps the offset in force at each program's effectiveFrom. */
  timeZone: string;
  at: string;
  /** Include the chart curve (default true). */
  withCurve?: boolean;
  /** Used when it is for the fill in force and counted between that fill and `at`. */
  reportedPatientBoluses?: ReportedPatientBoluses | null;
  /** Compared with the nominal forecast at its recordedAt when recorded after the fill in force and not after `at` (issue 12). */
  reportedReservoir?: ReportedReservoirInput | null;
  /** The pump's reconciled refill intervals (any order): those closed by `at` give its flow factor (issue 13). */
  reconciledIntervals?: readonly ReconciledInterval[];
}

/** Points in the chart curve between the fill and the empty reservoir (plus program changes, levels and `at`). */
const CURVE_POINTS = 120;

/** Nominal dose of one pump day: each step's dose weighted by its hours, plus every periodic bolus (mcg/day). */
export function programDoseMcgPerDay(program: Pick<ForecastProgramInput, 'steps' | 'periodicBoluses'>): number {
  let dose = 0;
  for (let i = 0; i < program.steps.length; i++) {
    const startMin = minutesOfDay(program.steps[i].startTime);
    const endMin = i + 1 < program.steps.length ? minutesOfDay(program.steps[i + 1].startTime) : 24 * 60;
    dose += (program.steps[i].doseMcgPerDay * (endMin - startMin)) / (24 * 60);
  }
  for (const bolus of program.periodicBoluses) dose += bolus.doseMcg;
  return dose;
}

/** Parses a program once: wall-clock times to ms after the pump's midnight, the pump clock offset from the clinic zone. */
export function compileProgram(program: ForecastProgramInput, timeZone: string): CompiledProgram {
  // Rounded down to the second like `at`: one rule on both sides, so a program at 10:00:00.288 is in force at 10:00:00.500.
  const effectiveFromMs = floorToSecond(Date.parse(program.effectiveFrom));
  return {
    effectiveFromMs,
    pumpClockOffsetMs: utcOffsetMinutes(timeZone, effectiveFromMs) * MINUTE_MS,
    stepStartsMs: program.steps.map((s) => minutesOfDay(s.startTime) * MINUTE_MS),
    stepDosesMcgPerDay: program.steps.map((s) => s.doseMcgPerDay),
    bolusTimesMs: program.periodicBoluses.map((b) => minutesOfDay(b.time) * MINUTE_MS),
    bolusDosesMcg: program.periodicBoluses.map((b) => b.doseMcg),
    patientBolusMcgPerDay: program.patientBolus ? program.patientBolus.doseMcg * program.patientBolus.maxPerDay : 0,
    doseMcgPerDay: programDoseMcgPerDay(program),
  };
}

export function compileFill(fill: ForecastFillInput): CompiledFill {
  return {
    // Rounded down to the second like `at`: a fill at 10:00:00.288 is in force at once (issue 12: `at` was floored, the fill not).
    filledAtMs: floorToSecond(Date.parse(fill.filledAt)),
    concentrationMcgPerMl: fill.concentrationMcgPerMl,
    volumeMl: fill.volumeMl,
    stabilityDays: fill.stabilityDays,
    bridgeBolusVolumeMl: fill.bridgeBolus ? fill.bridgeBolus.volumeMl : 0,
    bridgeBolusDurationMs: fill.bridgeBolus ? fill.bridgeBolus.durationMinutes * MINUTE_MS : 0,
  };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function emptyForecast(input: ForecastInput, atMs: number, status: 'no_fill' | 'no_program', fillId: string | null): PumpForecast {
  return {
    pumpId: input.pump.id,
    status,
    at: new Date(atMs).toISOString(),
    volumeMl: null,
    worstCaseVolumeMl: null,
    reportedPatientBoluses: null,
    nominal: { lowReservoirAlarmAt: null, emptyAt: null },
    worstCase: { lowReservoirAlarmAt: null, emptyAt: null },
    drugExpiresAt: null,
    refillDeadline: null,
    deadlineReason: null,
    dailyVolumeMl: null,
    doseMcgPerDay: null,
    concentrationMcgPerMl: null,
    lowReservoirAlarmMl: input.pump.lowReservoirAlarmMl,
    fillId,
    pumpClockOffsetFromLocalMinutes: 0,
    curve: [],
    reportedReservoir: null,
    calibrated: null,
  };
}

/**
 * The forecast of the fill in force at `at`: alarm and empty instants (nominal and worst case), drug expiry,
 * refill deadline, volume at `at` and a chart curve. Throws a 422 DomainError naming `at` before the first fill.
 */
export function forecastPump(input: ForecastInput): PumpForecast {
  const atMs = floorToSecond(Date.parse(input.at));
  const fills = input.fills
    .map((f) => ({ input: f, compiled: compileFill(f) }))
    .sort((a, b) => a.compiled.filledAtMs - b.compiled.filledAtMs);
  if (fills.length === 0) return emptyForecast(input, atMs, 'no_fill', null);
  let fillIndex = -1;
  while (fillIndex + 1 < fills.length && fills[fillIndex + 1].compiled.filledAtMs <= atMs) fillIndex++;
  if (fillIndex < 0) throw DomainError.rule('at', `is before the pump's first fill (${fills[0].input.filledAt})`);
  const fill = fills[fillIndex].compiled;
  const fillId = fills[fillIndex].input.id;

  const constantFlow = input.pump.flowRateMlPerDay !== null && input.pump.modelId === 'constant-flow';
  const programs = constantFlow
    ? [constantFlowProgram(input.pump.flowRateMlPerDay as number, fill.concentrationMcgPerMl)]
    : input.programs.map((p) => compileProgram(p, input.timeZone)).sort((a, b) => a.effectiveFromMs - b.effectiveFromMs);
  let programIndex = -1;
  while (programIndex + 1 < programs.length && programs[programIndex + 1].effectiveFromMs <= atMs) programIndex++;
  if (programIndex < 0) return emptyForecast(input, atMs, 'no_program', fillId);
  const programInForce = programs[programIndex];

  const report = input.reportedPatientBoluses ?? null;
  const countedUntilMs = report ? floorToSecond(Date.parse(report.countedUntil)) : Number.NaN;
  const reported: ReportedBolusVolume | null =
    report && report.fillId === fillId && countedUntilMs > fill.filledAtMs && countedUntilMs <= atMs && report.deliveredMcg >= 0
      ? { countedUntilMs, deliveredMl: report.deliveredMcg / fill.concentrationMcgPerMl }
      : null;
  const segments = fillSegments(fill, programs, reported);
  const levels = computeRefillLevels(fill, input.pump.lowReservoirAlarmMl, segments);
  const reportedReservoir = compareWithReportedReservoir(
    input.reportedReservoir ?? null,
    fill,
    segments,
    input.pump.lowReservoirAlarmMl,
    atMs,
  );
  // While the pump reports less than the forecast beyond tolerance, the deadline counts from the lower volume (issue 12).
  const lowerDeadlineMs = reportedReservoir?.lowerLevels?.refillDeadlineMs ?? Number.POSITIVE_INFINITY;
  // A pump its refills show running fast reaches the alarm earlier: the worst case at its measured flow, when earlier (issue 13).
  const flowAccuracyFraction = PUMP_MODELS[input.pump.modelId]?.flowAccuracyFraction ?? null;
  const calibration = estimateFlowFactor(input.reconciledIntervals ?? [], atMs, { flowAccuracyFraction });
  const calibrated =
    calibration && calibratedLevels(segments, fill.filledAtMs, fill.volumeMl, input.pump.lowReservoirAlarmMl, calibration.flowFactor);
  const calibratedDeadlineMs =
    calibration && calibration.flowFactor > 1 ? (calibrated?.lowReservoirAlarmMs ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
  const refillDeadlineMs = Math.min(levels.refillDeadlineMs, lowerDeadlineMs, calibratedDeadlineMs);
  const volumeAt = (ms: number, worstCase: boolean) => Math.max(0, fill.volumeMl - drawnSinceFillMl(segments, ms, worstCase));
  const localOffsetNowMin = constantFlow ? 0 : utcOffsetMinutes(input.timeZone, atMs);

  let curve: ForecastCurvePoint[] = [];
  if (input.withCurve !== false) {
    const endMs = Math.max(atMs, levels.nominalEmptyMs ?? levels.worstCaseEmptyMs ?? levels.drugExpiresMs);
    const stepMs = Math.max(MINUTE_MS, (endMs - fill.filledAtMs) / CURVE_POINTS);
    const instants = new Set<number>([atMs, endMs]);
    for (let t = fill.filledAtMs; t < endMs; t += stepMs) instants.add(floorToSecond(t));
    for (const p of programs) if (p.effectiveFromMs > fill.filledAtMs && p.effectiveFromMs < endMs) instants.add(p.effectiveFromMs);
    if (reported && reported.countedUntilMs < endMs) instants.add(reported.countedUntilMs);
    for (const ms of [
      levels.nominalLowReservoirAlarmMs,
      levels.worstCaseLowReservoirAlarmMs,
      levels.worstCaseEmptyMs,
      levels.drugExpiresMs,
    ]) {
      if (ms !== null && ms > fill.filledAtMs && ms < endMs) instants.add(ms);
    }
    curve = [...instants]
      .filter((ms) => ms >= fill.filledAtMs)
      .sort((a, b) => a - b)
      .map((ms) => ({
        at: new Date(ms).toISOString(),
        volumeMl: round6(volumeAt(ms, false)),
        worstCaseVolumeMl: round6(volumeAt(ms, true)),
      }));
  }

  return {
    pumpId: input.pump.id,
    status: 'ok',
    at: new Date(atMs).toISOString(),
    volumeMl: round6(volumeAt(atMs, false)),
    worstCaseVolumeMl: round6(volumeAt(atMs, true)),
    reportedPatientBoluses: reported
      ? {
          countedUntil: new Date(reported.countedUntilMs).toISOString(),
          deliveredMcg: (report as ReportedPatientBoluses).deliveredMcg,
          volumeMl: round6(reported.deliveredMl),
        }
      : null,
    nominal: { lowReservoirAlarmAt: iso(levels.nominalLowReservoirAlarmMs), emptyAt: iso(levels.nominalEmptyMs) },
    worstCase: { lowReservoirAlarmAt: iso(levels.worstCaseLowReservoirAlarmMs), emptyAt: iso(levels.worstCaseEmptyMs) },
    drugExpiresAt: iso(levels.drugExpiresMs),
    refillDeadline: iso(refillDeadlineMs),
    deadlineReason:
      refillDeadlineMs === levels.refillDeadlineMs
        ? levels.deadlineReason
        : refillDeadlineMs === lowerDeadlineMs
          ? 'reported_reservoir'
          : 'calibrated_flow',
    dailyVolumeMl: round6(programInForce.doseMcgPerDay / fill.concentrationMcgPerMl),
    doseMcgPerDay: round6(programInForce.doseMcgPerDay),
    concentrationMcgPerMl: fill.concentrationMcgPerMl,
    lowReservoirAlarmMl: input.pump.lowReservoirAlarmMl,
    fillId,
    pumpClockOffsetFromLocalMinutes: constantFlow ? 0 : Math.round(programInForce.pumpClockOffsetMs / MINUTE_MS) - localOffsetNowMin,
    curve,
    reportedReservoir: reportedReservoir?.comparison ?? null,
    calibrated:
      !calibration || !calibrated
        ? null
        : {
            ...calibration,
            lowReservoirAlarmAt: iso(calibrated.lowReservoirAlarmMs),
            emptyAt: iso(calibrated.emptyMs),
          },
  };
}

/**
 * The pump's estimate against the nominal forecast at the reading's instant. With a discrepancy and less reported than forecast,
 * also the levels as if the fill had been short by the difference (same program, same segments).
 */
function compareWithReportedReservoir(
  report: ReportedReservoirInput | null,
  fill: CompiledFill,
  segments: ReturnType<typeof fillSegments>,
  lowReservoirAlarmMl: number,
  atMs: number,
): { comparison: ReportedReservoirComparison; lowerLevels: ReturnType<typeof computeRefillLevels> | null } | null {
  if (report === null || !(report.volumeMl >= 0)) return null;
  const recordedAtMs = floorToSecond(Date.parse(report.recordedAt));
  // A reading at or before the fill describes the reservoir before it; one after `at` is not known yet at `at`.
  if (!(recordedAtMs > fill.filledAtMs && recordedAtMs <= atMs)) return null;
  const forecastVolumeMl = Math.max(0, fill.volumeMl - drawnSinceFillMl(segments, recordedAtMs, false));
  const compared = compareReportedReservoir(report.volumeMl, forecastVolumeMl, report.tolerance ?? DEFAULT_RESERVOIR_DISCREPANCY_TOLERANCE);
  const lowerLevels =
    compared.discrepancy && compared.differenceMl < 0
      ? computeRefillLevels({ ...fill, volumeMl: fill.volumeMl + compared.differenceMl }, lowReservoirAlarmMl, segments)
      : null;
  return {
    comparison: {
      recordedAt: new Date(recordedAtMs).toISOString(),
      reportedVolumeMl: round6(compared.reportedVolumeMl),
      forecastVolumeMl: round6(compared.forecastVolumeMl),
      differenceMl: round6(compared.differenceMl),
      allowedDifferenceMl: round6(compared.allowedDifferenceMl),
      discrepancy: compared.discrepancy,
      lowerVolumeLevels:
        lowerLevels === null
          ? null
          : {
              nominal: { lowReservoirAlarmAt: iso(lowerLevels.nominalLowReservoirAlarmMs), emptyAt: iso(lowerLevels.nominalEmptyMs) },
              worstCase: { lowReservoirAlarmAt: iso(lowerLevels.worstCaseLowReservoirAlarmMs), emptyAt: iso(lowerLevels.worstCaseEmptyMs) },
            },
    },
    lowerLevels,
  };
}

/** Volumes are reported to the microlitre; more digits are noise. */
function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
