// An infusion program from its effectiveFrom on; a new program is a new row, history is never overwritten.
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DoseChangeContext, DrugLibraryViolation, PatientBolus, PeriodicBolus, ProgramStep } from '@pumpwatch/shared';

@Entity('programs')
export class ProgramEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'pump_id', type: 'uuid' })
  pumpId: string;

  @Column({ name: 'effective_from', type: 'timestamptz' })
  effectiveFrom: Date;

  @Column({ type: 'jsonb' })
  steps: ProgramStep[];

  @Column({ name: 'periodic_boluses', type: 'jsonb' })
  periodicBoluses: PeriodicBolus[];

  @Column({ name: 'patient_bolus', type: 'jsonb', nullable: true })
  patientBolus: PatientBolus | null;

  @Column({ name: 'dose_mcg_per_day', type: 'double precision' })
  doseMcgPerDay: number;

  /** Why the dose changed, when the dose guard asked for it or the clinician gave it (issue 7). */
  @Column({ name: 'dose_change_reason', type: 'text', nullable: true })
  doseChangeReason: string | null;

  @Column({ name: 'dose_change_context', type: 'text', nullable: true })
  doseChangeContext: DoseChangeContext | null;

  /** The drug library's soft limits this program goes past, confirmed by doseChangeReason (issue 13). */
  @Column({ name: 'limit_overrides', type: 'jsonb', default: () => "'[]'::jsonb" })
  limitOverrides: DrugLibraryViolation[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
