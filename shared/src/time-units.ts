// Exact lengths of time in milliseconds: a "day" here is 24 h (deadlines, margins, horizons); calendar days in a zone go through luxon.
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
