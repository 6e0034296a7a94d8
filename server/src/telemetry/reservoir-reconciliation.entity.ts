// A reservoir reconciliation computed when a refill recorded the aspirated residual (append-only history for the trend).
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { PatientBolusSource, ReconciliationDirection, ReconciliationFlagReason } from '@pumpwatch/shared';

@Entity('reservoir_reconciliations')
export class ReservoirReconciliationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'fill_id', type: 'uuid' })
  fillId: string;

  /** Set when a fill recorded later, but dated before this refill, became its previous fill: this row is history only. */
  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true })
  supersededAt: Date | null;

  @Column({ name: 'superseded_by_fill_id', type: 'uuid', nullable: true })
  supersededByFillId: string | null;

  @Column({ name: 'pump_id', type: 'uuid' })
  pumpId: string;

  @Column({ name: 'filled_at', type: 'timestamptz' })
  filledAt: Date;

  @Column({ name: 'previous_fill_id', type: 'uuid' })
  previousFillId: string;

  @Column({ name: 'previous_fill_volume_ml', type: 'double precision' })
  previousFillVolumeMl: number;

  @Column({ name: 'nominal_residual_ml', type: 'double precision' })
  nominalResidualMl: number;

  @Column({ name: 'worst_case_residual_ml', type: 'double precision' })
  worstCaseResidualMl: number;

  @Column({ name: 'patient_bolus_source', type: 'text' })
  patientBolusSource: PatientBolusSource;

  @Column({ name: 'patient_bolus_count', type: 'integer', nullable: true })
  patientBolusCount: number | null;

  @Column({ name: 'patient_bolus_volume_ml', type: 'double precision', nullable: true })
  patientBolusVolumeMl: number | null;

  @Column({ name: 'expected_min_ml', type: 'double precision' })
  expectedMinMl: number;

  @Column({ name: 'expected_max_ml', type: 'double precision' })
  expectedMaxMl: number;

  @Column({ name: 'expected_residual_ml', type: 'double precision' })
  expectedResidualMl: number;

  @Column({ name: 'expected_delivered_ml', type: 'double precision' })
  expectedDeliveredMl: number;

  @Column({ name: 'aspirated_residual_ml', type: 'double precision' })
  aspiratedResidualMl: number;

  @Column({ name: 'difference_ml', type: 'double precision' })
  differenceMl: number;

  @Column({ name: 'max_difference_ml', type: 'double precision' })
  maxDifferenceMl: number;

  @Column({ name: 'flow_accuracy_fraction', type: 'double precision', nullable: true })
  flowAccuracyFraction: number | null;

  @Column({ name: 'flow_accuracy_tolerance_ml', type: 'double precision', nullable: true })
  flowAccuracyToleranceMl: number | null;

  @Column({ type: 'boolean' })
  flagged: boolean;

  @Column({ type: 'text', array: true })
  reasons: ReconciliationFlagReason[];

  @Column({ type: 'text', nullable: true })
  direction: ReconciliationDirection | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
