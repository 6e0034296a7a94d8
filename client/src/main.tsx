// Browser entry: loads the session, then mounts the dashboard with its router.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { QueryClientProvider } from '@tanstack/react-query';
import { z } from 'zod';
import { App } from './app';
import { startSession } from './features/auth/session-store';
import { startFleetLiveUpdates } from './features/fleet/fleet-live';
import { queryClient } from './lib/query-client';
import './styles.css';

// The CSP forbids eval: zod would probe for it (a reported violation) before falling back to plain validation.
z.config({ jitless: true });
startSession();
startFleetLiveUpdates(queryClient);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
