// Something that happened to a pump outside fills and programs (an MRI), open until a clinician clears the check it calls for.
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { PumpEventKind } from '@pumpwatch/shared';

@Entity('pump_events')
export class PumpEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'pump_id', type: 'uuid' })
  pumpId: string;

  @Column({ type: 'text' })
  kind: PumpEventKind;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'recorded_by_actor_id', type: 'uuid', nullable: true })
  recordedByActorId: string | null;

  @Column({ name: 'recorded_by_label', type: 'text' })
  recordedByLabel: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'cleared_at', type: 'timestamptz', nullable: true })
  clearedAt: Date | null;

  @Column({ name: 'cleared_by_user_id', type: 'uuid', nullable: true })
  clearedByUserId: string | null;

  @Column({ name: 'cleared_by_label', type: 'text', nullable: true })
  clearedByLabel: string | null;

  @Column({ name: 'clear_note', type: 'text', nullable: true })
  clearNote: string | null;
}
