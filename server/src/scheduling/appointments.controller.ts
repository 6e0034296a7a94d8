// HTTP adapter for refill appointments, the printable worksheet and the fleet refill planner.
import { Body, Controller, Get, Header, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  APPOINTMENT_STATUSES,
  cancelAppointmentSchema,
  completeAppointmentSchema,
  confirmRefillPlanSchema,
  createAppointmentSchema,
  DomainError,
  refillPlanRequestSchema,
  rescheduleAppointmentSchema,
} from '@pumpwatch/shared';
import type {
  AppointmentResponse,
  AppointmentStatus,
  CancelAppointmentRequest,
  ConfirmRefillPlanRequest,
  CreateAppointmentRequest,
  RefillPlanProposal,
  RefillPlanRequest,
  RescheduleAppointmentRequest,
} from '@pumpwatch/shared';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../auth/actor';
import type { ValidFillRequest } from '../fills/fills.service';
import { EntityIdPipe } from '../infra/entity-id.pipe';
import { openApiSchemaOf } from '../infra/openapi';
import { ZodValidationPipe } from '../infra/zod-validation.pipe';
import { AppointmentsService } from './appointments.service';
import { RefillDocumentsService } from './refill-documents.service';
import { RefillPlanningService } from './refill-planning.service';

@ApiTags('scheduling')
@Controller()
export class AppointmentsController {
  constructor(
    private readonly appointments: AppointmentsService,
    private readonly planning: RefillPlanningService,
    private readonly documents: RefillDocumentsService,
  ) {}

  @Post('appointments')
  @ApiBody({ schema: openApiSchemaOf(createAppointmentSchema) })
  book(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(createAppointmentSchema)) request: CreateAppointmentRequest,
  ): Promise<AppointmentResponse> {
    return this.appointments.book(actor, request);
  }

  @Get('appointments')
  @ApiQuery({ name: 'clinicId', required: false })
  @ApiQuery({ name: 'clinicianId', required: false })
  @ApiQuery({ name: 'pumpId', required: false })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  list(
    @CurrentActor() actor: Actor,
    @Query('clinicId') clinicId?: string,
    @Query('clinicianId') clinicianId?: string,
    @Query('pumpId') pumpId?: string,
    @Query('status') status?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ): Promise<AppointmentResponse[]> {
    if (status !== undefined && !(APPOINTMENT_STATUSES as readonly string[]).includes(status)) {
      throw new DomainError('validation_failed', `status must be one of ${APPOINTMENT_STATUSES.join(', ')}`, [
        { field: 'status', message: `must be one of ${APPOINTMENT_STATUSES.join(', ')}` },
      ]);
    }
    return this.appointments.list(actor, { clinicId, clinicianId, pumpId, status: status as AppointmentStatus | undefined, from, to });
  }

  @Get('appointments/:id')
  get(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('appointment')) id: string): Promise<AppointmentResponse> {
    return this.appointments.get(actor, id);
  }

  @Patch('appointments/:id')
  @ApiBody({ schema: openApiSchemaOf(rescheduleAppointmentSchema) })
  reschedule(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('appointment')) id: string,
    @Body(new ZodValidationPipe(rescheduleAppointmentSchema)) request: RescheduleAppointmentRequest,
  ): Promise<AppointmentResponse> {
    return this.appointments.reschedule(actor, id, request);
  }

  @Post('appointments/:id/cancel')
  @HttpCode(200)
  cancel(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('appointment')) id: string,
    @Body(new ZodValidationPipe(cancelAppointmentSchema)) request: CancelAppointmentRequest,
  ): Promise<AppointmentResponse> {
    return this.appointments.cancel(actor, id, request);
  }

  @Post('appointments/:id/no-show')
  @HttpCode(200)
  noShow(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('appointment')) id: string,
    @Body(new ZodValidationPipe(cancelAppointmentSchema)) request: CancelAppointmentRequest,
  ): Promise<AppointmentResponse> {
    return this.appointments.noShow(actor, id, request);
  }

  @Post('appointments/:id/complete')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchemaOf(completeAppointmentSchema) })
  complete(
    @CurrentActor() actor: Actor,
    @Param('id', new EntityIdPipe('appointment')) id: string,
    @Body(new ZodValidationPipe(completeAppointmentSchema)) request: ValidFillRequest,
  ): Promise<AppointmentResponse> {
    return this.appointments.complete(actor, id, request);
  }

  @Get('appointments/:id/worksheet')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  worksheet(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('appointment')) id: string): Promise<string> {
    return this.documents.worksheet(actor, id);
  }

  @Post('refill-plan')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchemaOf(refillPlanRequestSchema) })
  propose(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(refillPlanRequestSchema)) request: RefillPlanRequest,
  ): Promise<RefillPlanProposal> {
    return this.planning.proposePlan(actor, request);
  }

  @Post('refill-plan/confirm')
  @ApiBody({ schema: openApiSchemaOf(confirmRefillPlanSchema) })
  confirm(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(confirmRefillPlanSchema)) request: ConfirmRefillPlanRequest,
  ): Promise<{ booked: AppointmentResponse[] }> {
    return this.planning.confirmPlan(actor, request);
  }

  @Get('clinics/:id/fleet.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="pumpwatch-fleet.csv"')
  @Header('cache-control', 'no-store')
  fleetCsv(@CurrentActor() actor: Actor, @Param('id', new EntityIdPipe('clinic')) id: string): Promise<string> {
    return this.documents.fleetCsv(actor, id);
  }
}
