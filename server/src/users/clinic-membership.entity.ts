// A user's role in one clinic: the unit of clinic scoping.
import type { ClinicRole } from '@pumpwatch/shared';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('clinic_memberships')
export class ClinicMembershipEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @PrimaryColumn({ name: 'clinic_id', type: 'uuid' })
  clinicId: string;

  @Column({ type: 'text' })
  role: ClinicRole;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
