// Use cases of finding time: clinician availability and rooms, free slots, a pump's refill slots by suitability, the fleet planner.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  assessFleetUrgency,
  availabilityWindows,
  closedIntervals,
  bookingDeadlineMs,
  busyFromAppointments,
  ClinicianAvailability,
  ClinicianAvailabilityInput,
  ConfirmRefillPlanRequest,
  CreateRoomRequest,
  DomainError,
  freeSlots,
  Interval,
  planRefills,
  rankRefillSlots,
  RefillPlanProposal,
  RefillPlanRequest,
  RefillSlot,
  RefillSlotsQuery,
  RefillSlotsResponse,
  refillSlotsRange,
  Room,
  SCHEDULING_CONFIG,
  AppointmentResponse,
  PumpTelemetryStatus,
  RefillPlanEmergency,
} from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { DAY_MS, isoInstant, MINUTE_MS } from '@pumpwatch/shared';
import { AlertInputsLoader } from '../alerts/alert-inputs.loader';
import { AuditService, changedFields, createdFields } from '../audit/audit.service';
import { Actor, assertMayUseIn, assertSees, clinicIdsWith, shownNameOf, visibleClinicIds } from '../auth/actor';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { PumpUrgencyService } from '../pumps/pump-urgency.service';
import { DrugLibraryService } from '../drug-library/drug-library.service';
import { AppointmentsService } from './appointments.service';
import { refuse } from './booking-rules';
import { ClinicBookingSettings, SchedulingRepository } from './scheduling.repository';

const NOT_KNOWN_CLINICIAN = 'is not a known clinician';

interface ClinicianRow {
  id: string;
  clinic_id: string;
  display_name: string;
  active: boolean;
}

@Injectable()
export class RefillPlanningService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: SchedulingRepository,
    private readonly loader: AlertInputsLoader,
    private readonly appointments: AppointmentsService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
    private readonly urgency: PumpUrgencyService,
    private readonly drugLibrary: DrugLibraryService,
  ) {}

  async availability(actor: Actor, clinicianId: string): Promise<ClinicianAvailability> {
    const clinician = await this.clinician(this.dataSource.manager, clinicianId);
    assertSees(actor, clinician.clinic_id, 'id', NOT_KNOWN_CLINICIAN);
    const settings = await this.appointments.settingsOf(this.dataSource.manager, clinician.clinic_id);
    const row = (await this.repository.availabilityOf(this.dataSource.manager, [clinicianId])).get(clinicianId);
    return {
      clinicianId,
      timeZone: settings.timeZone,
      weekly: row?.weekly ?? [],
      overrides: row?.overrides ?? [],
      updatedAt: row?.updatedAt.toISOString() ?? null,
    };
  }

  /** Replaces the clinician's weekly sessions and dated overrides; booked appointments stay (rebooking them is the scheduler's call). */
  async setAvailability(actor: Actor, clinicianId: string, request: ClinicianAvailabilityInput): Promise<ClinicianAvailability> {
    await this.dataSource.transaction(async (manager) => {
      const clinician = await this.clinician(manager, clinicianId, true);
      assertMayUseIn(actor, 'schedule', clinician.clinic_id, 'id', NOT_KNOWN_CLINICIAN);
      const before = (await this.repository.availabilityOf(manager, [clinicianId])).get(clinicianId);
      await this.repository.saveAvailability(manager, clinicianId, request.weekly, request.overrides, this.clock.now());
      const was = { weekly: before?.weekly ?? null, overrides: before?.overrides ?? null };
      const now = { weekly: request.weekly, overrides: request.overrides };
      await this.audit.record(manager, actor, {
        action: 'clinician.availability_set',
        entityType: 'clinician',
        entityId: clinicianId,
        clinicId: clinician.clinic_id,
        changes: before ? changedFields(was, now) : createdFields(now),
      });
    });
    return this.availability(actor, clinicianId);
  }

  async createRoom(actor: Actor, request: CreateRoomRequest): Promise<Room> {
    assertMayUseIn(actor, 'schedule', request.clinicId, 'clinicId', 'is not a known clinic');
    return this.dataSource.transaction(async (manager) => {
      const clinics: unknown[] = await manager.query('SELECT 1 FROM clinics WHERE id = $1', [request.clinicId]);
      if (clinics.length === 0) throw DomainError.notFound('clinicId', 'is not a known clinic');
      const existing: unknown[] = await manager.query('SELECT 1 FROM rooms WHERE clinic_id = $1 AND name = $2', [
        request.clinicId,
        request.name,
      ]);
      if (existing.length > 0) throw DomainError.conflict('name', 'is already the name of a room of this clinic');
      const [row]: { id: string; created_at: Date }[] = await manager.query(
        'INSERT INTO rooms (clinic_id, name) VALUES ($1, $2) RETURNING id, created_at',
        [request.clinicId, request.name],
      );
      const room: Room = { id: row.id, clinicId: request.clinicId, name: request.name, createdAt: row.created_at.toISOString() };
      await this.audit.record(manager, actor, {
        action: 'room.created',
        entityType: 'room',
        entityId: room.id,
        clinicId: room.clinicId,
        changes: createdFields({ name: room.name }),
      });
      return room;
    });
  }

  async rooms(actor: Actor, clinicId?: string): Promise<Room[]> {
    let clinicIds = visibleClinicIds(actor);
    if (clinicId !== undefined) {
      if (!isUuid(clinicId)) throw DomainError.notFound('clinicId', 'is not a known clinic');
      assertSees(actor, clinicId, 'clinicId', 'is not a known clinic');
      clinicIds = [clinicId];
    }
    const rows: { id: string; clinic_id: string; name: string; created_at: Date }[] = await this.dataSource.query(
      `SELECT id, clinic_id, name, created_at FROM rooms ${clinicIds === null ? '' : 'WHERE clinic_id = ANY($1::uuid[])'} ORDER BY name`,
      clinicIds === null ? [] : [clinicIds],
    );
    return rows.map((r) => ({ id: r.id, clinicId: r.clinic_id, name: r.name, createdAt: r.created_at.toISOString() }));
  }

  /** Free whole slots of one clinician in [from, to) (the week calendar), never in the past. */
  async clinicianFreeSlots(
    actor: Actor,
    clinicianId: string,
    from: string | undefined,
    to: string | undefined,
  ): Promise<{ clinicianId: string; startsAt: string; endsAt: string }[]> {
    const clinician = await this.clinician(this.dataSource.manager, clinicianId);
    assertSees(actor, clinician.clinic_id, 'id', NOT_KNOWN_CLINICIAN);
    const nowMs = this.clock.now().getTime();
    // The shared isoInstant (a real day, 1900-2200) before any work: the range below bounds the walk over days.
    for (const [field, value] of [
      ['from', from],
      ['to', to],
    ] as const) {
      const issue = value === undefined ? undefined : isoInstant.safeParse(value).error?.issues[0];
      if (issue) refuseQuery(field, issue.message);
    }
    const fromMs = from ? Date.parse(from) : nowMs;
    const toMs = to ? Date.parse(to) : fromMs + 7 * DAY_MS;
    if (toMs <= fromMs) refuseQuery('to', 'must be an ISO-8601 instant after from');
    if (toMs - fromMs > SCHEDULING_CONFIG.slotsMaxDays * DAY_MS)
      refuseQuery('to', `must be at most ${SCHEDULING_CONFIG.slotsMaxDays} days after from`);
    const settings = await this.appointments.settingsOf(this.dataSource.manager, clinician.clinic_id);
    const slots = await this.slotsOf(this.dataSource.manager, clinician.clinic_id, [clinician], settings, Math.max(fromMs, nowMs), toMs);
    return slots.map((s) => ({
      clinicianId: s.clinicianId,
      startsAt: new Date(s.startMs).toISOString(),
      endsAt: new Date(s.endMs).toISOString(),
    }));
  }

  /** GET /api/pumps/:id/refill-slots: every active clinician's free slots, the most suitable first (see rankRefillSlots). */
  async refillSlots(actor: Actor, pumpId: string, query: RefillSlotsQuery): Promise<RefillSlotsResponse> {
    const manager = this.dataSource.manager;
    const pumps: { id: string; clinic_id: string; explanted_at: Date | null }[] = await manager.query(
      'SELECT id, clinic_id, explanted_at FROM pumps WHERE id = $1',
      [pumpId],
    );
    if (pumps.length === 0) throw DomainError.notFound('id', 'is not a known pump');
    assertSees(actor, pumps[0].clinic_id, 'id', 'is not a known pump');
    if (pumps[0].explanted_at) refuse([{ field: 'id', message: 'is explanted: it needs no refill' }]);
    const now = this.clock.now();
    const deadline = (await this.loader.load(manager, [pumpId], now)).get(pumpId)?.input.forecast.refillDeadline ?? null;
    if (deadline === null) refuse([{ field: 'id', message: 'has no refill deadline yet (record a fill and a program first)' }]);
    const deadlineMs = Date.parse(deadline);
    const settings = await this.appointments.settingsOf(manager, pumps[0].clinic_id);
    const { fromMs, toMs } = refillSlotsRange(query, now.getTime(), deadlineMs);
    let clinicians: ClinicianRow[] = await manager.query(
      'SELECT id, clinic_id, display_name, active FROM clinicians WHERE clinic_id = $1 AND active',
      [pumps[0].clinic_id],
    );
    if (query.clinicianId !== undefined) {
      clinicians = clinicians.filter((c) => c.id === query.clinicianId);
      if (clinicians.length === 0) throw DomainError.notFound('clinicianId', "is not an active clinician of the pump's clinic");
    }
    const names = new Map(clinicians.map((c) => [c.id, c.display_name]));
    const slots = await this.slotsOf(manager, pumps[0].clinic_id, clinicians, settings, fromMs, toMs);
    const ranked = rankRefillSlots(slots, { refillDeadlineMs: deadlineMs, marginDays: settings.bookingMarginDays, nowMs: now.getTime() });
    const bookBy = bookingDeadlineMs(deadlineMs, settings.bookingMarginDays);
    return {
      pumpId,
      refillDeadline: deadline,
      bookingDeadline: new Date(bookBy).toISOString(),
      pastBookingDeadline: now.getTime() > bookBy,
      slots: ranked.slice(0, query.limit).map((s): RefillSlot => ({
        clinicianId: s.clinicianId,
        clinicianName: names.get(s.clinicianId) ?? '',
        startsAt: new Date(s.startMs).toISOString(),
        endsAt: new Date(s.endMs).toISOString(),
        timing: s.timing,
        daysBeforeDeadline: s.daysBeforeDeadline,
      })),
    };
  }

  /**
   * POST /api/refill-plan: proposes appointments for every active pump of the clinic whose booking deadline falls before `to` and
   * that has none booked. A pump whose delivery is interrupted (the fleet's urgency 'delivery_interrupted') is never offered a
   * routine slot: it is listed in `emergencies`, booked or not. Nothing is booked here.
   */
  async proposePlan(actor: Actor, request: RefillPlanRequest): Promise<RefillPlanProposal> {
    const clinicId = request.clinicId ?? onlySchedulingClinic(actor);
    assertMayUseIn(actor, 'schedule', clinicId, 'clinicId', 'is not a known clinic');
    const manager = this.dataSource.manager;
    const settings = await this.repository.bookingSettings(manager, clinicId);
    if (!settings) throw DomainError.notFound('clinicId', 'is not a known clinic');
    const now = this.clock.now();
    const fromMs = Math.max(Date.parse(request.from), now.getTime());
    const toMs = Date.parse(request.to);
    let clinicians: ClinicianRow[] = await manager.query(
      'SELECT id, clinic_id, display_name, active FROM clinicians WHERE clinic_id = $1 AND active',
      [clinicId],
    );
    if (request.clinicianIds) {
      const known = new Set(clinicians.map((c) => c.id));
      request.clinicianIds.forEach((id, i) => {
        if (!known.has(id)) throw DomainError.notFound(`clinicianIds.${i}`, 'is not an active clinician of this clinic');
      });
      clinicians = clinicians.filter((c) => request.clinicianIds?.includes(c.id));
    }
    const pumpRows: { id: string; booked: boolean }[] = await manager.query(
      `SELECT p.id, EXISTS (SELECT 1 FROM appointments a WHERE a.pump_id = p.id AND a.status = 'booked') AS booked
       FROM pumps p WHERE p.clinic_id = $1 AND p.explanted_at IS NULL`,
      [clinicId],
    );
    const booked = new Set(pumpRows.filter((p) => p.booked).map((p) => p.id));
    const loaded = await this.loader.load(
      manager,
      pumpRows.map((p) => p.id),
      now,
    );
    // The same reasons and urgency as the fleet's rows (PumpUrgencyService + assessFleetUrgency).
    const telemetry = new Map<string, PumpTelemetryStatus>();
    for (const pump of loaded.values()) if (pump.input.telemetry) telemetry.set(pump.pumpId, pump.input.telemetry);
    const problems = await this.urgency.problemsOf(
      [...loaded.values()].map((p) => ({ id: p.pumpId, patientId: p.patientId })),
      telemetry,
      manager,
    );
    const due: { pumpId: string; refillDeadlineMs: number }[] = [];
    const emergencies: RefillPlanEmergency[] = [];
    for (const pump of loaded.values()) {
      const { forecast, noForecastSince } = pump.input;
      const found = problems.get(pump.pumpId) ?? { reasons: [], alertId: null };
      const assessed = assessFleetUrgency(
        {
          status: forecast.status,
          refillDeadline: forecast.refillDeadline,
          noForecastSince: noForecastSince ?? null,
          urgencyReasons: found.reasons,
        },
        now.getTime(),
      );
      if (assessed.urgency === 'delivery_interrupted') {
        const { id, mrn, displayName } = pump.info.patient;
        emergencies.push({
          pumpId: pump.pumpId,
          patient: { id, mrn, displayName },
          reasons: assessed.urgencyReasons,
          alertId: found.alertId,
        });
        continue;
      }
      if (booked.has(pump.pumpId)) continue;
      const deadline = forecast.refillDeadline;
      if (deadline && bookingDeadlineMs(Date.parse(deadline), settings.bookingMarginDays) < toMs)
        due.push({ pumpId: pump.pumpId, refillDeadlineMs: Date.parse(deadline) });
    }
    emergencies.sort((a, b) => a.patient.displayName.localeCompare(b.patient.displayName) || a.pumpId.localeCompare(b.pumpId));
    const clinicianBookings = await this.repository.bookedOfClinicians(
      manager,
      clinicians.map((c) => c.id),
      fromMs - DAY_MS,
      toMs + DAY_MS,
    );
    const availability = await this.repository.availabilityOf(
      manager,
      clinicians.map((c) => c.id),
    );
    const closed = closedIntervals(
      await this.repository.closuresOf(manager, clinicId, new Date(fromMs - 2 * DAY_MS).toISOString().slice(0, 10)),
      settings.timeZone,
    );
    const plan = planRefills({
      pumps: due,
      clinicians: clinicians.map((c) => {
        const rules = availability.get(c.id);
        return {
          clinicianId: c.id,
          windows: rules ? availabilityWindows(rules, settings.timeZone, fromMs - DAY_MS, toMs + DAY_MS) : [],
          busy: busyFromAppointments(
            clinicianBookings
              .filter((a) => a.clinicianId === c.id)
              .map((a) => ({ startMs: a.startsAt.getTime(), endMs: a.endsAt.getTime() })),
            settings.bufferMinutes,
          ),
        };
      }),
      durationMinutes: settings.refillDurationMinutes,
      bufferMinutes: settings.bufferMinutes,
      marginDays: settings.bookingMarginDays,
      fromMs,
      toMs,
      nowMs: now.getTime(),
      closed,
    });
    const deadlineOf = new Map(due.map((d) => [d.pumpId, d.refillDeadlineMs]));
    // Drug library (issue 13): a pump whose program or fill in force is outside it is flagged, never left out of the plan.
    const outside = await this.drugLibrary.outsideLibrary(
      manager,
      clinicId,
      pumpRows.map((p) => p.id),
      now,
    );
    return {
      from: new Date(fromMs).toISOString(),
      to: request.to,
      proposals: plan.proposals.map((p) => ({
        pumpId: p.pumpId,
        clinicianId: p.clinicianId,
        startsAt: new Date(p.startsAtMs).toISOString(),
        endsAt: new Date(p.endsAtMs).toISOString(),
        timing: p.timing,
        refillDeadline: new Date(deadlineOf.get(p.pumpId) as number).toISOString(),
        drugDaysWasted: p.drugDaysWasted,
      })),
      unplaced: plan.unplaced.map((u) => ({
        pumpId: u.pumpId,
        refillDeadline: new Date(deadlineOf.get(u.pumpId) as number).toISOString(),
        reason: u.reason,
      })),
      summary: plan.summary,
      emergencies,
      outsideDrugLibrary: [...outside]
        .map(([pumpId, violations]) => ({ pumpId, violations }))
        .sort((a, b) => a.pumpId.localeCompare(b.pumpId)),
    };
  }

  /**
   * Books the proposals the scheduler kept, each under the ordinary rules, all in one transaction: one refusal books none
   * (the answer names the proposal at fault). A proposal after its margin needs the plan's override reason.
   */
  async confirmPlan(
    actor: Actor,
    request: ConfirmRefillPlanRequest & { overrideReason?: string },
  ): Promise<{ booked: AppointmentResponse[] }> {
    const ids: string[] = [];
    let index = 0;
    const deadlines = await this.appointments.deadlinesOf(request.appointments.map((a) => a.pumpId));
    const target = {
      startsAtMs: 0,
      durationMinutes: 0,
      clinicianId: '',
      roomId: null as string | null,
      overrideReason: null as string | null,
    };
    try {
      await this.dataSource.transaction(async (manager) => {
        for (index = 0; index < request.appointments.length; index++) {
          const proposal = request.appointments[index];
          const pump = await this.appointments.pumpFor(manager, actor, proposal.pumpId);
          const settings = await this.appointments.settingsOf(manager, pump.clinicId);
          Object.assign(target, {
            startsAtMs: Date.parse(proposal.startsAt),
            durationMinutes: settings.refillDurationMinutes,
            clinicianId: proposal.clinicianId,
            roomId: proposal.roomId ?? null,
            overrideReason: request.overrideReason ?? null,
          });
          await this.appointments.checkBooking(manager, pump, settings, target, deadlines.get(pump.id) ?? null);
          const endsAt = new Date(target.startsAtMs + target.durationMinutes * MINUTE_MS);
          const id = await this.repository.insertAppointment(manager, {
            clinicId: pump.clinicId,
            pumpId: pump.id,
            clinicianId: target.clinicianId,
            roomId: target.roomId,
            startsAt: new Date(target.startsAtMs),
            endsAt,
            blocksUntil: new Date(endsAt.getTime() + settings.bufferMinutes * MINUTE_MS),
            status: 'booked',
            overrideReason: target.overrideReason,
            bookedByUserId: actor.kind === 'user' ? actor.id : null,
            bookedByLabel: shownNameOf(actor),
          });
          ids.push(id);
        }
        await this.appointments.recordPlanBooked(manager, actor, ids);
      });
    } catch (error) {
      const explained = await this.appointments.explainConflict(error, target, null);
      if (explained instanceof DomainError) {
        const fields = explained.fields.map((f) => ({ ...f, field: `appointments.${index}.${f.field}` }));
        throw new DomainError(explained.code, `appointments.${index}: ${explained.message}`, fields);
      }
      throw explained;
    }
    const rows = await Promise.all(ids.map((id) => this.repository.appointment(this.dataSource.manager, id)));
    return { booked: await this.appointments.respond(rows.filter((r) => r !== null)) };
  }

  /** Free whole slots of these clinicians in [fromMs, toMs), each labelled with its clinician; none on the clinic's closures. */
  private async slotsOf(
    manager: EntityManager,
    clinicId: string,
    clinicians: { id: string }[],
    settings: ClinicBookingSettings,
    fromMs: number,
    toMs: number,
  ): Promise<(Interval & { clinicianId: string })[]> {
    const { timeZone, refillDurationMinutes: durationMinutes, bufferMinutes } = settings;
    const closed = closedIntervals(
      await this.repository.closuresOf(manager, clinicId, new Date(fromMs - 2 * DAY_MS).toISOString().slice(0, 10)),
      timeZone,
    );
    const ids = clinicians.map((c) => c.id);
    const [availability, booked] = [
      await this.repository.availabilityOf(manager, ids),
      await this.repository.bookedOfClinicians(manager, ids, fromMs - DAY_MS, toMs + DAY_MS),
    ];
    const slots: (Interval & { clinicianId: string })[] = [];
    for (const id of ids) {
      const rules = availability.get(id);
      if (!rules) continue;
      const windows = availabilityWindows(rules, timeZone, fromMs - DAY_MS, toMs + DAY_MS);
      const busy = busyFromAppointments(
        booked.filter((a) => a.clinicianId === id).map((a) => ({ startMs: a.startsAt.getTime(), endMs: a.endsAt.getTime() })),
        bufferMinutes,
      );
      for (const slot of freeSlots({ windows, busy, durationMinutes, bufferMinutes, notBeforeMs: fromMs, notAfterMs: toMs, closed }))
        slots.push({ ...slot, clinicianId: id });
    }
    return slots.sort((a, b) => a.startMs - b.startMs || a.clinicianId.localeCompare(b.clinicianId));
  }

  private async clinician(manager: EntityManager, id: string, lock = false): Promise<ClinicianRow> {
    const rows: ClinicianRow[] = await manager.query(
      `SELECT id, clinic_id, display_name, active FROM clinicians WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    if (rows.length === 0) throw DomainError.notFound('id', NOT_KNOWN_CLINICIAN);
    return rows[0];
  }
}

/** Without clinicId, the one clinic the caller schedules for; several (or every clinic) need it named. */
function onlySchedulingClinic(actor: Actor): string {
  const clinics = clinicIdsWith(actor, 'schedule');
  if (clinics !== null && clinics.length === 1) return clinics[0];
  return refuse([{ field: 'clinicId', message: 'is required: you schedule for more than one clinic' }]);
}

function refuseQuery(field: string, message: string): never {
  throw new DomainError('validation_failed', `${field} ${message}`, [{ field, message }]);
}
