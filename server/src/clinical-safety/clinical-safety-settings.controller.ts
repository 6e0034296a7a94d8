// HTTP adapter for a clinic's clinical-safety settings (labs interval, review interval, abrupt-reduction step, taper step spacing).
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { updateClinicalSafetySettingsSchema } from '@pumpwatch/shared';
import type { ClinicalSafetySettings, UpdateClinicalSafetySettingsRequest } from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { ClinicalSafetySettingsService } from './clinical-safety-settings.service';

@ApiTags('clinical safety')
@Controller('clinics/:id/clinical-safety-settings')
export class ClinicalSafetySettingsController {
  constructor(private readonly settings: ClinicalSafetySettingsService) {}

  @Get()
  get(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('clinic')) clinicId: string): Promise<ClinicalSafetySettings> {
    return this.settings.get(actor, clinicId);
  }

  @Put()
  @ApiBody({ schema: openApiSchemaOf(updateClinicalSafetySettingsSchema) })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('clinic')) clinicId: string,
    @Body(new ZodValidationPipe(updateClinicalSafetySettingsSchema)) request: UpdateClinicalSafetySettingsRequest,
  ): Promise<ClinicalSafetySettings> {
    return this.settings.update(actor, clinicId, request);
  }
}
