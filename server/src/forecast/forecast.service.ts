// Loads what a pump's forecast needs and runs the shared closed-form forecast on it.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DEFAULT_RESERVOIR_DISCREPANCY_TOLERANCE,
  DomainError,
  forecastPump,
  PumpForecast,
  ReconciledInterval,
  ReportedPatientBoluses,
} from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { ClinicEntity } from '../clinics/clinic.entity';
import { FillEntity } from '../fills/fill.entity';
import { toForecastFill } from '../fills/fill.mapper';
import { Clock } from '../infra/clock';
import { ProgramEntity } from '../programs/program.entity';
import { toForecastProgram } from '../programs/program.mapper';
import { PumpEntity } from '../pumps/pump.entity';
import { toForecastPump } from '../pumps/pump.mapper';
import { ReportedBolusService } from '../telemetry/reported-bolus.service';
import { reconciledIntervalsByPump } from './reconciled-intervals';

export interface PumpHistory {
  pump: PumpEntity;
  clinic: ClinicEntity;
  fills: FillEntity[];
  programs: ProgramEntity[];
  /**
   * The pump's reconciled refill intervals (reconciledIntervalsByPump): its flow factor, and the calibrated deadline when it runs
   * fast (issue 13). Every loader of the page, the fleet, the alert rules and the scheduler sets it; absent: no calibration.
   */
  reconciliations?: ReconciledInterval[];
}

/** What telemetry reported that the forecast uses (ReportedBolusService.forHistories): bolus count and reservoir estimate since the fill. */
export interface ReportedForForecast {
  patientBoluses: ReportedPatientBoluses | null;
  /** The pump's latest reservoir estimate recorded after the fill in force (issue 12). */
  reservoir: { recordedAt: string; volumeMl: number } | null;
}

/**
 * The forecast of one pump from its loaded history (pure: no database access), with telemetry's bolus count and reservoir estimate
 * when there are some; the estimate is judged with the clinic's tolerance (columns of `clinics`, defaults in TELEMETRY_CONFIG).
 */
export function forecastFromHistory(
  history: PumpHistory,
  at: Date,
  withCurve: boolean,
  reported: ReportedForForecast | null = null,
): PumpForecast {
  const { clinic } = history;
  return forecastPump({
    pump: toForecastPump(history.pump),
    fills: history.fills.map(toForecastFill),
    programs: history.programs.map(toForecastProgram),
    reconciledIntervals: history.reconciliations ?? [],
    timeZone: history.clinic.timeZone,
    at: at.toISOString(),
    withCurve,
    reportedPatientBoluses: reported?.patientBoluses ?? null,
    reportedReservoir: reported?.reservoir
      ? {
          ...reported.reservoir,
          tolerance: {
            toleranceMl: clinic.reservoirDiscrepancyToleranceMl ?? DEFAULT_RESERVOIR_DISCREPANCY_TOLERANCE.toleranceMl,
            tolerancePercent: clinic.reservoirDiscrepancyTolerancePercent ?? DEFAULT_RESERVOIR_DISCREPANCY_TOLERANCE.tolerancePercent,
          },
        }
      : null,
  });
}

@Injectable()
export class ForecastService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly reportedBoluses: ReportedBolusService,
  ) {}

  /** Pump, clinic, fills, programs and reconciliations in chronological order; 404 naming `field` when the pump is unknown. */
  async loadHistory(pumpId: string, manager: EntityManager = this.dataSource.manager, field = 'id'): Promise<PumpHistory> {
    const pump = await manager.findOneBy(PumpEntity, { id: pumpId });
    if (!pump) throw DomainError.notFound(field, 'is not a known pump');
    // One after the other: inside a transaction the manager holds a single connection.
    const clinic = await manager.findOneByOrFail(ClinicEntity, { id: pump.clinicId });
    const fills = await manager.find(FillEntity, { where: { pumpId }, order: { filledAt: 'ASC' } });
    const programs = await manager.find(ProgramEntity, { where: { pumpId }, order: { effectiveFrom: 'ASC' } });
    const reconciliations = (await reconciledIntervalsByPump(manager, [pumpId])).get(pumpId) ?? [];
    return { pump, clinic, fills, programs, reconciliations };
  }

  /** GET /api/pumps/:id/forecast: an explanted pump has no forecast (422 naming pumpId). */
  async forecast(pumpId: string, at?: string): Promise<PumpForecast> {
    const history = await this.loadHistory(pumpId);
    if (history.pump.explantedAt) throw DomainError.rule('pumpId', 'is explanted: an explanted pump has no forecast');
    const atDate = at ? new Date(at) : this.clock.now();
    const reported = await this.reportedBoluses.forHistories([history], atDate);
    return forecastFromHistory(history, atDate, true, reported.get(history.pump.id) ?? null);
  }
}
