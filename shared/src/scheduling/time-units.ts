// Millisecond lengths used by the scheduling rules (internal; days are exact 24 h, as in the alert rules).
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
