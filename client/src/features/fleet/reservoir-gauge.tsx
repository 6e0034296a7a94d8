// Reservoir gauge: current volume against capacity, with the pump's low-reservoir alarm line.
interface ReservoirGaugeProps {
  volumeMl: number | null;
  capacityMl: number;
  alarmMl: number;
}

export function ReservoirGauge({ volumeMl, capacityMl, alarmMl }: ReservoirGaugeProps) {
  const pct = (v: number) => Math.max(0, Math.min(100, (v / capacityMl) * 100));
  const belowAlarm = volumeMl !== null && volumeMl <= alarmMl;
  const label =
    volumeMl === null ? `volume unknown, capacity ${capacityMl} mL` : `${volumeMl.toFixed(1)} of ${capacityMl} mL, alarm at ${alarmMl} mL`;
  return (
    <div className="gauge">
      <div
        className="gauge__track"
        role="meter"
        aria-label="Reservoir volume"
        aria-valuemin={0}
        aria-valuemax={capacityMl}
        aria-valuenow={volumeMl ?? undefined}
        aria-valuetext={label}
        title={label}
      >
        {volumeMl !== null && (
          <div className={`gauge__fill${belowAlarm ? ' gauge__fill--low' : ''}`} style={{ width: `${pct(volumeMl)}%` }} />
        )}
        <div className="gauge__alarm" style={{ left: `${pct(alarmMl)}%` }} aria-hidden="true" />
      </div>
      <span className="gauge__text" data-testid="fleet-volume">
        {volumeMl === null ? '—' : `${volumeMl.toFixed(1)}`} / {capacityMl} mL
      </span>
      {belowAlarm && <span className="gauge__flag">below alarm</span>}
    </div>
  );
}
