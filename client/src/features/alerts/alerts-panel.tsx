// Alerts panel: the user's open and acknowledged alerts as incidents (one card per pump per cause), most severe then most recently
// raised first, a critical raise nobody looked at marked "new"; live without reload.
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { ALERT_SEVERITIES, groupAlertIncidents, type AlertSeverity } from '@pumpwatch/shared';
import { useNow } from '../../lib/use-now';
import { useSession } from '../auth/session-store';
import { useClinics } from '../clinics/use-clinics';
import { isSnoozed, reloadAlerts, useAlerts } from './alerts-store';
import { ALERT_SEVERITY_LABEL } from './alert-labels';
import { AlertIncidentCard } from './alert-incident';
import { useSeenAlerts } from './alert-seen';
import { NoOneOnCallBanner } from './no-one-on-call-banner';

interface AlertsPanelProps {
  /** On the fleet page: dense cards, every critical incident, then others up to this many, and a link to the full list. */
  compactLimit?: number;
  headingLevel?: 1 | 2;
}

export function AlertsPanel({ compactLimit, headingLevel = 2 }: AlertsPanelProps) {
  const { user } = useSession();
  const { clinics } = useClinics(user?.id);
  const { status, error, alerts, snoozes, pagesToMe } = useAlerts();
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
  const shown = compactLimit === undefined
    ? listed
    // Every critical incident, acknowledged ones too: a patient at risk stays in sight until the alert is resolved.
    : listed.filter((incident, i) => incident.lead.severity === 'critical' || i < compactLimit);
  // Counted by incident (a card), at the severity of its lead alert; open: at least one of its alerts waits for an acknowledgement.
  const counts = new Map<AlertSeverity, { open: number; all: number }>();
  for (const incident of groupAlertIncidents(notSnoozed)) {
    const c = counts.get(incident.lead.severity) ?? { open: 0, all: 0 };
    c.all++;
    if (incident.alerts.some((a) => a.status === 'open')) c.open++;
    counts.set(incident.lead.severity, c);
  }
  const Heading = headingLevel === 1 ? 'h1' : 'h2';

  return (
    <section className="panel alerts-panel" aria-labelledby="alerts-title" data-testid="alerts-panel" aria-busy={status === 'loading'}>
      <div className="page-head">
        <Heading id="alerts-title" tabIndex={-1}>Alerts</Heading>
        <ul className="counts" aria-label="Incidents by severity (open / all); an incident is one card: a pump's alerts of one cause">
          {[...ALERT_SEVERITIES].reverse().filter((s) => counts.has(s)).map((s) => (
            <li key={s} className={`badge badge--alert-${s}`} data-testid={`alert-count-${s}`}>
              <span aria-hidden="true">{ALERT_SEVERITY_LABEL[s].icon}</span> {ALERT_SEVERITY_LABEL[s].text}: {counts.get(s)!.open} open / {counts.get(s)!.all} incident{counts.get(s)!.all === 1 ? '' : 's'}
            </li>
          ))}
        </ul>
      </div>
      <p className="visually-hidden" role="status" data-testid="alerts-announcement">{announcement}</p>
      <NoOneOnCallBanner />
      {error && (
        <div className="notice notice--error" role="alert">
          Could not load the alerts: {error}{' '}
          <button type="button" className="button button--quiet" onClick={reloadAlerts}>Try again</button>
        </div>
      )}
      {status === 'loading' && alerts.length === 0 && <p className="muted" role="status">Loading the alerts…</p>}
      {shown.length > 0 && (
        <ul className="alert-list" aria-label="Open and acknowledged alerts by incident, most severe first, then most recently raised" data-testid="alert-list">
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
      <div className="alerts-panel__foot">
        {shown.length < listed.length && (
          <Link to="/alerts" data-testid="all-alerts-link">Show all {listed.length} incidents</Link>
        )}
        {snoozedCount > 0 && (
          <button type="button" className="button button--quiet" aria-pressed={showSnoozed} onClick={() => setShowSnoozed(!showSnoozed)} data-testid="show-snoozed">
            Show the {snoozedCount} alert{snoozedCount === 1 ? '' : 's'} you snoozed
          </button>
        )}
      </div>
    </section>
  );
}
