// A clinic's own escalation policy; a clinic without a row pages by the default of shared/src/on-call/on-call-config.ts.
import type { EscalationLevel } from '@pumpwatch/shared';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('escalation_policies')
export class EscalationPolicyEntity {
  @PrimaryColumn({ name: 'clinic_id', type: 'uuid' })
  clinicId: string;

  @Column({ type: 'jsonb' })
  levels: EscalationLevel[];

  @Column({ name: 'repeat_top_level_every_minutes', type: 'integer' })
  repeatTopLevelEveryMinutes: number;

  @Column({ name: 'urgent_page_after_minutes', type: 'integer' })
  urgentPageAfterMinutes: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
