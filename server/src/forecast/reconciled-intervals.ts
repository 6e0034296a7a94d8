// The pump's reconciled refill intervals the forecast learns its flow factor from (issue 13): one query for any number of pumps.
import type { ReconciledInterval } from '@pumpwatch/shared';
import { EntityManager, In, IsNull } from 'typeorm';
import { ReservoirReconciliationEntity } from '../telemetry/reservoir-reconciliation.entity';

export function toReconciledInterval(row: ReservoirReconciliationEntity): ReconciledInterval {
  return {
    filledAt: row.filledAt.toISOString(),
    superseded: row.supersededAt !== null,
    previousFillVolumeMl: row.previousFillVolumeMl,
    expectedResidualMl: row.expectedResidualMl,
    aspiratedResidualMl: row.aspiratedResidualMl,
  };
}

/** Current (not superseded) reconciliations of every pump in `pumpIds`, by pump id; a pump without any is absent. */
export async function reconciledIntervalsByPump(
  manager: EntityManager,
  pumpIds: readonly string[],
): Promise<Map<string, ReconciledInterval[]>> {
  const byPump = new Map<string, ReconciledInterval[]>();
  if (pumpIds.length === 0) return byPump;
  const rows = await manager.find(ReservoirReconciliationEntity, {
    where: { pumpId: In([...pumpIds]), supersededAt: IsNull() },
    order: { filledAt: 'ASC' },
  });
  for (const row of rows) {
    const list = byPump.get(row.pumpId);
    if (list) list.push(toReconciledInterval(row));
    else byPump.set(row.pumpId, [toReconciledInterval(row)]);
  }
  return byPump;
}
