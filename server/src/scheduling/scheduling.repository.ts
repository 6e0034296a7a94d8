// The only code reading and writing scheduling rows (appointments, rooms, availability, clinic booking settings).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppointmentStatus, AvailabilityOverride, SCHEDULING_CONFIG, WeeklyWindow } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';

export interface AppointmentRow {
  id: string;
  clinicId: string;
  pumpId: string;
  patientId: string;
  clinicianId: string;
  roomId: string | null;
  startsAt: Date;
  endsAt: Date;
  blocksUntil: Date;
  status: AppointmentStatus;
  overrideReason: string | null;
  bookedByUserId: string | null;
  bookedByLabel: string;
  statusReason: string | null;
  statusChangedAt: Date | null;
  fillId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ClinicBookingSettings {
  clinicId: string;
  timeZone: string;
  refillDurationMinutes: number;
  bufferMinutes: number;
  bookingMarginDays: number;
}

/** A clinic closure: local dates (YYYY-MM-DD) in the clinic's zone, both included. */
export interface ClosureRow {
  id: string;
  clinicId: string;
  startDate: string;
  endDate: string;
  label: string;
  createdAt: Date;
}

export interface AvailabilityRow {
  clinicianId: string;
  weekly: WeeklyWindow[];
  overrides: AvailabilityOverride[];
  updatedAt: Date;
}

export interface AppointmentFilter {
  clinicIds: string[] | null;
  clinicianId?: string;
  pumpId?: string;
  status?: AppointmentStatus;
  fromMs?: number;
  toMs?: number;
}

type Row = Record<string, unknown>;

const SELECT_APPOINTMENT = `
  SELECT a.id, a.clinic_id, a.pump_id, p.patient_id, a.clinician_id, a.room_id, a.starts_at, a.ends_at, a.blocks_until, a.status,
    a.override_reason, a.booked_by_user_id, a.booked_by_label, a.status_reason, a.status_changed_at, a.fill_id, a.created_at, a.updated_at
  FROM appointments a JOIN pumps p ON p.id = a.pump_id`;

function toAppointmentRow(row: Row): AppointmentRow {
  return {
    id: row.id as string,
    clinicId: row.clinic_id as string,
    pumpId: row.pump_id as string,
    patientId: row.patient_id as string,
    clinicianId: row.clinician_id as string,
    roomId: row.room_id as string | null,
    startsAt: row.starts_at as Date,
    endsAt: row.ends_at as Date,
    blocksUntil: row.blocks_until as Date,
    status: row.status as AppointmentStatus,
    overrideReason: row.override_reason as string | null,
    bookedByUserId: row.booked_by_user_id as string | null,
    bookedByLabel: row.booked_by_label as string,
    statusReason: row.status_reason as string | null,
    statusChangedAt: row.status_changed_at as Date | null,
    fillId: row.fill_id as string | null,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

@Injectable()
export class SchedulingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async bookingSettings(manager: EntityManager, clinicId: string): Promise<ClinicBookingSettings | null> {
    const rows: Row[] = await manager.query(
      'SELECT id, time_zone, refill_duration_minutes, appointment_buffer_minutes, booking_margin_days FROM clinics WHERE id = $1',
      [clinicId],
    );
    if (rows.length === 0) return null;
    const r = rows[0];
    return {
      clinicId: r.id as string,
      timeZone: r.time_zone as string,
      refillDurationMinutes: (r.refill_duration_minutes as number) ?? SCHEDULING_CONFIG.defaultRefillDurationMinutes,
      bufferMinutes: (r.appointment_buffer_minutes as number) ?? SCHEDULING_CONFIG.defaultBufferMinutes,
      bookingMarginDays: (r.booking_margin_days as number) ?? SCHEDULING_CONFIG.defaultBookingMarginDays,
    };
  }

  /** The clinic's closures, by start date; with `fromDate`, only those ending on or after it (a booking or a slot search ahead). */
  async closuresOf(manager: EntityManager, clinicId: string, fromDate?: string): Promise<ClosureRow[]> {
    const rows: Row[] = await manager.query(
      `SELECT id, clinic_id, to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date, label, created_at
       FROM clinic_closures WHERE clinic_id = $1 AND removed_at IS NULL AND ($2::date IS NULL OR end_date >= $2::date) ORDER BY start_date, end_date, id`,
      [clinicId, fromDate ?? null],
    );
    return rows.map((r) => ({
      id: r.id as string,
      clinicId: r.clinic_id as string,
      startDate: r.start_date as string,
      endDate: r.end_date as string,
      label: r.label as string,
      createdAt: r.created_at as Date,
    }));
  }

  async insertClosure(manager: EntityManager, clinicId: string, startDate: string, endDate: string, label: string): Promise<string> {
    const rows: Row[] = await manager.query(
      'INSERT INTO clinic_closures (clinic_id, start_date, end_date, label) VALUES ($1, $2, $3, $4) RETURNING id',
      [clinicId, startDate, endDate, label],
    );
    return rows[0].id as string;
  }

  /** Removes a closure (kept as removed: the application role deletes nothing); null when there is no such open closure. */
  async deleteClosure(manager: EntityManager, clinicId: string, closureId: string): Promise<ClosureRow | null> {
    const existing = (await this.closuresOf(manager, clinicId)).find((c) => c.id === closureId) ?? null;
    if (existing)
      await manager.query('UPDATE clinic_closures SET removed_at = now() WHERE id = $1 AND clinic_id = $2', [closureId, clinicId]);
    return existing;
  }

  async availabilityOf(manager: EntityManager, clinicianIds: readonly string[]): Promise<Map<string, AvailabilityRow>> {
    if (clinicianIds.length === 0) return new Map();
    const rows: Row[] = await manager.query('SELECT * FROM clinician_availability WHERE clinician_id = ANY($1::uuid[])', [clinicianIds]);
    return new Map(
      rows.map((r) => [
        r.clinician_id as string,
        {
          clinicianId: r.clinician_id as string,
          weekly: r.weekly as WeeklyWindow[],
          overrides: r.overrides as AvailabilityOverride[],
          updatedAt: r.updated_at as Date,
        },
      ]),
    );
  }

  async saveAvailability(
    manager: EntityManager,
    clinicianId: string,
    weekly: WeeklyWindow[],
    overrides: AvailabilityOverride[],
    at: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO clinician_availability (clinician_id, weekly, overrides, updated_at) VALUES ($1, $2::jsonb, $3::jsonb, $4)
       ON CONFLICT (clinician_id) DO UPDATE SET weekly = EXCLUDED.weekly, overrides = EXCLUDED.overrides, updated_at = EXCLUDED.updated_at`,
      [clinicianId, JSON.stringify(weekly), JSON.stringify(overrides), at],
    );
  }

  async appointment(manager: EntityManager, id: string, lock = false): Promise<AppointmentRow | null> {
    // FOR UPDATE OF a: only the appointment row is locked, not the joined pump.
    const rows: Row[] = await manager.query(`${SELECT_APPOINTMENT} WHERE a.id = $1${lock ? ' FOR UPDATE OF a' : ''}`, [id]);
    return rows.length ? toAppointmentRow(rows[0]) : null;
  }

  async appointments(filter: AppointmentFilter): Promise<AppointmentRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.clinicIds !== null) add('a.clinic_id = ANY(?::uuid[])', filter.clinicIds);
    if (filter.clinicianId) add('a.clinician_id = ?', filter.clinicianId);
    if (filter.pumpId) add('a.pump_id = ?', filter.pumpId);
    if (filter.status) add('a.status = ?', filter.status);
    if (filter.fromMs !== undefined) add('a.ends_at > ?', new Date(filter.fromMs));
    if (filter.toMs !== undefined) add('a.starts_at < ?', new Date(filter.toMs));
    const rows: Row[] = await this.dataSource.query(
      `${SELECT_APPOINTMENT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY a.starts_at, a.id LIMIT 5000`,
      params,
    );
    return rows.map(toAppointmentRow);
  }

  /** Booked appointments of these clinicians that overlap [fromMs, toMs), buffer included. */
  async bookedOfClinicians(
    manager: EntityManager,
    clinicianIds: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<AppointmentRow[]> {
    if (clinicianIds.length === 0) return [];
    const rows: Row[] = await manager.query(
      `${SELECT_APPOINTMENT} WHERE a.status = 'booked' AND a.clinician_id = ANY($1::uuid[]) AND a.blocks_until > $2 AND a.starts_at < $3 ORDER BY a.starts_at`,
      [clinicianIds, new Date(fromMs), new Date(toMs)],
    );
    return rows.map(toAppointmentRow);
  }

  async insertAppointment(
    manager: EntityManager,
    a: Omit<AppointmentRow, 'id' | 'patientId' | 'createdAt' | 'updatedAt' | 'statusReason' | 'statusChangedAt' | 'fillId'>,
  ): Promise<string> {
    const rows: Row[] = await manager.query(
      `INSERT INTO appointments (clinic_id, pump_id, clinician_id, room_id, starts_at, ends_at, blocks_until, status, override_reason,
         booked_by_user_id, booked_by_label)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        a.clinicId,
        a.pumpId,
        a.clinicianId,
        a.roomId,
        a.startsAt,
        a.endsAt,
        a.blocksUntil,
        a.status,
        a.overrideReason,
        a.bookedByUserId,
        a.bookedByLabel,
      ],
    );
    return rows[0].id as string;
  }

  async updateAppointment(manager: EntityManager, a: AppointmentRow): Promise<void> {
    await manager.query(
      `UPDATE appointments SET clinician_id = $2, room_id = $3, starts_at = $4, ends_at = $5, blocks_until = $6, status = $7,
         override_reason = $8, status_reason = $9, status_changed_at = $10, fill_id = $11, updated_at = $12
       WHERE id = $1`,
      [
        a.id,
        a.clinicianId,
        a.roomId,
        a.startsAt,
        a.endsAt,
        a.blocksUntil,
        a.status,
        a.overrideReason,
        a.statusReason,
        a.statusChangedAt,
        a.fillId,
        a.updatedAt,
      ],
    );
  }

  /** The booked appointment a refused write collided with (read after the refused transaction rolled back). */
  async overlapping(
    column: 'clinician_id' | 'room_id',
    id: string,
    startsAt: Date,
    blocksUntil: Date,
    exceptId: string | null,
  ): Promise<AppointmentRow | null> {
    const rows: Row[] = await this.dataSource.query(
      `${SELECT_APPOINTMENT} WHERE a.status = 'booked' AND a.${column} = $1 AND tstzrange(a.starts_at, a.blocks_until, '[)') && tstzrange($2, $3, '[)')
         AND ($4::uuid IS NULL OR a.id <> $4) ORDER BY a.starts_at LIMIT 1`,
      [id, startsAt, blocksUntil, exceptId],
    );
    return rows.length ? toAppointmentRow(rows[0]) : null;
  }

  /** What a message names an appointment by: its patient, and the clinic's zone its times are read in. */
  async appointmentSubject(appointmentId: string): Promise<{ patientName: string; timeZone: string } | null> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT pa.display_name, c.time_zone FROM appointments a JOIN pumps p ON p.id = a.pump_id JOIN patients pa ON pa.id = p.patient_id
         JOIN clinics c ON c.id = a.clinic_id WHERE a.id = $1`,
      [appointmentId],
    );
    return rows.length ? { patientName: rows[0].display_name as string, timeZone: rows[0].time_zone as string } : null;
  }
}
