// Issue 16: an administrator deactivates an account (it can no longer sign in, its sessions end) and may reactivate it later.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddUserDeactivation1796870000000 implements MigrationInterface {
  name = 'AddUserDeactivation1796870000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Null: active. Kept (not a flag) so the users page and the audit show since when.
    await queryRunner.query('ALTER TABLE users ADD COLUMN deactivated_at timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE users DROP COLUMN deactivated_at');
  }
}
