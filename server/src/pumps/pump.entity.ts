// An implanted pump: device facts, its alarm volume, and when and why it was explanted.
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ExplantReason, PumpModelId } from '@pumpwatch/shared';

@Entity('pumps')
export class PumpEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId: string;

  @Column({ name: 'model_id', type: 'text' })
  modelId: PumpModelId;

  @Column({ name: 'serial_number', type: 'text' })
  serialNumber: string;

  @Column({ name: 'implant_date', type: 'date' })
  implantDate: string;

  @Column({ name: 'reservoir_capacity_ml', type: 'double precision' })
  reservoirCapacityMl: number;

  @Column({ name: 'low_reservoir_alarm_ml', type: 'double precision' })
  lowReservoirAlarmMl: number;

  @Column({ name: 'flow_rate_ml_per_day', type: 'double precision', nullable: true })
  flowRateMlPerDay: number | null;

  @Column({ name: 'explanted_at', type: 'timestamptz', nullable: true })
  explantedAt: Date | null;

  @Column({ name: 'explant_reason', type: 'text', nullable: true })
  explantReason: ExplantReason | null;

  @Column({ name: 'replaces_pump_id', type: 'uuid', nullable: true })
  replacesPumpId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
