// Use case of a gateway upload: validate the whole batch, store new readings in one round trip, one event per pump, one audit row.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DomainError, TELEMETRY_CONFIG, TelemetryIngestResult, telemetryReadingSchema, ValidTelemetryReading } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, clinicIdsWith } from '../auth/actor';
import { EventLogService } from '../events/event-log.service';
import { PgEventListener } from '../events/pg-event-listener';
import { alarmPathTimer } from '../infra/alarm-path-timer';
import { Clock } from '../infra/clock';
import { fieldsOfZodIssues } from '../infra/zod-validation.pipe';
import { PumpOfSerial, ReadingRow, TelemetryRepository } from './telemetry.repository';

type FieldError = { field: string; message: string };

/** Clinics whose pumps the actor may post telemetry for; null means every clinic. */
function telemetryClinics(actor: Actor): Set<string> | null {
  if (actor.kind === 'machine') return new Set(actor.machineClinicId ? [actor.machineClinicId] : []);
  const clinics = clinicIdsWith(actor, 'telemetry');
  return clinics === null ? null : new Set(clinics);
}

@Injectable()
export class TelemetryIngestService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: TelemetryRepository,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
    private readonly listener: PgEventListener,
  ) {}

  /**
   * Nothing is stored unless every reading is valid: malformed or implausible readings (negative volume, above the reservoir capacity,
   * more than the tolerance ahead of the server clock) answer 400, readings refused by a rule (before the implant date) 422, each
   * naming `readings.<index>.<field>`. A serial number of no pump the actor may post for is reported, not
   * refused: a gateway may know a pump before the clinic registers it, and another clinic's pump must look exactly like an unknown one.
   */
  async ingest(actor: Actor, rawReadings: unknown[]): Promise<TelemetryIngestResult> {
    const requestIn = alarmPathTimer.now();
    const now = this.clock.now();
    const latestAllowedMs = now.getTime() + TELEMETRY_CONFIG.futureToleranceMinutes * 60_000;
    const malformed: FieldError[] = [];
    const refused: FieldError[] = [];
    const valid: { index: number; reading: ValidTelemetryReading }[] = [];
    for (let index = 0; index < rawReadings.length; index++) {
      const parsed = telemetryReadingSchema.safeParse(rawReadings[index]);
      if (!parsed.success) {
        for (const f of fieldsOfZodIssues(parsed.error.issues)) {
          malformed.push({ field: f.field === 'body' ? `readings.${index}` : `readings.${index}.${f.field}`, message: f.message });
        }
        continue;
      }
      // Implausible, not merely against a rule: a gateway clock or typing error, answered like a malformed reading (400).
      if (Date.parse(parsed.data.recordedAt) > latestAllowedMs) {
        malformed.push({
          field: `readings.${index}.recordedAt`,
          message: `is more than ${TELEMETRY_CONFIG.futureToleranceMinutes} minutes ahead of the server clock`,
        });
        continue;
      }
      valid.push({ index, reading: parsed.data });
    }

    const allowed = telemetryClinics(actor);
    const pumps = await this.repository.pumpsOfSerials([...new Set(valid.map((v) => v.reading.serialNumber))]);
    const unknownSerials: TelemetryIngestResult['unknownSerials'] = [];
    const rows: ReadingRow[] = [];
    const accepted = new Map<string, PumpOfSerial>();
    // The implant date is a calendar date in the clinic's zone: readings from its first instant there on are valid.
    const implantStartMs = new Map<string, number>();
    for (const { index, reading } of valid) {
      const pump = pumps.get(reading.serialNumber);
      if (!pump || (allowed !== null && !allowed.has(pump.clinicId))) {
        unknownSerials.push({ index, serialNumber: reading.serialNumber });
        continue;
      }
      // A reservoir cannot hold more than its capacity: such a reading is implausible (400), like a negative volume.
      if (
        reading.reservoirVolumeMl !== undefined &&
        reading.reservoirVolumeMl !== null &&
        pump.reservoirCapacityMl > 0 &&
        reading.reservoirVolumeMl > pump.reservoirCapacityMl
      ) {
        malformed.push({
          field: `readings.${index}.reservoirVolumeMl`,
          message: `is above the pump's reservoir capacity (${pump.reservoirCapacityMl} mL)`,
        });
        continue;
      }
      if (recordedBeforeClinicDate(Date.parse(reading.recordedAt), pump, implantStartMs)) {
        refused.push({ field: `readings.${index}.recordedAt`, message: `is before the pump's implant date (${pump.implantDate})` });
        continue;
      }
      rows.push({ pumpId: pump.pumpId, reading });
      accepted.set(pump.pumpId, pump);
    }
    if (malformed.length > 0 || refused.length > 0) {
      const fields = [...malformed, ...refused].sort((a, b) => readingIndex(a.field) - readingIndex(b.field));
      const code = malformed.length > 0 ? 'validation_failed' : 'rule_violated';
      const summary = `${new Set(fields.map((f) => readingIndex(f.field))).size} of ${rawReadings.length} readings are invalid; nothing was stored`;
      throw new DomainError(
        code,
        `${summary}: ${fields
          .slice(0, 20)
          .map((f) => `${f.field} ${f.message}`)
          .join('; ')}`,
        fields,
      );
    }

    const { result, eventIds, eventPumpIds } = await this.dataSource.transaction(async (manager) => {
      const newByPump = rows.length > 0 ? await this.repository.insertReadings(manager, rows, now) : new Map<string, number>();
      let newReadings = 0;
      for (const n of newByPump.values()) newReadings += n;
      const clinics = new Set([...accepted.values()].map((p) => p.clinicId));
      let firstMs = Number.POSITIVE_INFINITY;
      let lastMs = Number.NEGATIVE_INFINITY;
      for (const row of rows) {
        const ms = Date.parse(row.reading.recordedAt);
        if (ms < firstMs) firstMs = ms;
        if (ms > lastMs) lastMs = ms;
      }
      const result: TelemetryIngestResult = {
        received: rawReadings.length,
        new: newReadings,
        duplicates: rows.length - newReadings,
        unknownSerials,
      };
      await this.audit.record(manager, actor, {
        action: 'telemetry.received',
        entityType: 'telemetry_batch',
        entityId: null,
        clinicId: clinics.size === 1 ? [...clinics][0] : actor.machineClinicId,
        changes: {
          received: { before: null, after: result.received },
          new: { before: null, after: result.new },
          duplicates: { before: null, after: result.duplicates },
          unknownSerials: { before: null, after: unknownSerials.length },
          pumps: { before: null, after: newByPump.size },
          recordedFrom: { before: null, after: rows.length ? new Date(firstMs).toISOString() : null },
          recordedTo: { before: null, after: rows.length ? new Date(lastMs).toISOString() : null },
        },
      });
      // Last: the event counter stays locked until commit, so every other writer waits as briefly as possible.
      return { result, eventIds: await this.recordPumpEvents(manager, newByPump, accepted), eventPumpIds: [...newByPump.keys()] };
    });
    if (eventIds.length > 0) {
      const lastId = eventIds[eventIds.length - 1];
      alarmPathTimer.mark(lastId, 'request_in', requestIn);
      alarmPathTimer.mark(lastId, 'ingest_committed');
      // The alert rules judge the batch now, not after the NOTIFY round trip; one cue covers the batch (readers follow the outbox).
      const lastPumpId = eventPumpIds[eventPumpIds.length - 1];
      this.listener.announce([
        { eventId: lastId, type: 'telemetry.received', clinicId: (accepted.get(lastPumpId) as PumpOfSerial).clinicId, pumpId: lastPumpId },
      ]);
    }
    return result;
  }

  /**
   * One event per pump that got new readings: dashboards refresh it and the alert rules re-evaluate it, all written in one statement.
   */
  private async recordPumpEvents(
    manager: EntityManager,
    newByPump: Map<string, number>,
    accepted: Map<string, PumpOfSerial>,
  ): Promise<number[]> {
    // One round trip per pump (about 0.5 ms each) was most of the cost of a batch spanning many pumps.
    return this.events.recordMany(
      manager,
      [...newByPump].map(([pumpId, n]) => ({
        type: 'telemetry.received' as const,
        clinicId: (accepted.get(pumpId) as PumpOfSerial).clinicId,
        pumpId,
        payload: { newReadings: n },
      })),
    );
  }
}

// UTC offsets in use run from -12:00 to +14:00, so a calendar date starts somewhere in [its 00:00Z - 14 h, its 00:00Z + 12 h].
const EARLIEST_DAY_START_MS = -14 * 3_600_000;
const LATEST_DAY_START_MS = 12 * 3_600_000;

/**
 * Whether an instant falls before the pump's implant date in the clinic's zone. Luxon's zone lookup (tens of microseconds) is only
 * asked for readings within that band of the implant date, once per pump: it was most of the cost of a 1,000-pump batch.
 */
function recordedBeforeClinicDate(recordedMs: number, pump: PumpOfSerial, startMsOfPump: Map<string, number>): boolean {
  const dateUtcMs = Date.parse(`${pump.implantDate}T00:00:00Z`);
  if (recordedMs >= dateUtcMs + LATEST_DAY_START_MS) return false;
  if (recordedMs < dateUtcMs + EARLIEST_DAY_START_MS) return true;
  let startMs = startMsOfPump.get(pump.pumpId);
  if (startMs === undefined) {
    startMs = DateTime.fromISO(pump.implantDate, { zone: pump.timeZone }).startOf('day').toMillis();
    startMsOfPump.set(pump.pumpId, startMs);
  }
  return recordedMs < startMs;
}

function readingIndex(field: string): number {
  return Number(field.split('.')[1]);
}
