// Sign-in failures per client address, shared by every server instance (it was in memory: each instance counted its own).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateLoginThrottle1796421600000 implements MigrationInterface {
  name = 'CreateLoginThrottle1796421600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per address; `failed_at` keeps only the failures inside the throttle window (trimmed at every write), so it stays short.
    await queryRunner.query(`
      CREATE TABLE login_failures_by_address (
        address text PRIMARY KEY,
        failed_at timestamptz[] NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE login_failures_by_address`);
  }
}
