// An alert's paging history (who was paged, when, how, with what outcome), read when the user opens it.
import { useState } from 'react';
import type { AlertPages, Page, PageStatus } from '@pumpwatch/shared';
import { api, ApiError } from '../../lib/api';
import { formatInstant } from '../../lib/format';

const STATUS_TEXT: Record<PageStatus, string> = { queued: 'queued', sent: 'sent', failed: 'failed', cancelled: 'cancelled' };
const NOTIFIER_TEXT: Record<Page['notifier'], string> = {
  in_app: 'in-app',
  webhook: 'pager webhook',
  email: 'e-mail',
  pagerduty: 'PagerDuty',
  opsgenie: 'Opsgenie',
  none: 'nobody reachable',
};

export function AlertPagesDisclosure({ alertId, timeZone }: { alertId: string; timeZone: string }) {
  const [pages, setPages] = useState<AlertPages | null>(null);
  const [error, setError] = useState<string | null>(null);

  function onToggle(open: boolean) {
    if (!open) return;
    // Read afresh at each opening: escalation moves on while the alert waits.
    api.getAlertPages(alertId).then(
      (answer) => {
        setPages(answer);
        setError(null);
      },
      (err: unknown) =>
        setError(
          err instanceof ApiError && err.status === 404
            ? 'No paging record is available for this alert.'
            : `Could not load the pages: ${err instanceof Error ? err.message : String(err)}`,
        ),
    );
  }

  return (
    <details className="alert-pages" onToggle={(e) => onToggle((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>Paging</summary>
      {error && <p className="muted">{error}</p>}
      {!error && !pages && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {pages && (
        <>
          {pages.escalation?.noOneOnCall && <p className="muted">No one was on call: paging started at the next level.</p>}
          {pages.escalation?.stoppedAt && (
            <p className="muted">
              Escalation stopped {formatInstant(pages.escalation.stoppedAt, timeZone)} ({pages.escalation.stopReason?.replace('_', ' ')}).
            </p>
          )}
          {pages.pages.length === 0 ? (
            <p className="muted">No page sent{pages.escalation === null ? ' (this alert does not page)' : ' yet'}.</p>
          ) : (
            <ul className="plain">
              {pages.pages.map((p) => (
                <li key={p.id} data-testid="alert-page">
                  {formatInstant(p.sentAt ?? p.createdAt, timeZone)} ·{' '}
                  {p.recipient?.displayName ?? (p.notificationChannelId ? "the service's own on-call" : 'nobody')} ·{' '}
                  {NOTIFIER_TEXT[p.notifier]} · <strong>{STATUS_TEXT[p.status]}</strong>
                  {p.lastError && <span className="muted"> ({p.lastError})</span>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </details>
  );
}
