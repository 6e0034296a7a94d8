// HTTP adapter for a pump's forecast at an instant (default now).
import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { forecastQuerySchema, PumpForecast } from '@pumpwatch/shared';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { KnownPumpGuard } from '../pumps/known-pump.guard';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { ForecastService } from './forecast.service';

@ApiTags('forecast')
@UseGuards(KnownPumpGuard)
@Controller('pumps/:id/forecast')
export class ForecastController {
  constructor(private readonly forecasts: ForecastService) {}

  @Get()
  @ApiQuery({ name: 'at', required: false, description: 'ISO-8601 instant with offset; default now' })
  forecast(
    @Param('id', new EntityIdPipe('pump')) id: string,
    @Query(new ZodValidationPipe(forecastQuerySchema)) query: { at?: string },
  ): Promise<PumpForecast> {
    return this.forecasts.forecast(id, query.at);
  }
}
