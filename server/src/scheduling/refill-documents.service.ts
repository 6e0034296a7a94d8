// Documents for the treatment room and for downtime: the printable refill worksheet and the fleet CSV with deadlines and bookings.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError, PUMP_MODELS, PumpModelId } from '@pumpwatch/shared';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { Actor, assertSees } from '../auth/actor';
import { ForecastService } from '../forecast/forecast.service';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { PumpsService } from '../pumps/pumps.service';
import { AppointmentsService } from './appointments.service';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const html = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

/** RFC 4180 quoting; a leading = + - @ is neutralised so a spreadsheet never runs a cell as a formula. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const localTime = (iso: string | null, zone: string): string => (iso ? DateTime.fromISO(iso, { zone }).toFormat('yyyy-MM-dd HH:mm') : '');

@Injectable()
export class RefillDocumentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly appointments: AppointmentsService,
    private readonly forecasts: ForecastService,
    private readonly pumps: PumpsService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** One page per appointment: who, which pump, what to draw up, and what the forecast expects to find. */
  async worksheet(actor: Actor, id: string): Promise<string> {
    const appointment = await this.appointments.get(actor, id);
    const history = await this.forecasts.loadHistory(appointment.pumpId);
    const { pump, clinic } = history;
    const [patient]: { display_name: string; mrn: string; birth_date: string }[] = await this.dataSource.query(
      `SELECT display_name, mrn, to_char(birth_date, 'YYYY-MM-DD') AS birth_date FROM patients WHERE id = $1`,
      [pump.patientId],
    );
    const [clinician]: { display_name: string; profession: string }[] = await this.dataSource.query(
      'SELECT display_name, profession FROM clinicians WHERE id = $1',
      [appointment.clinicianId],
    );
    const rooms: { name: string }[] = appointment.roomId
      ? await this.dataSource.query('SELECT name FROM rooms WHERE id = $1', [appointment.roomId])
      : [];
    // The residual expected at the start of the visit, from the forecast at that instant (what the nurse should aspirate).
    const atVisit = pump.explantedAt ? null : await this.forecasts.forecast(pump.id, appointment.startsAt).catch(() => null);
    const zone = clinic.timeZone;
    const model = PUMP_MODELS[pump.modelId as PumpModelId];
    const rows: [string, string][] = [
      ['Patient', `${patient.display_name} (MRN ${patient.mrn}, born ${patient.birth_date})`],
      ['Appointment', `${localTime(appointment.startsAt, zone)} - ${localTime(appointment.endsAt, zone).slice(11)} (${zone})`],
      ['Clinician', `${clinician.display_name} (${clinician.profession})`],
      ['Room', rooms[0]?.name ?? '-'],
      [
        'Pump',
        `${model?.name ?? pump.modelId}, serial ${pump.serialNumber}, reservoir ${pump.reservoirCapacityMl} mL, low-reservoir alarm ${pump.lowReservoirAlarmMl} mL`,
      ],
      [
        'Expected residual at the visit',
        atVisit?.status === 'ok' && atVisit.volumeMl !== null ? `${atVisit.volumeMl.toFixed(1)} mL (nominal)` : 'unknown',
      ],
      ['Drug and concentration in force', atVisit?.concentrationMcgPerMl ? `baclofen ${atVisit.concentrationMcgPerMl} mcg/mL` : 'unknown'],
      [
        'Program in force',
        atVisit?.doseMcgPerDay !== null && atVisit?.doseMcgPerDay !== undefined ? `${atVisit.doseMcgPerDay.toFixed(1)} mcg/day` : 'unknown',
      ],
      ['Refill deadline (now)', appointment.refillDeadline ? `${localTime(appointment.refillDeadline, zone)} (${zone})` : 'unknown'],
      ['Booking timing', appointment.timing === null ? 'unknown' : appointment.timing.replace('_', ' ')],
      ['Override reason', appointment.overrideReason ?? '-'],
      ['Aspirated residual (mL)', '______'],
      ['New volume (mL) / concentration (mcg/mL)', '______ / ______'],
      ['Next deadline (after refill)', 'computed by PumpWatch when the fill is recorded'],
    ];
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Refill worksheet - ${html(patient.display_name)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}th,td{border:1px solid #444;padding:.4em .6em;text-align:left;vertical-align:top}
.late{color:#a00;font-weight:bold}@media print{a{display:none}}</style></head>
<body><h1>Intrathecal pump refill worksheet</h1>
<p>${html(clinic.name)} - printed ${html(localTime(this.clock.now().toISOString(), zone))} (${html(zone)}). Check the concentration on the
syringe label against the program before injecting: a mismatch is the classic fatal refill error.</p>
<table><tbody>
${rows.map(([label, value]) => `<tr><th scope="row">${html(label)}</th><td${label === 'Booking timing' && appointment.timing !== 'on_time' ? ' class="late"' : ''}>${html(value)}</td></tr>`).join('\n')}
</tbody></table>
<p>Appointment ${html(appointment.id)}</p></body></html>`;
  }

  /** Every active pump of the clinic with its deadline and booking, in the clinic's local time and in UTC. */
  async fleetCsv(actor: Actor, clinicId: string): Promise<string> {
    if (!isUuid(clinicId)) throw DomainError.notFound('id', 'is not a known clinic');
    assertSees(actor, clinicId, 'id', 'is not a known clinic');
    const fleet = await this.pumps.fleet(actor, { clinicId });
    const clinicians: { id: string; display_name: string }[] = await this.dataSource.query(
      'SELECT id, display_name FROM clinicians WHERE clinic_id = $1',
      [clinicId],
    );
    const clinicianName = new Map(clinicians.map((c) => [c.id, c.display_name]));
    const header = [
      'patient_mrn',
      'patient_name',
      'pump_serial',
      'pump_model',
      'urgency',
      'volume_ml_now',
      'dose_mcg_per_day',
      'concentration_mcg_per_ml',
      'refill_deadline_local',
      'refill_deadline_utc',
      'days_left',
      'appointment_local',
      'appointment_utc',
      'appointment_clinician',
      'appointment_timing',
      'override_reason',
      'time_zone',
    ];
    const lines = [header.join(',')];
    for (const pump of fleet) {
      const zone = pump.clinic.timeZone;
      const booked = pump.nextAppointment;
      lines.push(
        [
          pump.patient.mrn,
          pump.patient.displayName,
          pump.pump.serialNumber,
          pump.pump.modelId,
          pump.urgency,
          pump.volumeMl === null ? '' : pump.volumeMl.toFixed(1),
          pump.doseMcgPerDay ?? '',
          pump.concentrationMcgPerMl ?? '',
          localTime(pump.refillDeadline, zone),
          pump.refillDeadline ?? '',
          pump.daysLeft === null ? '' : pump.daysLeft.toFixed(2),
          localTime(booked?.startsAt ?? null, zone),
          booked?.startsAt ?? '',
          booked ? (clinicianName.get(booked.clinicianId) ?? '') : '',
          booked?.timing ?? (booked ? '' : 'not_booked'),
          booked?.overrideReason ?? '',
          zone,
        ]
          .map(csvCell)
          .join(','),
      );
    }
    return `${lines.join('\r\n')}\r\n`;
  }
}
