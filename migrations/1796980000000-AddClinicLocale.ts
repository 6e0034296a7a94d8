// Issue 16: the clinic's locale (BCP 47, e.g. fr-FR) for date fields; NULL means "from the clinic's time zone" (shared defaultLocaleOf).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddClinicLocale1796980000000 implements MigrationInterface {
  name = 'AddClinicLocale1796980000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The API stores the canonical tag it checked; the length bound keeps a typo from becoming a paragraph.
    await queryRunner.query(`ALTER TABLE clinics ADD COLUMN locale text NULL CHECK (locale IS NULL OR length(locale) BETWEEN 2 AND 35)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE clinics DROP COLUMN locale`);
  }
}
