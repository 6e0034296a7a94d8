// Alerts panel: the user's open and acknowledged alerts, most severe then longest waiting first, live without reload.
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { ALERT_SEVERITIES, type AlertSeverity } from '@pumpwatch/shared';
import { useNow } from '../../lib/use-now';
import { useSession } from '../auth/session-store';
import { useClinics } from '../clinics/use-clinics';
import { isSnoozed, reloadAlerts, useAlerts } from './alerts-store';
import { ALERT_SEVERITY_LABEL } from './alert-labels';
import { AlertItem } from './alert-item';
import { NoOneOnCallBanner } from './no-one-on-call-banner';

interface AlertsPanelProps {
  /** On the fleet page: dense cards, every critical alert, then others up to this many, and a link to the full list. */
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

  const nowIso = new Date(now).toISOString();
  const notSnoozed = alerts.filter((a) => !isSnoozed(a, snoozes, nowIso));
  const snoozedCount = alerts.length - notSnoozed.length;
  const listed = showSnoozed ? alerts : notSnoozed;
  const shown = compactLimit === undefined
    ? listed
    // Every critical alert, acknowledged ones too: a patient at risk stays in sight until the alert is resolved.
    : listed.filter((a, i) => a.severity === 'critical' || i < compactLimit);
  const counts = new Map<AlertSeverity, { open: number; all: number }>();
  for (const a of notSnoozed) {
    const c = counts.get(a.severity) ?? { open: 0, all: 0 };
    c.all++;
    if (a.status === 'open') c.open++;
    counts.set(a.severity, c);
  }
  const Heading = headingLevel === 1 ? 'h1' : 'h2';

  return (
    <section className="panel alerts-panel" aria-labelledby="alerts-title" data-testid="alerts-panel" aria-busy={status === 'loading'}>
      <div className="page-head">
        <Heading id="alerts-title" tabIndex={-1}>Alerts</Heading>
        <ul className="counts" aria-label="Alerts by severity (open / all)">
          {[...ALERT_SEVERITIES].reverse().filter((s) => counts.has(s)).map((s) => (
            <li key={s} className={`badge badge--alert-${s}`} data-testid={`alert-count-${s}`}>
              <span aria-hidden="true">{ALERT_SEVERITY_LABEL[s].icon}</span> {ALERT_SEVERITY_LABEL[s].text}: {counts.get(s)!.open} open / {counts.get(s)!.all}
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
        <ul className="alert-list" aria-label="Open and acknowledged alerts, most severe first, then longest waiting" data-testid="alert-list">
          {shown.map((a) => (
            <AlertItem
              key={a.id}
              alert={a}
              timeZone={zoneOf.get(a.clinicId) ?? 'UTC'}
              nowMs={now}
              snoozedUntil={isSnoozed(a, snoozes, nowIso) ? (snoozes.get(a.id)?.snoozedUntil ?? null) : null}
              pageToMe={pagesToMe.get(a.id)}
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
          <Link to="/alerts" data-testid="all-alerts-link">Show all {listed.length} alerts</Link>
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
