// HTTP adapter for a patient's clinical safety: lab results, side effects, check-ups, taper plans and the clinical summary.
import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import {
  createCheckUpSchema,
  createLabResultSchema,
  createSideEffectReportSchema,
  endTaperPlanSchema,
  taperPlanSchema,
} from '@pumpwatch/shared';
import type {
  CheckUp,
  ClinicalSummary,
  CreateCheckUpRequest,
  CreateLabResultRequest,
  CreateSideEffectReportRequest,
  EndTaperPlanRequest,
  LabResult,
  SideEffectReport,
  TaperPlan,
  TaperPlanRecord,
} from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { CheckUpsService } from './check-ups.service';
import { ClinicalSummaryService } from './clinical-summary.service';
import { KnownPatientGuard } from './known-patient.guard';
import { LabResultsService } from './lab-results.service';
import { SideEffectsService } from './side-effects.service';
import { TaperPlansService } from './taper-plans.service';

@ApiTags('clinical safety')
@UseGuards(KnownPatientGuard)
@Controller('patients/:id')
export class ClinicalSafetyController {
  constructor(
    private readonly labs: LabResultsService,
    private readonly sideEffects: SideEffectsService,
    private readonly checkUps: CheckUpsService,
    private readonly taperPlans: TaperPlansService,
    private readonly summaries: ClinicalSummaryService,
  ) {}

  /** A serum creatinine (mg/dL or umol/L); answers the stored result with clearance, eGFR, KDIGO stage and the reason for any null. */
  @Post('labs')
  @ApiBody({ schema: openApiSchemaOf(createLabResultSchema) })
  recordLab(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('patient')) patientId: string,
    @Body(new ZodValidationPipe(createLabResultSchema)) request: CreateLabResultRequest,
  ): Promise<LabResult> {
    return this.labs.record(actor, patientId, request);
  }

  @Get('labs')
  listLabs(@Param('id', new EntityIdPipe('patient')) patientId: string): Promise<LabResult[]> {
    return this.labs.list(patientId);
  }

  @Post('side-effects')
  @ApiBody({ schema: openApiSchemaOf(createSideEffectReportSchema) })
  recordSideEffect(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('patient')) patientId: string,
    @Body(new ZodValidationPipe(createSideEffectReportSchema)) request: CreateSideEffectReportRequest,
  ): Promise<SideEffectReport> {
    return this.sideEffects.record(actor, patientId, request);
  }

  @Get('side-effects')
  listSideEffects(@Param('id', new EntityIdPipe('patient')) patientId: string): Promise<SideEffectReport[]> {
    return this.sideEffects.list(patientId);
  }

  @Post('check-ups')
  @ApiBody({ schema: openApiSchemaOf(createCheckUpSchema) })
  recordCheckUp(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('patient')) patientId: string,
    @Body(new ZodValidationPipe(createCheckUpSchema)) request: CreateCheckUpRequest,
  ): Promise<CheckUp> {
    return this.checkUps.record(actor, patientId, request);
  }

  @Get('check-ups')
  listCheckUps(@Param('id', new EntityIdPipe('patient')) patientId: string): Promise<CheckUp[]> {
    return this.checkUps.list(patientId);
  }

  @Post('taper-plans')
  @ApiBody({ schema: openApiSchemaOf(taperPlanSchema) })
  createTaperPlan(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('patient')) patientId: string,
    @Body(new ZodValidationPipe(taperPlanSchema)) request: TaperPlan,
  ): Promise<TaperPlanRecord> {
    return this.taperPlans.create(actor, patientId, request);
  }

  @Get('taper-plans')
  listTaperPlans(@Param('id', new EntityIdPipe('patient')) patientId: string): Promise<TaperPlanRecord[]> {
    return this.taperPlans.list(patientId);
  }

  /** `{outcome: 'completed' | 'cancelled', note}`: the plan stays on record (and on the chart), no longer guarding program changes. */
  @Post('taper-plans/:planId/end')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchemaOf(endTaperPlanSchema) })
  endTaperPlan(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('patient')) patientId: string,
    @Param('planId', new EntityIdPipe('taper plan')) planId: string,
    @Body(new ZodValidationPipe(endTaperPlanSchema)) request: EndTaperPlanRequest,
  ): Promise<TaperPlanRecord> {
    return this.taperPlans.end(actor, patientId, planId, request);
  }

  @Get('clinical-summary')
  summary(@Param('id', new EntityIdPipe('patient')) patientId: string): Promise<ClinicalSummary> {
    return this.summaries.summary(patientId);
  }
}
