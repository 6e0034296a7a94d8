// One reading a pump reported through its gateway, kept per pump in time order (append-only; the bulk insert is raw SQL).
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BatteryStatus, PumpAlarmCode } from '@pumpwatch/shared';

@Entity('telemetry_readings')
export class TelemetryReadingEntity {
  @PrimaryColumn({ name: 'pump_id', type: 'uuid' })
  pumpId: string;

  @PrimaryColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  @Column({ name: 'reservoir_volume_ml', type: 'double precision', nullable: true })
  reservoirVolumeMl: number | null;

  @Column({ type: 'text', array: true, nullable: true })
  alarms: PumpAlarmCode[] | null;

  @Column({ name: 'battery_status', type: 'text', nullable: true })
  batteryStatus: BatteryStatus | null;

  @Column({ name: 'program_dose_mcg_per_day', type: 'double precision', nullable: true })
  programDoseMcgPerDay: number | null;

  @Column({ name: 'program_concentration_mcg_per_ml', type: 'double precision', nullable: true })
  programConcentrationMcgPerMl: number | null;

  // bigint comes back from pg as a string; the counter fits a JavaScript number.
  @Column({ name: 'patient_bolus_count_total', type: 'bigint', nullable: true })
  patientBolusCountTotal: string | null;
}
