// Urgency shown by colour AND by icon and text, so it never depends on colour vision.
import type { Urgency } from '@pumpwatch/shared';
import { URGENCY_LABEL } from '../../lib/format';

/**
 * The urgency's icon. Withdrawal risk is drawn (a "no entry" sign) rather than typed: the ⛔ character is missing from many
 * fonts (it showed as an empty box on Linux Chromium), and this icon must never be a blank.
 */
export function UrgencyIcon({ urgency }: { urgency: Urgency }) {
  if (urgency === 'delivery_interrupted') return <StopIcon />;
  return <span aria-hidden="true">{URGENCY_LABEL[urgency].icon}</span>;
}

export function StopIcon() {
  return (
    <svg className="stop-icon" viewBox="0 0 16 16" width="1em" height="1em" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="7" fill="#ffffff" stroke="currentColor" strokeWidth="1.5" />
      <circle cx="8" cy="8" r="5.6" fill="#a50f15" />
      <rect x="3.6" y="6.7" width="8.8" height="2.6" rx="0.4" fill="#ffffff" />
    </svg>
  );
}

export function UrgencyBadge({ urgency }: { urgency: Urgency }) {
  return (
    <span className={`badge badge--${urgency}`} data-testid="urgency-badge" data-urgency={urgency}>
      <UrgencyIcon urgency={urgency} /> {URGENCY_LABEL[urgency].text}
    </span>
  );
}
