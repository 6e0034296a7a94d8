// One incident of the alerts list: a pump's alerts of one cause (shared/src/alerts/alert-incidents.ts) on one card, led by the most
// severe and most recent; each alert stays a reason of its own with its own actions. Clicking or focusing the card marks it seen.
import { memo, useState } from 'react';
import type { Alert, AlertIncident, Page } from '@pumpwatch/shared';
import { useCan } from '../auth/use-can';
import { AlertItem, AlertSeverityBadge, AlertWho, NewMark } from './alert-item';
import { acknowledgeAlert } from './alerts-store';
import { isNewCritical, markAlertsSeen } from './alert-seen';

interface AlertIncidentCardProps {
  incident: AlertIncident<Alert>;
  seenKeys: ReadonlySet<string>;
  timeZone: string;
  nowMs: number;
  snoozedUntilOf: (alert: Alert) => string | null;
  pageToMeOf: (alert: Alert) => Page | undefined;
  compact: boolean;
  onAnnounce: (text: string) => void;
}

const CAUSE_TEXT: Partial<Record<AlertIncident<Alert>['cause'], string>> = {
  reservoir: 'Reservoir and refill',
};

/** Acknowledges every open alert of the card at once (each stays acknowledgeable on its own too). */
function AcknowledgeAll({ alerts, onAnnounce }: { alerts: Alert[]; onAnnounce: (text: string) => void }) {
  const mayAcknowledge = useCan('POST /api/alerts/:id/acknowledge', alerts[0].clinicId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const open = alerts.filter((a) => a.status === 'open');
  // Kept while busy: the button must not vanish half-way through the acknowledgements it started.
  if (!mayAcknowledge || (open.length < 2 && !busy)) return null;
  async function acknowledgeAll() {
    setBusy(true);
    setError(undefined);
    try {
      for (const alert of open) await acknowledgeAlert(alert.id, '');
      onAnnounce(`Acknowledged ${open.length} alerts of ${open[0].patient.displayName}.`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <span className="alert-incident__all">
      <button
        type="button"
        className="button button--primary"
        onClick={() => void acknowledgeAll()}
        disabled={busy}
        data-testid="incident-acknowledge-all"
      >
        {busy ? 'Acknowledging…' : `Acknowledge all ${open.length}`}
      </button>
      {error && (
        <span className="field__error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

/**
 * Whether a card would render the same: its alerts the very same objects (the store keeps an unchanged alert's object), each with
 * the same snooze, page and "new" mark, and the same clock and zone. A live event then re-renders the cards it changed, not the
 * hundreds of a regional fleet's list.
 */
function rendersSame(before: AlertIncidentCardProps, after: AlertIncidentCardProps): boolean {
  if (
    before.timeZone !== after.timeZone ||
    before.nowMs !== after.nowMs ||
    before.compact !== after.compact ||
    before.onAnnounce !== after.onAnnounce ||
    before.incident.key !== after.incident.key ||
    before.incident.lead !== after.incident.lead ||
    before.incident.alerts.length !== after.incident.alerts.length
  )
    return false;
  return before.incident.alerts.every((alert, i) => {
    const next = after.incident.alerts[i];
    return (
      alert === next &&
      before.snoozedUntilOf(alert) === after.snoozedUntilOf(next) &&
      before.pageToMeOf(alert) === after.pageToMeOf(next) &&
      isNewCritical(alert, before.seenKeys) === isNewCritical(next, after.seenKeys)
    );
  });
}

export const AlertIncidentCard = memo(function AlertIncidentCard({
  incident,
  seenKeys,
  timeZone,
  nowMs,
  snoozedUntilOf,
  pageToMeOf,
  compact,
  onAnnounce,
}: AlertIncidentCardProps) {
  const { lead, alerts } = incident;
  const newOnes = alerts.filter((a) => isNewCritical(a, seenKeys));
  // Looking at the card: a click or tap anywhere on it, or keyboard focus inside it (acknowledging ends "new" anyway).
  const lookedAt = () => {
    if (newOnes.length > 0) markAlertsSeen(newOnes);
  };
  const item = (alert: Alert, nested: boolean) => (
    <AlertItem
      alert={alert}
      timeZone={timeZone}
      nowMs={nowMs}
      snoozedUntil={snoozedUntilOf(alert)}
      pageToMe={pageToMeOf(alert)}
      compact={compact}
      nested={nested}
      titleOnCard={nested && alert === lead}
      isNew={!nested && newOnes.length > 0}
      onAnnounce={onAnnounce}
    />
  );
  const titleId = `incident-title-${lead.id}`;
  return (
    <li
      className={`alert-incident${newOnes.length > 0 ? ' alert-incident--new' : ''}`}
      data-testid="alert-incident"
      data-incident-key={incident.key}
      data-cause={incident.cause}
      data-severity={lead.severity}
      data-new={newOnes.length > 0}
      data-alert-count={alerts.length}
      aria-labelledby={alerts.length > 1 ? titleId : `alert-title-${lead.id}`}
      onPointerDown={lookedAt}
      onFocus={lookedAt}
    >
      {alerts.length === 1 ? (
        item(lead, false)
      ) : (
        <div
          className={`alert-item alert-item--${lead.severity} alert-item--${alerts.some((a) => a.status === 'open') ? 'open' : 'acknowledged'} alert-incident__card${compact ? ' alert-item--compact' : ''}`}
        >
          <div className="alert-item__head">
            {newOnes.length > 0 && <NewMark />}
            <AlertSeverityBadge severity={lead.severity} />
            <span className="alert-item__kind">
              {CAUSE_TEXT[incident.cause] ?? 'Incident'}: {alerts.length} alerts, one incident
            </span>
            <AlertWho alert={lead} />
          </div>
          <h3 id={titleId} className="alert-item__title" tabIndex={-1} data-testid="incident-title">
            {lead.title}
          </h3>
          <AcknowledgeAll alerts={alerts} onAnnounce={onAnnounce} />
          <ul className="alert-incident__reasons" aria-label="Reasons">
            {/* The leading reason first, the others in list order. */}
            {[lead, ...alerts.filter((a) => a !== lead)].map((alert) => (
              <li key={alert.id} data-testid="incident-reason">
                {item(alert, true)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </li>
  );
}, rendersSame);
