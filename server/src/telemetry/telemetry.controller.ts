// HTTP adapter for gateway uploads: POST /api/telemetry.
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { TELEMETRY_CONFIG, telemetryBatchSchema, telemetryReadingSchema, TelemetryIngestResult } from '@pumpwatch/shared';
import { z } from 'zod';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { TelemetryIngestService } from './telemetry-ingest.service';

/** What the OpenAPI page shows: the envelope with the reading schema (validation runs per reading in the service). */
const documentedBatch = z.object({ readings: z.array(telemetryReadingSchema).min(1).max(TELEMETRY_CONFIG.maxReadingsPerBatch) });

@ApiTags('telemetry')
@Controller('telemetry')
export class TelemetryController {
  constructor(private readonly ingest: TelemetryIngestService) {}

  /** 200 with counts: re-sending a batch is harmless (idempotent on serial number and recordedAt). */
  @Post()
  @HttpCode(200)
  @ApiBody({ schema: openApiSchemaOf(documentedBatch) })
  post(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(telemetryBatchSchema)) batch: { readings: unknown[] },
  ): Promise<TelemetryIngestResult> {
    return this.ingest.ingest(actor, batch.readings);
  }
}
