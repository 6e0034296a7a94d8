// A spreadsheet import's dry run, kept in PostgreSQL until it is confirmed or expires (every instance can confirm it).
import type { ImportDateOrder, ImportRecord, ImportRowResult, ImportSummary, ImportConfirmation } from '@pumpwatch/shared';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A row the dry run did not refuse: what confirm writes. */
export interface PendingImportRow {
  row: number;
  record: ImportRecord;
}

@Entity({ name: 'import_batches' })
export class ImportBatchEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'clinic_id', type: 'uuid' }) clinicId!: string;
  @Column({ name: 'created_by_user_id', type: 'uuid', nullable: true }) createdByUserId!: string | null;
  @Column({ name: 'file_name', type: 'text' }) fileName!: string;
  @Column({ name: 'file_sha256', type: 'text' }) fileSha256!: string;
  @Column({ name: 'date_order', type: 'text' }) dateOrder!: ImportDateOrder;
  @Column({ type: 'jsonb' }) records!: PendingImportRow[];
  @Column({ name: 'dry_run', type: 'jsonb' }) dryRun!: { rows: ImportRowResult[]; summary: ImportSummary };
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt!: Date;
  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true }) confirmedAt!: Date | null;
  @Column({ type: 'jsonb', nullable: true }) result!: ImportConfirmation | null;
}
