// Urgency shown by colour AND by icon and text, so it never depends on colour vision.
import type { Urgency } from '@pumpwatch/shared';
import { URGENCY_LABEL } from '../../lib/format';

export function UrgencyBadge({ urgency }: { urgency: Urgency }) {
  const { icon, text } = URGENCY_LABEL[urgency];
  return (
    <span className={`badge badge--${urgency}`} data-testid="urgency-badge" data-urgency={urgency}>
      <span aria-hidden="true">{icon}</span> {text}
    </span>
  );
}
