// The dashboard's query cache (@tanstack/react-query): reads keyed by what they ask, kept current by socket events, not refetches.
import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api';

/** A read that failed for the network or a 5xx is tried again once; a 4xx says something a retry would not change. */
function retryOnce(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 1;
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Live views patch their cache from pump.changed and alert events; focus or remount never refetches on its own.
      staleTime: Infinity,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
      retry: retryOnce,
    },
  },
});
