// The current instant, re-read on a timer, so countdowns move between server events.
import { useEffect, useState } from 'react';

/** Milliseconds since the epoch, refreshed every `everyMs` (a minute is enough for days-left figures). */
export function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
