// A clinic and the IANA time zone its wall-clock times (program steps, implant dates) are read in.
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('clinics')
export class ClinicEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone: string;

  /** Issue 16: the BCP 47 locale of its date fields; null follows its time zone (shared defaultLocaleOf). */
  @Column({ type: 'text', nullable: true })
  locale: string | null;

  /** Issue 12: the pump's reservoir estimate may differ from the forecast by the larger of these before `reservoir_discrepancy`. */
  @Column({ name: 'reservoir_discrepancy_tolerance_ml', type: 'double precision', default: 2 })
  reservoirDiscrepancyToleranceMl: number;

  @Column({ name: 'reservoir_discrepancy_tolerance_percent', type: 'double precision', default: 10 })
  reservoirDiscrepancyTolerancePercent: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
