// A patient of one clinic, identified there by the clinic's MRN.
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Sex, SpasticityOrigin } from '@pumpwatch/shared';

@Entity('patients')
export class PatientEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId: string;

  @Column({ type: 'text' })
  mrn: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ name: 'birth_date', type: 'date' })
  birthDate: string;

  @Column({ type: 'text' })
  sex: Sex;

  @Column({ name: 'weight_kg', type: 'double precision', nullable: true })
  weightKg: number | null;

  // Withdrawal risk factors (null: not recorded), shown on withdrawal-risk alerts.
  @Column({ name: 'spinal_cord_injury_t6_or_above', type: 'boolean', nullable: true })
  spinalCordInjuryT6OrAbove: boolean | null;

  @Column({ name: 'communication_difficulty', type: 'boolean', nullable: true })
  communicationDifficulty: boolean | null;

  @Column({ name: 'previous_withdrawal', type: 'boolean', nullable: true })
  previousWithdrawal: boolean | null;

  // Clinical safety (issue 7): height for the children's eGFR, origin for the escalation limits (null: not recorded).
  @Column({ name: 'height_cm', type: 'double precision', nullable: true })
  heightCm: number | null;

  @Column({ name: 'spasticity_origin', type: 'text', nullable: true })
  spasticityOrigin: SpasticityOrigin | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
