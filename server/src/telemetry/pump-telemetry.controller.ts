// HTTP adapter for a pump's telemetry pages: readings (chart points, alarms, battery) and reconciliation history.
import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { PumpReconciliations, PumpTelemetryReadings, telemetryQuerySchema } from '@pumpwatch/shared';
import type { TelemetryQuery } from '@pumpwatch/shared';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { KnownPumpGuard } from '../pumps/known-pump.guard';
import { PumpTelemetryService } from './pump-telemetry.service';

@ApiTags('telemetry')
@UseGuards(KnownPumpGuard)
@Controller('pumps/:id')
export class PumpTelemetryController {
  constructor(private readonly telemetry: PumpTelemetryService) {}

  @Get('telemetry')
  @ApiQuery({ name: 'from', required: false, description: 'ISO-8601 instant; default 180 days before `to`' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO-8601 instant; default now (+5 min)' })
  @ApiQuery({ name: 'limit', required: false, description: 'most recent readings returned, 1-10000 (default 10000)' })
  readings(
    @Param('id', new EntityIdPipe('pump')) pumpId: string,
    @Query(new ZodValidationPipe(telemetryQuerySchema)) query: TelemetryQuery,
  ): Promise<PumpTelemetryReadings> {
    return this.telemetry.readings(pumpId, query);
  }

  @Get('reconciliations')
  reconciliations(@Param('id', new EntityIdPipe('pump')) pumpId: string): Promise<PumpReconciliations> {
    return this.telemetry.reconciliations(pumpId);
  }
}
