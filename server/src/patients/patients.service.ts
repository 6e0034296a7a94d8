// Use cases of patients: register one in a clinic (MRN unique there), set withdrawal risk factors, clinical and identity fields, list (filtered), read, their pumps.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CreatePatientRequest, DomainError, foldForSearch, Patient, PatientListQuery, Pump, UpdatePatientRequest } from '@pumpwatch/shared';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService, changedFields, createdFields } from '../audit/audit.service';
import { Actor, assertMayUseIn, assertSees, visibleClinicIds } from '../auth/actor';
import { ClinicEntity } from '../clinics/clinic.entity';
import { EventLogService } from '../events/event-log.service';
import { clinicDateOf } from '../infra/clinic-dates';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { PumpEntity } from '../pumps/pump.entity';
import { toPump } from '../pumps/pump.mapper';
import { PatientEntity } from './patient.entity';
import { toPatient } from './patient.mapper';

@Injectable()
export class PatientsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async create(actor: Actor, request: CreatePatientRequest): Promise<Patient> {
    assertMayUseIn(actor, 'clinical', request.clinicId, 'clinicId', 'is not a known clinic');
    return this.dataSource.transaction((manager) => this.createIn(manager, actor, request));
  }

  /** Inside the caller's transaction (a spreadsheet import writes all its rows or none). */
  async createIn(manager: EntityManager, actor: Actor, request: CreatePatientRequest): Promise<Patient> {
    assertMayUseIn(actor, 'clinical', request.clinicId, 'clinicId', 'is not a known clinic');
    const clinic = await manager.findOneBy(ClinicEntity, { id: request.clinicId });
    if (!clinic) throw DomainError.notFound('clinicId', 'is not a known clinic');
    if (request.birthDate > clinicDateOf(this.clock.now(), clinic.timeZone)) throw DomainError.rule('birthDate', 'is in the future');
    const taken = await manager.existsBy(PatientEntity, { clinicId: clinic.id, mrn: request.mrn });
    if (taken) throw DomainError.conflict('mrn', 'is already used by another patient of this clinic');
    const patient = await manager.save(
      manager.create(PatientEntity, {
        clinicId: clinic.id,
        mrn: request.mrn,
        displayName: request.displayName,
        birthDate: request.birthDate,
        sex: request.sex,
        weightKg: request.weightKg ?? null,
        spinalCordInjuryT6OrAbove: request.spinalCordInjuryT6OrAbove ?? null,
        communicationDifficulty: request.communicationDifficulty ?? null,
        previousWithdrawal: request.previousWithdrawal ?? null,
        heightCm: request.heightCm ?? null,
        spasticityOrigin: request.spasticityOrigin ?? null,
      }),
    );
    await this.events.record(manager, { type: 'patient.created', clinicId: clinic.id, pumpId: null, payload: { patientId: patient.id } });
    const created = toPatient(patient);
    await this.audit.record(manager, actor, {
      action: 'patient.created',
      entityType: 'patient',
      entityId: patient.id,
      clinicId: clinic.id,
      changes: createdFields(created),
    });
    return created;
  }

  /** Sets the withdrawal risk factors, weight, height and spasticity origin given (null clears one), and corrects the identity fields given; the alerts show them from their next read. */
  async update(actor: Actor, id: string, request: UpdatePatientRequest): Promise<Patient> {
    return this.dataSource.transaction((manager) => this.updateIn(manager, actor, id, request));
  }

  /** Inside the caller's transaction (a spreadsheet import writes all its rows or none). */
  async updateIn(manager: EntityManager, actor: Actor, id: string, request: UpdatePatientRequest): Promise<Patient> {
    const patient = await manager.findOne(PatientEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!patient) throw DomainError.notFound('id', 'is not a known patient');
    assertMayUseIn(actor, 'clinical', patient.clinicId, 'id', 'is not a known patient');
    const before = toPatient(patient);
    if (request.spinalCordInjuryT6OrAbove !== undefined) patient.spinalCordInjuryT6OrAbove = request.spinalCordInjuryT6OrAbove;
    if (request.communicationDifficulty !== undefined) patient.communicationDifficulty = request.communicationDifficulty;
    if (request.previousWithdrawal !== undefined) patient.previousWithdrawal = request.previousWithdrawal;
    if (request.weightKg !== undefined) patient.weightKg = request.weightKg;
    if (request.heightCm !== undefined) patient.heightCm = request.heightCm;
    if (request.spasticityOrigin !== undefined) patient.spasticityOrigin = request.spasticityOrigin;
    if (request.displayName !== undefined) patient.displayName = request.displayName;
    if (request.sex !== undefined) patient.sex = request.sex;
    if (request.birthDate !== undefined && request.birthDate !== toPatient(patient).birthDate) {
      const clinic = await manager.findOneByOrFail(ClinicEntity, { id: patient.clinicId });
      if (request.birthDate > clinicDateOf(this.clock.now(), clinic.timeZone)) throw DomainError.rule('birthDate', 'is in the future');
      patient.birthDate = request.birthDate;
    }
    if (request.mrn !== undefined && request.mrn !== patient.mrn) {
      const taken = await manager.existsBy(PatientEntity, { clinicId: patient.clinicId, mrn: request.mrn });
      if (taken) throw DomainError.conflict('mrn', 'is already used by another patient of this clinic');
      patient.mrn = request.mrn;
    }
    await manager.save(patient);
    const updated = toPatient(patient);
    await this.events.record(manager, {
      type: 'patient.updated',
      clinicId: patient.clinicId,
      pumpId: null,
      payload: { patientId: patient.id },
    });
    await this.audit.record(manager, actor, {
      action: 'patient.updated',
      entityType: 'patient',
      entityId: patient.id,
      clinicId: patient.clinicId,
      changes: changedFields(before, updated),
    });
    return updated;
  }

  /** The patients the actor sees, by name; `q`: words that must all appear in the name or MRN, regardless of accents and case. */
  async list(actor: Actor, query: PatientListQuery = {}): Promise<Patient[]> {
    const { clinicId } = query;
    if (clinicId !== undefined) {
      if (!isUuid(clinicId) || !(await this.dataSource.manager.existsBy(ClinicEntity, { id: clinicId })))
        throw DomainError.notFound('clinicId', 'is not a known clinic');
      assertSees(actor, clinicId, 'clinicId', 'is not a known clinic');
    }
    const visible = visibleClinicIds(actor);
    const patients = await this.dataSource.getRepository(PatientEntity).find({
      where: clinicId ? { clinicId } : visible === null ? {} : { clinicId: In(visible) },
      order: { displayName: 'ASC', createdAt: 'ASC' },
    });
    const words = foldForSearch(query.q ?? '')
      .split(/\s+/)
      .filter((w) => w.length > 0);
    const matching =
      words.length === 0
        ? patients
        : patients.filter((p) => {
            const text = foldForSearch(`${p.displayName} ${p.mrn}`);
            return words.every((w) => text.includes(w));
          });
    // By name as the clinic reads it (Émile next to Emma, not after Zoé), then by registration.
    const byName = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
    return [...matching]
      .sort((a, b) => byName.compare(a.displayName, b.displayName) || a.createdAt.getTime() - b.createdAt.getTime())
      .map(toPatient);
  }

  /** The patient's pumps, active first then explanted, most recent implant first (a replaced pump stays in the history). */
  async pumps(actor: Actor, id: string): Promise<Pump[]> {
    const patient = await this.get(actor, id);
    const pumps = await this.dataSource
      .getRepository(PumpEntity)
      .find({ where: { patientId: patient.id }, order: { implantDate: 'DESC', createdAt: 'DESC' } });
    const active = pumps.filter((p) => p.explantedAt === null);
    return [...active, ...pumps.filter((p) => p.explantedAt !== null)].map(toPump);
  }

  async get(actor: Actor, id: string): Promise<Patient> {
    const patient = await this.dataSource.getRepository(PatientEntity).findOneBy({ id });
    if (patient) assertSees(actor, patient.clinicId, 'id', 'is not a known patient');
    if (!patient) throw DomainError.notFound('id', 'is not a known patient');
    return toPatient(patient);
  }
}
