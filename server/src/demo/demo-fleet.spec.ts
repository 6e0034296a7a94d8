// The demo fleet builder: deterministic, realistic and valid against the same rules as the API.
import { ALERT_CONFIG, assessUrgency, PUMP_MODELS } from '@pumpwatch/shared';
import { forecastNow } from '../forecast/forecast-now';
import { buildDemoFleet } from './demo-fleet';

const NOW = new Date('2026-06-01T12:00:00Z');

describe('buildDemoFleet', () => {
  const fleet = buildDemoFleet(NOW);
  const active = fleet.pumps.filter((p) => p.explantedAt === null);

  it('is the same fleet for the same "now" (ids aside)', () => {
    const again = buildDemoFleet(NOW);
    const strip = (f: typeof fleet) => f.fills.map((x) => [x.filledAt.toISOString(), x.volumeMl, x.concentrationMcgPerMl]);
    expect(strip(again)).toEqual(strip(fleet));
  });

  it('has about 40 active pumps, one explanted predecessor, and two constant-flow pumps', () => {
    expect(active.length).toBe(40);
    expect(fleet.pumps.filter((p) => p.explantedAt !== null)).toHaveLength(1);
    expect(active.filter((p) => p.modelId === 'constant-flow')).toHaveLength(2);
  });

  it('never fills above capacity, before implant or in the future, and never programs a constant-flow pump', () => {
    const pumpById = new Map(fleet.pumps.map((p) => [p.id, p]));
    for (const fill of fleet.fills) {
      const pump = pumpById.get(fill.pumpId)!;
      expect(fill.volumeMl).toBeLessThanOrEqual(pump.reservoirCapacityMl);
      expect(fill.filledAt.toISOString().slice(0, 10) >= pump.implantDate).toBe(true);
      expect(fill.filledAt.getTime()).toBeLessThan(NOW.getTime());
    }
    for (const program of fleet.programs) expect(PUMP_MODELS[pumpById.get(program.pumpId)!.modelId].programmable).toBe(true);
  });

  it('looks like a normal clinic day: most pumps OK, a few due within three weeks, one due tomorrow, none overdue or without a forecast', () => {
    const forecasts = active.map((pump) =>
      forecastNow(
        {
          pump,
          clinic: fleet.clinic,
          fills: fleet.fills.filter((f) => f.pumpId === pump.id),
          programs: fleet.programs.filter((p) => p.pumpId === pump.id),
        },
        NOW,
        false,
      ),
    );
    const urgencies = forecasts.map(
      (forecast) =>
        assessUrgency(forecast.status, forecast.refillDeadline ? Date.parse(forecast.refillDeadline) : null, NOW.getTime()).urgency,
    );
    const counts = urgencies.reduce<Record<string, number>>((acc, u) => ({ ...acc, [u]: (acc[u] ?? 0) + 1 }), {});
    expect(counts).toEqual({ critical: 1, urgent: 3, warning: 6, ok: 30 });
    // No withdrawal risk: even the worst case (every allowed patient bolus) keeps every pump more than 72 h from empty.
    for (const forecast of forecasts) {
      expect(Date.parse(forecast.worstCase.emptyAt as string) - NOW.getTime()).toBeGreaterThan(
        ALERT_CONFIG.withdrawalRiskEmptyWithinHours * 3_600_000,
      );
      expect(forecast.volumeMl as number).toBeGreaterThan(forecast.lowReservoirAlarmMl);
    }
  });

  it('records an aspirated residual at every refill that has a previous fill, close to the forecast', () => {
    const byPump = new Map<string, typeof fleet.fills>();
    for (const fill of fleet.fills) byPump.set(fill.pumpId, [...(byPump.get(fill.pumpId) ?? []), fill]);
    for (const fills of byPump.values()) {
      const [first, ...refills] = [...fills].sort((a, b) => a.filledAt.getTime() - b.filledAt.getTime());
      expect(first.aspiratedResidualMl).toBeNull();
      for (const refill of refills) {
        expect(refill.expectedResidualMl).not.toBeNull();
        expect(Math.abs((refill.aspiratedResidualMl as number) - (refill.expectedResidualMl as number))).toBeLessThanOrEqual(0.65);
      }
    }
  });
});
