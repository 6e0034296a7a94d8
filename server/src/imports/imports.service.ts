// Use cases of the spreadsheet import: a dry run of every row through the same use cases as the API (rolled back), then a confirm
// that writes every row the dry run accepted in one transaction, or none.
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  clinicTime,
  createFillSchema,
  createProgramSchema,
  defaultDateOrderOf,
  DomainError,
  IMPORT_LIMITS,
  ImportConfirmation,
  ImportDateOrder,
  ImportDryRun,
  ImportRecord,
  ImportRowOutcome,
  ImportRowResult,
  readImportTable,
  UpdatePatientRequest,
} from '@pumpwatch/shared';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, assertMayUseIn } from '../auth/actor';
import { ClinicEntity } from '../clinics/clinic.entity';
import { FillEntity } from '../fills/fill.entity';
import { toFill } from '../fills/fill.mapper';
import { FillsService } from '../fills/fills.service';
import { EventLogService } from '../events/event-log.service';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { PatientEntity } from '../patients/patient.entity';
import { toPatient } from '../patients/patient.mapper';
import { PatientsService } from '../patients/patients.service';
import { ProgramEntity } from '../programs/program.entity';
import { toProgram } from '../programs/program.mapper';
import { ProgramsService } from '../programs/programs.service';
import { PumpEntity } from '../pumps/pump.entity';
import { PumpsService } from '../pumps/pumps.service';
import { ImportBatchEntity, PendingImportRow } from './import-batch.entity';
import { readSpreadsheet, UploadedFile } from './spreadsheet-file';

type FieldError = { field: string; message: string };

/** The request field a use case names, as the spreadsheet's column. */
const COLUMN_OF_FIELD: Record<string, string> = {
  filledAt: 'lastFilledAt',
  effectiveFrom: 'lastFilledAt',
  modelId: 'pumpModel',
  'steps.0.doseMcgPerDay': 'doseMcgPerDay',
  doseChangeReason: 'doseMcgPerDay',
  limitOverrideReason: 'concentrationMcgPerMl',
  replacesPumpId: 'serialNumber',
  patientId: 'mrn',
  clinicId: 'mrn',
  id: 'mrn',
};
/** Where a refusal asks for a reason, the import's optional column that gives it. */
const REASON_HINT = ' (give it in a doseChangeReason column to import this row)';

function columnsOf(error: DomainError): FieldError[] {
  const fields = error.fields.length > 0 ? error.fields : [{ field: 'row', message: error.message }];
  return fields.map((f) => ({
    field: COLUMN_OF_FIELD[f.field] ?? f.field,
    message: f.field === 'doseChangeReason' || f.field === 'limitOverrideReason' ? `${f.field} ${f.message}${REASON_HINT}` : f.message,
  }));
}

const isDomainError = (value: unknown): value is DomainError =>
  value instanceof DomainError || (value instanceof Error && value.name === 'DomainError');

const notPending = (importId: string) =>
  DomainError.notFound(
    'importId',
    `${importId} is not a pending import of this clinic (unknown, expired after ${IMPORT_LIMITS.pendingHours} h, or already gone): upload the file again`,
  );

@Injectable()
export class ImportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly patients: PatientsService,
    private readonly pumps: PumpsService,
    private readonly fills: FillsService,
    private readonly programs: ProgramsService,
    private readonly audit: AuditService,
    private readonly events: EventLogService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Reads the file, tries every row through the use cases in a transaction that is rolled back, and keeps the result to confirm. */
  async dryRun(
    actor: Actor,
    clinicId: string,
    file: UploadedFile | undefined,
    requestedOrder: ImportDateOrder | undefined,
  ): Promise<ImportDryRun> {
    const clinic = await this.clinicOf(actor, clinicId);
    if (!file || file.buffer.length === 0)
      throw DomainError.invalid('file', 'is required: a CSV or XLSX file in the multipart field "file"');
    const dateOrder = requestedOrder ?? defaultDateOrderOf(clinic.timeZone, clinic.locale);
    const table = readImportTable(await readSpreadsheet(file), { timeZone: clinic.timeZone, dateOrder });
    if (table.fileError) throw DomainError.invalid('file', table.fileError);
    if (table.rows.length === 0) throw DomainError.invalid('file', 'has no rows below its header');
    if (table.rows.length > IMPORT_LIMITS.maxRows)
      throw DomainError.invalid('file', `has ${table.rows.length} rows; at most ${IMPORT_LIMITS.maxRows} at a time`);

    const results: ImportRowResult[] = [];
    const pending: PendingImportRow[] = [];
    await this.rehearse(async (manager, savepoint) => {
      for (const row of table.rows) {
        const who = { mrn: row.mrn, displayName: row.displayName, serialNumber: row.serialNumber };
        if (!row.record) {
          results.push({ row: row.row, outcome: 'refused', fields: row.fields, ...who });
          continue;
        }
        const record = row.record;
        const tried = await savepoint(() => this.applyRow(manager, actor, clinic, record));
        if ('refused' in tried) results.push({ row: row.row, outcome: 'refused', fields: tried.refused, ...who });
        else {
          results.push({ row: row.row, outcome: tried.outcome, ...who });
          pending.push({ row: row.row, record });
        }
      }
    });

    const now = this.clock.now();
    const count = (outcome: ImportRowOutcome) => results.filter((r) => r.outcome === outcome).length;
    const expiresAt = new Date(now.getTime() + IMPORT_LIMITS.pendingHours * 3_600_000);
    const summary = {
      rows: results.length,
      create: count('create'),
      update: count('update'),
      unchanged: count('unchanged'),
      refused: count('refused'),
      dateOrder,
      timeZone: clinic.timeZone,
      ignoredColumns: table.ignoredColumns,
      expiresAt: expiresAt.toISOString(),
    };
    const batch = await this.dataSource.getRepository(ImportBatchEntity).save({
      clinicId: clinic.id,
      createdByUserId: actor.kind === 'user' ? actor.id : null,
      fileName: file.originalname.slice(0, 255),
      fileSha256: createHash('sha256').update(file.buffer).digest('hex'),
      dateOrder,
      records: pending,
      dryRun: { rows: results, summary },
      expiresAt,
      confirmedAt: null,
      result: null,
    });
    return { importId: batch.id, rows: results, summary };
  }

  /** Writes every row the dry run accepted, through the same use cases, in one transaction: a row that now fails writes nothing. */
  async confirm(actor: Actor, clinicId: string, importId: string): Promise<ImportConfirmation> {
    const clinic = await this.clinicOf(actor, clinicId);
    if (!isUuid(importId)) throw notPending(importId);
    return this.dataSource.transaction(async (manager) => {
      // The rows' events go out in one statement at the end: the event sequence is not held while hundreds of rows are written.
      this.events.deferIn(manager);
      // Locked: two confirms of one import (a double click, two instances) write it once.
      const batch = await manager.findOne(ImportBatchEntity, {
        where: { id: importId.toLowerCase(), clinicId: clinic.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!batch || batch.expiresAt.getTime() <= this.clock.now().getTime()) throw notPending(importId);
      if (batch.confirmedAt)
        throw DomainError.conflict(
          'importId',
          // Named by its file, as the person who uploaded it knows it, not by its id.
          `(the import of ${batch.fileName}) was already confirmed at ${clinicTime(batch.confirmedAt.toISOString(), clinic.timeZone)}`,
        );
      const result: ImportConfirmation = { created: 0, updated: 0, unchanged: 0 };
      for (const { row, record } of batch.records) {
        let outcome: ImportRowOutcome;
        try {
          outcome = await this.applyRow(manager, actor, clinic, record);
        } catch (error) {
          if (!isDomainError(error)) throw error;
          const fields = columnsOf(error);
          throw new DomainError(
            'conflict',
            `the import of ${batch.fileName}: row ${row} changed since the dry run (${fields.map((f) => `${f.field} ${f.message}`).join('; ')}); nothing was imported, upload the file again`,
            [
              { field: 'importId', message: `row ${row} changed since the dry run; nothing was imported, upload the file again` },
              ...fields.map((f) => ({ field: `rows.${row}.${f.field}`, message: f.message })),
            ],
          );
        }
        if (outcome === 'create') result.created++;
        else if (outcome === 'update') result.updated++;
        else result.unchanged++;
      }
      batch.confirmedAt = this.clock.now();
      batch.result = result;
      await manager.save(batch);
      await this.audit.record(manager, actor, {
        action: 'import.confirmed',
        entityType: 'import_batch',
        entityId: batch.id,
        clinicId: clinic.id,
        changes: {
          fileName: { before: null, after: batch.fileName },
          fileSha256: { before: null, after: batch.fileSha256 },
          ...Object.fromEntries(Object.entries(result).map(([k, v]) => [k, { before: null, after: v }])),
        },
      });
      await this.events.flushDeferred(manager);
      return result;
    });
  }

  private async clinicOf(actor: Actor, clinicId: string): Promise<ClinicEntity> {
    const clinic = isUuid(clinicId) ? await this.dataSource.manager.findOneBy(ClinicEntity, { id: clinicId.toLowerCase() }) : null;
    if (!clinic) throw DomainError.notFound('id', 'is not a known clinic');
    assertMayUseIn(actor, 'clinical', clinic.id, 'id', 'is not a known clinic');
    return clinic;
  }

  /**
   * Runs `work` in a transaction that is always rolled back; `savepoint` tries one row and undoes only that row when a use case
   * refuses it, so later rows see the earlier accepted ones (a patient created above, a fill recorded) as confirm will.
   */
  private async rehearse(
    work: (
      manager: EntityManager,
      savepoint: (row: () => Promise<ImportRowOutcome>) => Promise<{ outcome: ImportRowOutcome } | { refused: FieldError[] }>,
    ) => Promise<void>,
  ): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // Its events are never written (the transaction is rolled back): a dry run never holds the event sequence other writes need.
      this.events.deferIn(runner.manager);
      await work(runner.manager, async (row) => {
        await runner.query('SAVEPOINT import_row');
        try {
          const outcome = await row();
          await runner.query('RELEASE SAVEPOINT import_row');
          return { outcome };
        } catch (error) {
          await runner.query('ROLLBACK TO SAVEPOINT import_row');
          if (isDomainError(error)) return { refused: columnsOf(error) };
          if (error instanceof QueryFailedError) return { refused: [{ field: 'row', message: 'holds a value the database refuses' }] };
          throw error;
        }
      });
    } finally {
      // A dry run writes nothing, whatever happened: its events, audit rows and NOTIFYs vanish with the transaction.
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  /** One row through the patients, pumps, fills and programs use cases; what is already recorded as the row says is left alone. */
  private async applyRow(manager: EntityManager, actor: Actor, clinic: ClinicEntity, record: ImportRecord): Promise<ImportRowOutcome> {
    let created = false;
    let changed = false;
    const existingPatient = await manager.findOneBy(PatientEntity, { clinicId: clinic.id, mrn: record.patient.mrn });
    let patientId: string;
    if (!existingPatient) {
      patientId = (await this.patients.createIn(manager, actor, { clinicId: clinic.id, ...record.patient })).id;
      created = true;
    } else {
      patientId = existingPatient.id;
      const current = toPatient(existingPatient);
      const patch: UpdatePatientRequest = {};
      if (current.displayName !== record.patient.displayName) patch.displayName = record.patient.displayName;
      if (current.birthDate !== record.patient.birthDate) patch.birthDate = record.patient.birthDate;
      if (current.sex !== record.patient.sex) patch.sex = record.patient.sex;
      if (record.patient.weightKg !== undefined && Number(current.weightKg) !== record.patient.weightKg)
        patch.weightKg = record.patient.weightKg;
      if (Object.keys(patch).length > 0) {
        await this.patients.updateIn(manager, actor, patientId, patch);
        changed = true;
      }
    }
    if (!record.pump) return created ? 'create' : changed ? 'update' : 'unchanged';

    const spec = record.pump;
    const existingPump = await manager.findOneBy(PumpEntity, { serialNumber: spec.serialNumber });
    let pumpId: string;
    if (existingPump) {
      if (existingPump.clinicId !== clinic.id || existingPump.patientId !== patientId)
        throw DomainError.conflict('serialNumber', 'is already registered to another patient');
      if (existingPump.explantedAt) throw DomainError.rule('serialNumber', 'is an explanted pump: nothing is imported onto it');
      if (existingPump.modelId !== spec.modelId)
        throw DomainError.rule('pumpModel', `differs from the registered pump (${existingPump.modelId}); an import does not change a pump`);
      if (existingPump.implantDate !== spec.implantDate)
        throw DomainError.rule(
          'implantDate',
          `differs from the registered pump (${existingPump.implantDate}); an import does not change a pump`,
        );
      pumpId = existingPump.id;
    } else {
      pumpId = (await this.pumps.createIn(manager, actor, { patientId, ...spec })).id;
      created = true;
    }

    if (record.fill) {
      const filledAt = new Date(record.fill.filledAt);
      const existingFill = await manager.findOneBy(FillEntity, { pumpId, filledAt });
      if (existingFill) {
        const fill = toFill(existingFill);
        if (Number(fill.concentrationMcgPerMl) !== record.fill.concentrationMcgPerMl || Number(fill.volumeMl) !== record.fill.volumeMl) {
          throw DomainError.conflict(
            'lastFilledAt',
            `a fill with other values (${fill.concentrationMcgPerMl} mcg/mL, ${fill.volumeMl} mL) is already recorded at this instant`,
          );
        }
      } else {
        await this.fills.recordIn(
          manager,
          actor,
          pumpId,
          createFillSchema.parse({
            filledAt: record.fill.filledAt,
            concentrationMcgPerMl: record.fill.concentrationMcgPerMl,
            volumeMl: record.fill.volumeMl,
            ...(record.doseChangeReason ? { limitOverrideReason: record.doseChangeReason } : {}),
          }),
        );
        changed = true;
      }
      if (record.program)
        changed =
          (await this.applyProgram(manager, actor, pumpId, record.fill.filledAt, record.program.doseMcgPerDay, record.doseChangeReason)) ||
          changed;
    }
    return created ? 'create' : changed ? 'update' : 'unchanged';
  }

  /** The simple continuous program in force from the last fill; true when one was set. */
  private async applyProgram(
    manager: EntityManager,
    actor: Actor,
    pumpId: string,
    effectiveFrom: string,
    doseMcgPerDay: number,
    reason: string | undefined,
  ): Promise<boolean> {
    const at = Date.parse(effectiveFrom);
    const programs = (await manager.find(ProgramEntity, { where: { pumpId }, order: { effectiveFrom: 'ASC' } })).map(toProgram);
    const inForce = programs.filter((p) => Date.parse(p.effectiveFrom) <= at).at(-1);
    const same =
      inForce !== undefined &&
      inForce.steps.length === 1 &&
      Number(inForce.steps[0].doseMcgPerDay) === doseMcgPerDay &&
      inForce.periodicBoluses.length === 0;
    if (same) return false;
    const later = programs.find((p) => Date.parse(p.effectiveFrom) > at);
    if (later)
      throw DomainError.rule(
        'doseMcgPerDay',
        `differs from the program in force at lastFilledAt, and a later program (from ${later.effectiveFrom}) is recorded: change it on the pump page`,
      );
    await this.programs.setIn(
      manager,
      actor,
      pumpId,
      createProgramSchema.parse({
        effectiveFrom,
        steps: [{ startTime: '00:00', doseMcgPerDay }],
        ...(reason ? { doseChangeReason: reason } : {}),
      }),
    );
    return true;
  }
}
