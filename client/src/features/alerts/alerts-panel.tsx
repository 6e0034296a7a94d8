// Alerts panel: the user's open and acknowledged alerts as incidents (one card per pump per cause), most severe then most recently
// raised first, a critical raise nobody looked at marked "new"; live without reload. It says how many there are per severity (the
// server's counts) and how many of them are shown, and loads more on demand.
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { ALERT_SEVERITIES, groupAlertIncidents, type Alert, type AlertSeverityCounts } from '@pumpwatch/shared';
import { useNow } from '../../lib/use-now';
import { useSession } from '../auth/session-store';
import { useClinics } from '../clinics/use-clinics';
import { ALERT_PAGE_SIZE, isSnoozed, loadedCountsOf, loadMoreAlerts, reloadAlerts, useAlerts } from './alerts-store';
import { ALERT_SEVERITY_LABEL } from './alert-labels';
import { AlertIncidentCard } from './alert-incident';
import { useSeenAlerts } from './alert-seen';
import { NoOneOnCallBanner } from './no-one-on-call-banner';

interface AlertsPanelProps {
  /** On the fleet page: dense cards, the critical incidents (up to criticalLimit), then others up to this many, and a link to the full list. */
  compactLimit?: number;
  /**
   * With compactLimit: at most this many critical incidents, unacknowledged first, so a flood of criticals (a regional service's
   * hundreds) does not push the fleet thousands of pixels down; the panel then says how many more are on the alerts page.
   */
  criticalLimit?: number;
  headingLevel?: 1 | 2;
}

export function AlertsPanel({ compactLimit, criticalLimit, headingLevel = 2 }: AlertsPanelProps) {
  const { user } = useSession();
  const { clinics } = useClinics(user?.id);
  const { status, error, alerts, snoozes, pagesToMe, severityCounts, hasMore, loadingMore, moreError } = useAlerts();
  // Ages and snooze ends move with time, not only with events.
  const now = useNow(30_000);
  const [showSnoozed, setShowSnoozed] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const zoneOf = useMemo(() => new Map(clinics.map((c) => [c.id, c.timeZone])), [clinics]);
  const seenKeys = useSeenAlerts();

  const nowIso = new Date(now).toISOString();
  const notSnoozed = alerts.filter((a) => !isSnoozed(a, snoozes, nowIso));
  const snoozedCount = alerts.length - notSnoozed.length;
  // The store keeps compareAlertsForList's order, so incidents come out led by their most severe, most recently raised alert.
  const listed = groupAlertIncidents(showSnoozed ? alerts : notSnoozed);
  const criticalListed = listed.filter((incident) => incident.lead.severity === 'critical');
  // Critical incidents, acknowledged ones too: a patient at risk stays in sight until the alert is resolved. Past the limit the ones
  // nobody acknowledged yet come first.
  const criticalShown =
    compactLimit === undefined || criticalLimit === undefined || criticalListed.length <= criticalLimit
      ? criticalListed
      : [...criticalListed.filter(hasOpenAlert), ...criticalListed.filter((incident) => !hasOpenAlert(incident))].slice(0, criticalLimit);
  const shown =
    compactLimit === undefined
      ? listed
      : [...criticalShown, ...listed.filter((incident, i) => incident.lead.severity !== 'critical' && i < compactLimit)];
  const criticalCut = criticalListed.length - criticalShown.length;
  // Every alert of the clinics per severity (the server's counts, live), less the loaded ones the user's snooze hides; what the cards
  // on screen hold, per severity.
  const hiddenSnoozed = showSnoozed ? loadedCountsOf([]) : loadedCountsOf(alerts.filter((a) => isSnoozed(a, snoozes, nowIso)));
  const counted = severityCounts ?? loadedCountsOf(alerts);
  const counts = Object.fromEntries(ALERT_SEVERITIES.map((s) => [s, Math.max(0, counted[s] - hiddenSnoozed[s])])) as AlertSeverityCounts;
  const onScreen = loadedCountsOf(shown.flatMap((incident) => incident.alerts));
  // Not loaded yet: the server's count less every alert the store holds.
  const moreOnServer = Math.max(0, ALERT_SEVERITIES.reduce((sum, s) => sum + counted[s], 0) - alerts.length);
  const Heading = headingLevel === 1 ? 'h1' : 'h2';

  return (
    <section className="panel alerts-panel" aria-labelledby="alerts-title" data-testid="alerts-panel" aria-busy={status === 'loading'}>
      <div className="page-head">
        <Heading id="alerts-title" tabIndex={-1}>
          Alerts
        </Heading>
        <ul className="counts" aria-label="Open and acknowledged alerts by severity, shown or not">
          {[...ALERT_SEVERITIES]
            .reverse()
            .filter((s) => counts[s] > 0)
            .map((s) => (
              <li key={s} className={`badge badge--alert-${s}`} data-testid={`alert-count-${s}`}>
                <span aria-hidden="true">{ALERT_SEVERITY_LABEL[s].icon}</span> {ALERT_SEVERITY_LABEL[s].text}: {formatCount(counts[s])}
              </li>
            ))}
        </ul>
      </div>
      {status === 'ready' && ALERT_SEVERITIES.some((s) => counts[s] > 0) && (
        <p className="alerts-panel__shown" data-testid="alerts-shown">
          {shownText(onScreen, counts)}
        </p>
      )}
      <p className="visually-hidden" role="status" data-testid="alerts-announcement">
        {announcement}
      </p>
      <NoOneOnCallBanner />
      {error && (
        <div className="notice notice--error" role="alert">
          Could not load the alerts: {error}{' '}
          <button type="button" className="button button--quiet" onClick={reloadAlerts}>
            Try again
          </button>
        </div>
      )}
      {status === 'loading' && alerts.length === 0 && (
        <p className="muted" role="status">
          Loading the alerts…
        </p>
      )}
      {criticalCut > 0 && (
        <p className="notice notice--danger alerts-panel__critical-cut" data-testid="alerts-critical-cut">
          <span aria-hidden="true">{ALERT_SEVERITY_LABEL.critical.icon}</span> {formatCount(criticalListed.length)} critical incidents:{' '}
          {formatCount(criticalShown.length)} shown here, unacknowledged first.{' '}
          <Link to="/alerts" data-testid="alerts-critical-cut-link">
            See all {formatCount(criticalListed.length)} on the alerts page
          </Link>
        </p>
      )}
      {shown.length > 0 && (
        <ul
          className="alert-list"
          aria-label="Open and acknowledged alerts by incident, most severe first, then most recently raised"
          data-testid="alert-list"
        >
          {shown.map((incident) => (
            <AlertIncidentCard
              key={incident.key}
              incident={incident}
              seenKeys={seenKeys}
              timeZone={zoneOf.get(incident.lead.clinicId) ?? 'UTC'}
              nowMs={now}
              snoozedUntilOf={(a) => (isSnoozed(a, snoozes, nowIso) ? (snoozes.get(a.id)?.snoozedUntil ?? null) : null)}
              pageToMeOf={(a) => pagesToMe.get(a.id)}
              compact={compactLimit !== undefined}
              onAnnounce={setAnnouncement}
            />
          ))}
        </ul>
      )}
      {status === 'ready' && listed.length === 0 && (
        <p className="muted" data-testid="no-alerts">
          <span aria-hidden="true">✓ </span>No open alerts{snoozedCount > 0 ? ' besides the ones you snoozed' : ''}.
        </p>
      )}
      {moreError && (
        <div className="notice notice--error" role="alert">
          Could not load more alerts: {moreError}{' '}
          <button type="button" className="button button--quiet" onClick={() => void loadMoreAlerts()}>
            Try again
          </button>
        </div>
      )}
      <div className="alerts-panel__foot">
        {compactLimit !== undefined && (shown.length < listed.length || moreOnServer > 0) && (
          <Link to="/alerts" data-testid="all-alerts-link">
            {moreOnServer > 0
              ? `Show all ${formatCount(ALERT_SEVERITIES.reduce((sum, s) => sum + counts[s], 0))} alerts`
              : `Show all ${listed.length} incidents`}
          </Link>
        )}
        {compactLimit === undefined && hasMore && (
          <button
            type="button"
            className="button"
            onClick={() => void loadMoreAlerts()}
            disabled={loadingMore}
            aria-busy={loadingMore}
            data-testid="alerts-show-more"
          >
            {loadingMore ? 'Loading more alerts…' : `Show ${formatCount(Math.max(1, Math.min(ALERT_PAGE_SIZE, moreOnServer)))} more`}
          </button>
        )}
        {compactLimit === undefined && hasMore && moreOnServer > 0 && (
          // At the end of a long list the heading's count is out of sight: say here how many are still to come.
          <span className="muted" data-testid="alerts-not-loaded">
            {formatCount(moreOnServer)} more not shown yet
          </span>
        )}
        {snoozedCount > 0 && (
          <button
            type="button"
            className="button button--quiet"
            aria-pressed={showSnoozed}
            onClick={() => setShowSnoozed(!showSnoozed)}
            data-testid="show-snoozed"
          >
            Show the {snoozedCount} alert{snoozedCount === 1 ? '' : 's'} you snoozed
          </button>
        )}
      </div>
    </section>
  );
}

const formatCount = (n: number) => n.toLocaleString('en-US');

const hasOpenAlert = (incident: { alerts: readonly Alert[] }) => incident.alerts.some((a) => a.status === 'open');

/**
 * "Showing 100 of 1,345 alerts: all 12 critical, 88 of 1,067 urgent, 0 of 266 warning." (most severe first), or "Showing all 40
 * alerts." once every one is on screen: a nurse sees at once that the list goes on, and in which severity.
 */
export function shownText(onScreen: AlertSeverityCounts, total: AlertSeverityCounts): string {
  const present = [...ALERT_SEVERITIES].reverse().filter((s) => total[s] > 0);
  const shownSum = present.reduce((sum, s) => sum + Math.min(onScreen[s], total[s]), 0);
  const totalSum = present.reduce((sum, s) => sum + total[s], 0);
  if (shownSum >= totalSum) return totalSum === 1 ? 'Showing the only alert.' : `Showing all ${formatCount(totalSum)} alerts.`;
  const parts = present.map((s) => {
    const shownOfSeverity = Math.min(onScreen[s], total[s]);
    if (shownOfSeverity < total[s]) return `${formatCount(shownOfSeverity)} of ${formatCount(total[s])} ${s}`;
    return total[s] === 1 ? `the 1 ${s}` : `all ${formatCount(total[s])} ${s}`;
  });
  return `Showing ${formatCount(shownSum)} of ${formatCount(totalSum)} alerts: ${parts.join(', ')}.`;
}
