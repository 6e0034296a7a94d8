// A refill: what went into the reservoir, when, and what the previous forecast expected to find.
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { BridgeBolus, Drug, DrugLibraryViolation } from '@pumpwatch/shared';

@Entity('fills')
export class FillEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'pump_id', type: 'uuid' })
  pumpId: string;

  @Column({ name: 'filled_at', type: 'timestamptz' })
  filledAt: Date;

  @Column({ type: 'text' })
  drug: Drug;

  @Column({ name: 'concentration_mcg_per_ml', type: 'double precision' })
  concentrationMcgPerMl: number;

  @Column({ name: 'volume_ml', type: 'double precision' })
  volumeMl: number;

  @Column({ name: 'aspirated_residual_ml', type: 'double precision', nullable: true })
  aspiratedResidualMl: number | null;

  @Column({ name: 'stability_days', type: 'integer' })
  stabilityDays: number;

  @Column({ name: 'bridge_bolus', type: 'jsonb', nullable: true })
  bridgeBolus: BridgeBolus | null;

  @Column({ name: 'expected_residual_ml', type: 'double precision', nullable: true })
  expectedResidualMl: number | null;

  @Column({ name: 'patient_bolus_count_since_last_fill', type: 'integer', nullable: true })
  patientBolusCountSinceLastFill: number | null;

  /** Why the daily dose changed with the concentration (constant-flow pumps), when the dose guard asked for it (issue 7). */
  @Column({ name: 'dose_change_reason', type: 'text', nullable: true })
  doseChangeReason: string | null;

  /** Why the fill goes past the drug library's soft limits listed in limitOverrides (issue 13). */
  @Column({ name: 'limit_override_reason', type: 'text', nullable: true })
  limitOverrideReason: string | null;

  @Column({ name: 'limit_overrides', type: 'jsonb', default: () => "'[]'::jsonb" })
  limitOverrides: DrugLibraryViolation[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
