// HTTP adapter for clinics.
import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { createClinicSchema, updateClinicSettingsSchema } from '@pumpwatch/shared';
import type { Clinic, ClinicSettings, CreateClinicRequest, ValidClinicSettingsPatch } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { ClinicSettingsService } from './clinic-settings.service';
import { ClinicsService } from './clinics.service';

@ApiTags('clinics')
@Controller('clinics')
export class ClinicsController {
  constructor(
    private readonly clinics: ClinicsService,
    private readonly settings: ClinicSettingsService,
  ) {}

  @Post()
  @ApiBody({ schema: openApiSchemaOf(createClinicSchema) })
  create(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(createClinicSchema)) request: CreateClinicRequest): Promise<Clinic> {
    return this.clinics.create(actor, request);
  }

  @Get()
  list(@CurrentActor() actor: Actor): Promise<Clinic[]> {
    return this.clinics.list(actor);
  }

  @Get(':id/settings')
  getSettings(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('clinic')) id: string): Promise<ClinicSettings> {
    return this.settings.get(actor, id);
  }

  @Patch(':id/settings')
  @ApiBody({ schema: openApiSchemaOf(updateClinicSettingsSchema) })
  updateSettings(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinic')) id: string,
    @Body(new ZodValidationPipe(updateClinicSettingsSchema)) patch: ValidClinicSettingsPatch,
  ): Promise<ClinicSettings> {
    return this.settings.update(actor, id, patch);
  }
}
