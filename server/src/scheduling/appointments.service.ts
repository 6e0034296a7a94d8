// Use cases of refill appointments: book, reschedule, cancel, no-show, complete (with the fill), read; PostgreSQL's constraints
// decide every race, the booking rules everything else.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AppointmentResponse,
  AppointmentStatus,
  bookingDeadlineMs,
  CancelAppointmentRequest,
  CreateAppointmentRequest,
  DomainError,
  RescheduleAppointmentRequest,
} from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { DAY_MS, isoInstant, MINUTE_MS } from '@pumpwatch/shared';
import { AlertInputsLoader } from '../alerts/alert-inputs.loader';
import { AuditService, changedFields, createdFields } from '../audit/audit.service';
import { Actor, assertMayUseIn, assertSees, shownNameOf, visibleClinicIds } from '../auth/actor';
import { EventLogService, EventType } from '../events/event-log.service';
import { ValidFillRequest, FillsService } from '../fills/fills.service';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { bookingRefusals, clinicTime, refuse, timingOf, violatedConstraint } from './booking-rules';
import { AppointmentRow, ClinicBookingSettings, SchedulingRepository } from './scheduling.repository';

const NOT_KNOWN = 'is not a known appointment';

export interface AppointmentListQuery {
  clinicId?: string;
  clinicianId?: string;
  pumpId?: string;
  status?: AppointmentStatus;
  from?: string;
  to?: string;
}

interface BookingTarget {
  startsAtMs: number;
  durationMinutes: number;
  clinicianId: string;
  roomId: string | null;
  overrideReason: string | null;
}

/** What the audit trail keeps of an appointment. */
function audited(a: AppointmentRow): Record<string, unknown> {
  return {
    pumpId: a.pumpId,
    clinicianId: a.clinicianId,
    roomId: a.roomId,
    startsAt: a.startsAt.toISOString(),
    endsAt: a.endsAt.toISOString(),
    status: a.status,
    overrideReason: a.overrideReason,
    statusReason: a.statusReason,
    fillId: a.fillId,
  };
}

@Injectable()
export class AppointmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: SchedulingRepository,
    private readonly loader: AlertInputsLoader,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
    private readonly fills: FillsService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async book(actor: Actor, request: CreateAppointmentRequest): Promise<AppointmentResponse> {
    const target: BookingTarget = {
      startsAtMs: Date.parse(request.startsAt),
      durationMinutes: request.durationMinutes ?? 0,
      clinicianId: request.clinicianId,
      roomId: request.roomId ?? null,
      overrideReason: request.overrideReason ?? null,
    };
    const deadline = isUuid(request.pumpId) ? ((await this.deadlinesOf([request.pumpId])).get(request.pumpId) ?? null) : null;
    const id = await this.writeOrExplain(target, null, async (manager) => {
      const pump = await this.pumpFor(manager, actor, request.pumpId);
      const settings = await this.settingsOf(manager, pump.clinicId);
      if (!request.durationMinutes) target.durationMinutes = settings.refillDurationMinutes;
      await this.checkBooking(manager, pump, settings, target, deadline);
      const startsAt = new Date(target.startsAtMs);
      const endsAt = new Date(target.startsAtMs + target.durationMinutes * MINUTE_MS);
      const appointmentId = await this.repository.insertAppointment(manager, {
        clinicId: pump.clinicId,
        pumpId: pump.id,
        clinicianId: target.clinicianId,
        roomId: target.roomId,
        startsAt,
        endsAt,
        blocksUntil: new Date(endsAt.getTime() + settings.bufferMinutes * MINUTE_MS),
        status: 'booked',
        overrideReason: target.overrideReason,
        bookedByUserId: actor.kind === 'user' ? actor.id : null,
        bookedByLabel: shownNameOf(actor),
      });
      const row = (await this.repository.appointment(manager, appointmentId)) as AppointmentRow;
      await this.recordChange(manager, actor, 'appointment.booked', null, row);
      return appointmentId;
    });
    return this.get(actor, id);
  }

  async reschedule(actor: Actor, id: string, patch: RescheduleAppointmentRequest): Promise<AppointmentResponse> {
    const target: BookingTarget = { startsAtMs: 0, durationMinutes: 0, clinicianId: '', roomId: null, overrideReason: null };
    const existing = await this.repository.appointment(this.dataSource.manager, id);
    const deadline = existing ? ((await this.deadlinesOf([existing.pumpId])).get(existing.pumpId) ?? null) : null;
    await this.writeOrExplain(target, id, async (manager) => {
      const before = await this.lockBooked(manager, actor, id, 'schedule');
      const pump = await this.pumpFor(manager, actor, before.pumpId);
      const settings = await this.settingsOf(manager, before.clinicId);
      target.startsAtMs = patch.startsAt ? Date.parse(patch.startsAt) : before.startsAt.getTime();
      target.durationMinutes = patch.durationMinutes ?? Math.round((before.endsAt.getTime() - before.startsAt.getTime()) / MINUTE_MS);
      target.clinicianId = patch.clinicianId ?? before.clinicianId;
      target.roomId = patch.roomId === undefined ? before.roomId : patch.roomId;
      // A reason given at booking does not carry over: the new time is judged on its own.
      target.overrideReason = patch.overrideReason ?? null;
      await this.checkBooking(manager, pump, settings, target, deadline);
      const endsAt = new Date(target.startsAtMs + target.durationMinutes * MINUTE_MS);
      const after: AppointmentRow = {
        ...before,
        clinicianId: target.clinicianId,
        roomId: target.roomId,
        startsAt: new Date(target.startsAtMs),
        endsAt,
        blocksUntil: new Date(endsAt.getTime() + settings.bufferMinutes * MINUTE_MS),
        overrideReason: target.overrideReason,
        updatedAt: this.clock.now(),
      };
      await this.repository.updateAppointment(manager, after);
      await this.recordChange(manager, actor, 'appointment.rescheduled', before, after);
      return id;
    });
    return this.get(actor, id);
  }

  cancel(actor: Actor, id: string, request: CancelAppointmentRequest): Promise<AppointmentResponse> {
    return this.closeAs(actor, id, 'cancelled', request.reason ?? null);
  }

  async noShow(actor: Actor, id: string, request: CancelAppointmentRequest): Promise<AppointmentResponse> {
    return this.closeAs(actor, id, 'no_show', request.reason ?? null);
  }

  /** The refill happened: the fill (with the aspirated residual) and the completed appointment commit together, or neither. */
  async complete(actor: Actor, id: string, fill: ValidFillRequest): Promise<AppointmentResponse> {
    await this.dataSource.transaction(async (manager) => {
      const before = await this.lockBooked(manager, actor, id, 'clinical');
      const recorded = await this.fills.recordIn(manager, actor, before.pumpId, fill);
      const now = this.clock.now();
      const after: AppointmentRow = { ...before, status: 'completed', fillId: recorded.id, statusChangedAt: now, updatedAt: now };
      await this.repository.updateAppointment(manager, after);
      await this.recordChange(manager, actor, 'appointment.completed', before, after);
    });
    return this.get(actor, id);
  }

  async get(actor: Actor, id: string): Promise<AppointmentResponse> {
    const row = await this.repository.appointment(this.dataSource.manager, id);
    if (!row) throw DomainError.notFound('id', NOT_KNOWN);
    assertSees(actor, row.clinicId, 'id', NOT_KNOWN);
    return (await this.respond([row]))[0];
  }

  async list(actor: Actor, query: AppointmentListQuery): Promise<AppointmentResponse[]> {
    const visible = visibleClinicIds(actor);
    let clinicIds = visible;
    if (query.clinicId !== undefined) {
      if (!isUuid(query.clinicId)) throw DomainError.notFound('clinicId', 'is not a known clinic');
      assertSees(actor, query.clinicId, 'clinicId', 'is not a known clinic');
      clinicIds = [query.clinicId];
    }
    for (const field of ['clinicianId', 'pumpId'] as const) {
      if (query[field] !== undefined && !isUuid(query[field] as string))
        throw new DomainError('validation_failed', `${field} must be a UUID`, [{ field, message: 'must be a UUID' }]);
    }
    // A filter naming another clinic's pump or clinician answers 404, as the other lists do, not an empty list.
    if (query.pumpId !== undefined) await this.assertSeesRecord(actor, 'pumps', query.pumpId, 'pumpId', 'is not a known pump');
    if (query.clinicianId !== undefined)
      await this.assertSeesRecord(actor, 'clinicians', query.clinicianId, 'clinicianId', 'is not a known clinician');
    for (const field of ['from', 'to'] as const) {
      const issue = query[field] === undefined ? undefined : isoInstant.safeParse(query[field]).error?.issues[0];
      if (issue) throw new DomainError('validation_failed', `${field} ${issue.message}`, [{ field, message: issue.message }]);
    }
    const fromMs = query.from ? Date.parse(query.from) : undefined;
    const toMs = query.to ? Date.parse(query.to) : undefined;
    const rows = await this.repository.appointments({
      clinicIds,
      clinicianId: query.clinicianId,
      pumpId: query.pumpId,
      status: query.status,
      fromMs,
      toMs,
    });
    return this.respond(rows);
  }

  private async assertSeesRecord(actor: Actor, table: 'pumps' | 'clinicians', id: string, field: string, message: string): Promise<void> {
    const rows: { clinic_id: string }[] = await this.dataSource.query(`SELECT clinic_id FROM ${table} WHERE id = $1`, [id]);
    if (rows.length === 0) throw DomainError.notFound(field, message);
    assertSees(actor, rows[0].clinic_id, field, message);
  }

  /** The response shape with each pump's deadline as it is now (it moves with programs and telemetry). */
  async respond(rows: AppointmentRow[]): Promise<AppointmentResponse[]> {
    const now = this.clock.now();
    const loaded = await this.loader.load(this.dataSource.manager, [...new Set(rows.map((r) => r.pumpId))], now);
    const margins = new Map<string, number>();
    for (const pump of loaded.values()) margins.set(pump.pumpId, pump.input.settings.bookingMarginDays);
    return rows.map((row) => {
      const deadline = loaded.get(row.pumpId)?.input.forecast.refillDeadline ?? null;
      const deadlineMs = deadline ? Date.parse(deadline) : null;
      const margin = margins.get(row.pumpId) ?? 0;
      return {
        id: row.id,
        pumpId: row.pumpId,
        patientId: row.patientId,
        clinicId: row.clinicId,
        clinicianId: row.clinicianId,
        roomId: row.roomId,
        startsAt: row.startsAt.toISOString(),
        endsAt: row.endsAt.toISOString(),
        status: row.status,
        bookedBy: row.bookedByUserId ?? row.bookedByLabel,
        bookedByLabel: row.bookedByLabel,
        overrideReason: row.overrideReason,
        statusReason: row.statusReason,
        fillId: row.fillId,
        refillDeadline: deadline,
        bookingDeadline: deadlineMs === null ? null : new Date(bookingDeadlineMs(deadlineMs, margin)).toISOString(),
        timing: timingOf(row.startsAt.getTime(), deadlineMs, margin),
        createdAt: row.createdAt.toISOString(),
      };
    });
  }

  /** Inside the caller's transaction: the booking rules for one pump and target (422 naming each field at fault). */
  async checkBooking(
    manager: EntityManager,
    pump: { id: string; clinicId: string },
    settings: ClinicBookingSettings,
    target: BookingTarget,
    refillDeadline: string | null,
  ): Promise<void> {
    const clinicians: { id: string; display_name: string; active: boolean }[] = await manager.query(
      'SELECT id, display_name, active FROM clinicians WHERE id = $1 AND clinic_id = $2',
      [target.clinicianId, pump.clinicId],
    );
    if (clinicians.length === 0) throw DomainError.notFound('clinicianId', "is not a known clinician of the pump's clinic");
    if (!clinicians[0].active) refuse([{ field: 'clinicianId', message: 'is deactivated' }]);
    if (target.roomId !== null) {
      const rooms: unknown[] = await manager.query('SELECT 1 FROM rooms WHERE id = $1 AND clinic_id = $2', [target.roomId, pump.clinicId]);
      if (rooms.length === 0) throw DomainError.notFound('roomId', "is not a known room of the pump's clinic");
    }
    const now = this.clock.now();
    const availability = (await this.repository.availabilityOf(manager, [target.clinicianId])).get(target.clinicianId) ?? null;
    // Closures ending on or after the day before the visit (UTC date): covers the visit's local date in any zone.
    const closures = await this.repository.closuresOf(
      manager,
      pump.clinicId,
      new Date(target.startsAtMs - DAY_MS).toISOString().slice(0, 10),
    );
    const fields = bookingRefusals(
      {
        startsAtMs: target.startsAtMs,
        endsAtMs: target.startsAtMs + target.durationMinutes * MINUTE_MS,
        clinicianName: clinicians[0].display_name,
        availability,
        refillDeadlineMs: refillDeadline ? Date.parse(refillDeadline) : null,
        overrideReason: target.overrideReason,
        nowMs: now.getTime(),
        closures,
      },
      settings,
    );
    if (fields.length > 0) refuse(fields);
  }

  async settingsOf(manager: EntityManager, clinicId: string): Promise<ClinicBookingSettings> {
    return (await this.repository.bookingSettings(manager, clinicId)) as ClinicBookingSettings;
  }

  /**
   * Refill deadlines now, read before the booking transaction: the loader reads telemetry on pooled connections of its own, and
   * concurrent bookings each holding a connection while waiting for another would exhaust the pool.
   */
  async deadlinesOf(pumpIds: readonly string[]): Promise<Map<string, string | null>> {
    const loaded = await this.loader.load(this.dataSource.manager, [...new Set(pumpIds)], this.clock.now());
    return new Map([...loaded.values()].map((p) => [p.pumpId, p.input.forecast.refillDeadline]));
  }

  /** The pump, seen by an actor who may schedule in its clinic; explanted pumps get no refill. */
  async pumpFor(manager: EntityManager, actor: Actor, pumpId: string): Promise<{ id: string; clinicId: string }> {
    const rows: { id: string; clinic_id: string; explanted_at: Date | null }[] = await manager.query(
      'SELECT id, clinic_id, explanted_at FROM pumps WHERE id = $1',
      [pumpId],
    );
    if (rows.length === 0) throw DomainError.notFound('pumpId', 'is not a known pump');
    assertMayUseIn(actor, 'schedule', rows[0].clinic_id, 'pumpId', 'is not a known pump');
    if (rows[0].explanted_at) refuse([{ field: 'pumpId', message: 'is explanted: it needs no refill' }]);
    return { id: rows[0].id, clinicId: rows[0].clinic_id };
  }

  /** Runs a booking write; a constraint it hit becomes a 409 naming the appointment in the way. */
  async writeOrExplain(target: BookingTarget, selfId: string | null, write: (manager: EntityManager) => Promise<string>): Promise<string> {
    try {
      return await this.dataSource.transaction(write);
    } catch (error) {
      throw await this.explainConflict(error, target, selfId);
    }
  }

  async explainConflict(error: unknown, target: BookingTarget, selfId: string | null): Promise<unknown> {
    const violated = violatedConstraint(error);
    if (violated === null) return error;
    if (violated === 'pump_booked')
      return DomainError.conflict('pumpId', 'already has a booked refill appointment: reschedule or cancel it first');
    const column = violated === 'clinician_overlap' ? 'clinician_id' : 'room_id';
    const field = violated === 'clinician_overlap' ? 'clinicianId' : 'roomId';
    const startsAt = new Date(target.startsAtMs);
    const blocksUntil = new Date(target.startsAtMs + target.durationMinutes * MINUTE_MS);
    const other = await this.repository.overlapping(
      column,
      (violated === 'clinician_overlap' ? target.clinicianId : target.roomId) as string,
      startsAt,
      blocksUntil,
      selfId,
    );
    const what = violated === 'clinician_overlap' ? 'the clinician' : 'the room';
    // The appointment in the way as the scheduler knows it: its patient and its times on the clinic's clock, not its id and UTC.
    const subject = other ? await this.repository.appointmentSubject(other.id) : null;
    return DomainError.conflict(
      field,
      other && subject
        ? `is already booked: ${what} has the refill of ${subject.patientName} from ${clinicTime(other.startsAt.getTime(), subject.timeZone)} ` +
            `to ${clinicTime(other.endsAt.getTime(), subject.timeZone)} (plus the turnover buffer)`
        : `is already booked at that time (${what}, turnover buffer included)`,
    );
  }

  private async closeAs(actor: Actor, id: string, status: 'cancelled' | 'no_show', reason: string | null): Promise<AppointmentResponse> {
    await this.dataSource.transaction(async (manager) => {
      const before = await this.lockBooked(manager, actor, id, 'schedule');
      const now = this.clock.now();
      if (status === 'no_show' && before.startsAt.getTime() > now.getTime()) {
        const subject = await this.repository.appointmentSubject(before.id);
        const startsAt = subject ? clinicTime(before.startsAt.getTime(), subject.timeZone) : before.startsAt.toISOString();
        refuse([{ field: 'status', message: `cannot be no-show before the appointment starts (${startsAt})` }]);
      }
      const after: AppointmentRow = { ...before, status, statusReason: reason, statusChangedAt: now, updatedAt: now };
      await this.repository.updateAppointment(manager, after);
      await this.recordChange(manager, actor, status === 'cancelled' ? 'appointment.cancelled' : 'appointment.no_show', before, after);
    });
    return this.get(actor, id);
  }

  /** The appointment, locked, still booked (409 otherwise), in a clinic where the actor holds `capability`. */
  private async lockBooked(manager: EntityManager, actor: Actor, id: string, capability: 'schedule' | 'clinical'): Promise<AppointmentRow> {
    const row = await this.repository.appointment(manager, id, true);
    if (!row) throw DomainError.notFound('id', NOT_KNOWN);
    assertMayUseIn(actor, capability, row.clinicId, 'id', NOT_KNOWN);
    if (row.status !== 'booked') throw DomainError.conflict('status', `is ${row.status}: only a booked appointment can change`);
    return row;
  }

  /** After a confirmed plan's rows: their events in one statement, then one audit row each. */
  async recordPlanBooked(manager: EntityManager, actor: Actor, ids: readonly string[]): Promise<void> {
    const rows: AppointmentRow[] = [];
    for (const id of ids) rows.push((await this.repository.appointment(manager, id)) as AppointmentRow);
    await this.events.recordMany(
      manager,
      rows.map((row) => ({
        type: 'appointment.booked' as const,
        clinicId: row.clinicId,
        pumpId: row.pumpId,
        payload: { appointmentId: row.id, status: row.status, viaPlan: true },
      })),
    );
    for (const row of rows) {
      await this.audit.record(manager, actor, {
        action: 'appointment.booked',
        entityType: 'appointment',
        entityId: row.id,
        clinicId: row.clinicId,
        changes: createdFields(audited(row)),
      });
    }
  }

  /** Last in the transaction: the event (the pump's forecast and alerts follow it) and the audit row. */
  private async recordChange(
    manager: EntityManager,
    actor: Actor,
    type: EventType,
    before: AppointmentRow | null,
    after: AppointmentRow,
  ): Promise<void> {
    await this.events.record(manager, {
      type,
      clinicId: after.clinicId,
      pumpId: after.pumpId,
      payload: { appointmentId: after.id, status: after.status },
    });
    await this.audit.record(manager, actor, {
      action: type,
      entityType: 'appointment',
      entityId: after.id,
      clinicId: after.clinicId,
      changes: before ? changedFields(audited(before), audited(after)) : createdFields(audited(after)),
    });
  }
}
