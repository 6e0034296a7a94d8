// The pages a clinician sees when opening an acknowledge link on a phone: plain HTML, no script (the CSP allows none), no patient data.
import type { AcknowledgeLinkResult } from '@pumpwatch/shared';
import type { LinkPreview } from './acknowledge-links.service';

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const kindLabel = (kind: string | null): string => (kind ?? 'alert').replace(/_/g, ' ');

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escape(title)} - PumpWatch</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
button{font-size:1.2rem;padding:.8rem 1.6rem;border-radius:.4rem;border:0;background:#b00020;color:#fff}
.critical{color:#b00020}.muted{color:#555}</style></head>
<body><h1>${escape(title)}</h1>${body}</body></html>`;
}

/** GET: says what the link would acknowledge and asks for a deliberate press (a link previewer fetching it changes nothing). */
export function confirmationPage(preview: LinkPreview, token: string): string {
  if (preview.state === 'unknown')
    return layout('Unknown link', '<p>This acknowledge link is not known. Open the PumpWatch dashboard to acknowledge the alert.</p>');
  const what =
    `<p><strong class="${preview.severity === 'critical' ? 'critical' : ''}">${escape(preview.severity ?? '')} ${escape(kindLabel(preview.kind))}</strong>` +
    ` alert${preview.clinicName ? ` in ${escape(preview.clinicName)}` : ''}${preview.recipient ? `, paged to ${escape(preview.recipient)}` : ''}.</p>`;
  if (preview.state === 'used')
    return layout(
      'Link already used',
      `${what}<p>This link was used at ${escape(preview.usedAt?.toISOString() ?? '')}. Each link works once.</p>`,
    );
  if (preview.state === 'expired')
    return layout(
      'Link expired',
      `${what}<p>This link expired at ${escape(preview.expiresAt?.toISOString() ?? '')}. Acknowledge from the dashboard or a later page.</p>`,
    );
  if (preview.alertStatus !== 'open')
    return layout(`Alert already ${preview.alertStatus ?? 'closed'}`, `${what}<p>Nothing left to acknowledge.</p>`);
  return layout(
    'Acknowledge this alert?',
    `${what}
<p class="muted">Acknowledging stops the escalation: nobody else will be paged for this alert. Use it only if you are taking care of it.</p>
<form method="post" action="/api/alerts/acknowledge-link"><input type="hidden" name="token" value="${escape(token)}">
<button type="submit">Acknowledge</button></form>`,
  );
}

export function resultPage(result: AcknowledgeLinkResult): string {
  const title =
    result.outcome === 'acknowledged'
      ? 'Alert acknowledged'
      : result.outcome === 'already_resolved'
        ? 'Alert already resolved'
        : 'Alert already acknowledged';
  const by = result.acknowledgedBy ? ` by ${escape(result.acknowledgedBy)}` : '';
  const at = result.acknowledgedAt ? ` at ${escape(result.acknowledgedAt)}` : '';
  return layout(
    title,
    `<p>${escape(result.severity)} ${escape(kindLabel(result.kind))} alert: ${escape(result.status)}${by}${at}.</p>
<p class="muted">Escalation has stopped. Open the PumpWatch dashboard for the patient and the next steps.</p>`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(title, `<p>${escape(message)}</p>`);
}
