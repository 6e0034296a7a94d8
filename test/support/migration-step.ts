// Runs one migration's up or down on a test server's database as the deployment does (the owner's connection), e.g. a backfill
// over rows written the old way.
import { DataSource, type MigrationInterface } from 'typeorm';

export async function runMigrationStep(databaseUrl: string, migration: MigrationInterface, direction: 'up' | 'down'): Promise<void> {
  const dataSource = new DataSource({ type: 'postgres', url: databaseUrl });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await migration[direction](runner);
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}
