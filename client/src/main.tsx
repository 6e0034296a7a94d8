// Browser entry: loads the session, then mounts the dashboard with its router.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { z } from 'zod';
import { App } from './app';
import { startSession } from './features/auth/session-store';
import './styles.css';

// The CSP forbids eval: zod would probe for it (a reported violation) before falling back to plain validation.
z.config({ jitless: true });
startSession();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
