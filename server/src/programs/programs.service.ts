// Use cases of programs: set a new program from an instant (history kept), list a pump's programs.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createProgramSchema, DomainError, Program, programDoseMcgPerDay, PUMP_MODELS } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import type { z } from 'zod';
import { AuditService, createdFields } from '../audit/audit.service';
import { defaultProgramContext, doseGuardAuditChanges, DoseGuardService } from '../clinical-safety/dose-guard.service';
import { DrugLibraryService } from '../drug-library/drug-library.service';
import { PatientEntity } from '../patients/patient.entity';
import type { Actor } from '../auth/actor';
import { EventLogService } from '../events/event-log.service';
import { ForecastService } from '../forecast/forecast.service';
import { clinicDateOf } from '../infra/clinic-dates';
import { ProgramEntity } from './program.entity';
import { toProgram } from './program.mapper';

export type ValidProgramRequest = z.output<typeof createProgramSchema>;

@Injectable()
export class ProgramsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventLogService,
    private readonly forecasts: ForecastService,
    private readonly audit: AuditService,
    private readonly doseGuard: DoseGuardService,
    private readonly drugLibrary: DrugLibraryService,
  ) {}

  async set(actor: Actor, pumpId: string, request: ValidProgramRequest): Promise<Program> {
    return this.dataSource.transaction((manager) => this.setIn(manager, actor, pumpId, request));
  }

  /** Inside the caller's transaction (a spreadsheet import writes all its rows or none). */
  async setIn(manager: EntityManager, actor: Actor, pumpId: string, request: ValidProgramRequest): Promise<Program> {
    await manager.query('SELECT 1 FROM pumps WHERE id = $1 FOR UPDATE', [pumpId]);
    const history = await this.forecasts.loadHistory(pumpId, manager);
    const { pump, clinic } = history;
    if (pump.explantedAt) throw DomainError.rule('pumpId', 'is explanted: no program can be set on it');
    // A constant-flow pump has no programmer: its dose changes only with the concentration at refill.
    if (!PUMP_MODELS[pump.modelId].programmable)
      throw DomainError.rule('modelId', `${PUMP_MODELS[pump.modelId].name} cannot be programmed; its dose is flow x concentration`);
    const effectiveFrom = new Date(request.effectiveFrom);
    if (clinicDateOf(effectiveFrom, clinic.timeZone) < pump.implantDate) {
      throw DomainError.rule('effectiveFrom', `is before the pump's implant date (${pump.implantDate})`);
    }
    if (history.programs.some((p) => p.effectiveFrom.getTime() === effectiveFrom.getTime())) {
      throw DomainError.conflict('effectiveFrom', 'a program already takes effect at this instant');
    }
    const patientBolus = request.patientBolus ?? null;
    const doseMcgPerDay = programDoseMcgPerDay({ steps: request.steps, periodicBoluses: request.periodicBoluses });
    // Drug library (issue 13): hard limits refused whatever the reason; soft ones need doseChangeReason, stored with the program.
    const patient = await manager.findOneByOrFail(PatientEntity, { id: pump.patientId });
    const limitOverrides = await this.drugLibrary.enforce(
      manager,
      clinic.id,
      {
        modelId: pump.modelId,
        spasticityOrigin: patient.spasticityOrigin,
        program: { steps: request.steps, periodicBoluses: request.periodicBoluses, patientBolus },
      },
      request.doseChangeReason,
      'doseChangeReason',
    );
    // Dose guard (issue 7): refused here (422 naming doseChangeReason) before anything is written when a reason is missing.
    const context = request.doseChangeContext ?? defaultProgramContext(history.fills, effectiveFrom);
    const guard = await this.doseGuard.check(manager, {
      patientId: pump.patientId,
      clinicId: clinic.id,
      timeZone: clinic.timeZone,
      at: effectiveFrom,
      newDoseMcgPerDay: doseMcgPerDay,
      context,
      reason: request.doseChangeReason,
      source: 'program',
    });
    const program = await manager.save(
      manager.create(ProgramEntity, {
        pumpId: pump.id,
        effectiveFrom,
        steps: request.steps,
        periodicBoluses: request.periodicBoluses,
        patientBolus,
        doseMcgPerDay,
        doseChangeReason: request.doseChangeReason ?? null,
        doseChangeContext: context,
        limitOverrides,
      }),
    );
    // Before the program's own event: the patient's alert rows are locked before the event counter.
    await this.doseGuard.raiseAlerts(manager, guard);
    await this.events.record(manager, { type: 'program.set', clinicId: clinic.id, pumpId: pump.id, payload: { programId: program.id } });
    const created = toProgram(program);
    await this.audit.record(manager, actor, {
      action: 'program.set',
      entityType: 'program',
      entityId: program.id,
      clinicId: clinic.id,
      changes: { ...createdFields(created), ...doseGuardAuditChanges(guard) },
    });
    return created;
  }

  async list(pumpId: string): Promise<Program[]> {
    const history = await this.forecasts.loadHistory(pumpId);
    return history.programs.map(toProgram);
  }
}
