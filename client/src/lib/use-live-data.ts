// Loads data once, then refetches (debounced) whenever the server pushes pump.changed: live without polling.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PumpChangedEvent } from '@pumpwatch/shared';
import { subscribePumpChanged } from './socket';

const LIVE_DEBOUNCE_MS = 100;

export interface LiveData<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * `load` runs now, whenever `key` changes, and ~100 ms after the last matching pump.changed event.
 * `matches` narrows the events that matter (e.g. one pump); every event matters by default.
 */
export function useLiveData<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  matches?: (event: PumpChangedEvent) => boolean,
): LiveData<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  const matchesRef = useRef(matches);
  loadRef.current = load;
  matchesRef.current = matches;
  const seq = useRef(0);
  const inflight = useRef<AbortController | null>(null);

  const run = useCallback(() => {
    inflight.current?.abort();
    const controller = new AbortController();
    inflight.current = controller;
    const mine = ++seq.current;
    setLoading(true);
    loadRef.current(controller.signal).then(
      (value) => {
        if (mine !== seq.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (mine !== seq.current || controller.signal.aborted) return;
        setError(err instanceof Error ? err : new Error(String(err)));
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    run();
    return () => inflight.current?.abort();
  }, [key, run]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribePumpChanged((event) => {
      if (event && matchesRef.current && !matchesRef.current(event)) return;
      clearTimeout(timer);
      timer = setTimeout(run, LIVE_DEBOUNCE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [run]);

  return { data, error, loading, reload: run };
}
