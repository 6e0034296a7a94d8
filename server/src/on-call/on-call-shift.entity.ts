// One on-call shift of a clinician, [startsAt, endsAt) in UTC; cancelled rather than deleted so the roster's history stays.
import type { OnCallTier } from '@pumpwatch/shared';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('on_call_shifts')
export class OnCallShiftEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId: string;

  @Column({ name: 'clinician_id', type: 'uuid' })
  clinicianId: string;

  @Column({ type: 'text' })
  tier: OnCallTier;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
