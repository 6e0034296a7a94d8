// Full-width banner at the top of every page while the live connection is lost after having been live: a stale screen must say so.
import { useDisconnected } from '../lib/socket';

export function DisconnectedBanner() {
  const disconnected = useDisconnected();
  if (!disconnected) return null;
  return (
    <div className="disconnected-banner" role="alert" data-testid="disconnected-banner">
      <span aria-hidden="true">⚠ </span>
      <strong>Disconnected — reconnecting…</strong> Live updates and new alerts are paused; what you see may be out of date.
    </div>
  );
}
