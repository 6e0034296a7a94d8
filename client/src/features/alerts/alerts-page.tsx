// Alerts page (/alerts): the full alerts panel on its own, for a wall screen or a nurse working through the list.
import { AlertsPanel } from './alerts-panel';

export function AlertsPage() {
  return (
    <div data-testid="alerts-page">
      {/* The alert watcher puts the count of unacknowledged critical alerts before it: "(2) Alerts — PumpWatch". */}
      <title>Alerts — PumpWatch</title>
      <AlertsPanel headingLevel={1} />
    </div>
  );
}
