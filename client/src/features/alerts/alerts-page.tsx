// Alerts page (/alerts): the full alerts panel on its own, for a wall screen or a nurse working through the list.
import { AlertsPanel } from './alerts-panel';
import { useUnacknowledgedCriticalIds } from './alert-watcher';

export function AlertsPage() {
  const critical = useUnacknowledgedCriticalIds().length;
  return (
    <div data-testid="alerts-page">
      <title>{critical > 0 ? `Alerts (${critical} critical) — PumpWatch` : 'Alerts — PumpWatch'}</title>
      <AlertsPanel headingLevel={1} />
    </div>
  );
}
