// Dashboard shell: header with the live/offline indicator, and the routes of each feature.
import { Link, NavLink, Route, Routes } from 'react-router-dom';
import { useConnectionState } from './lib/socket';
import { FleetPage } from './features/fleet/fleet-page';
import { PumpPage } from './features/pumps/pump-page';
import { AddPumpPage } from './features/pumps/add-pump-page';

function ConnectionIndicator() {
  const state = useConnectionState();
  const text = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Offline — reconnecting';
  return (
    <span className={`connection connection--${state}`} data-testid="connection-status" data-state={state} role="status" aria-live="polite">
      <span className="connection__dot" aria-hidden="true">{state === 'live' ? '●' : '○'}</span> {text}
    </span>
  );
}

export function App() {
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="app-header">
        <Link to="/" className="brand">
          <span aria-hidden="true">◉</span> PumpWatch
        </Link>
        <nav aria-label="Main">
          <NavLink to="/" end>Fleet</NavLink>
          <NavLink to="/pumps/new">Add pump</NavLink>
        </nav>
        <ConnectionIndicator />
      </header>
      <main id="main" className="app-main">
        <Routes>
          <Route path="/" element={<FleetPage />} />
          <Route path="/pumps/new" element={<AddPumpPage />} />
          <Route path="/pumps/:id" element={<PumpPage />} />
          <Route path="*" element={<p className="notice">Page not found. <Link to="/">Back to the fleet</Link></p>} />
        </Routes>
      </main>
    </>
  );
}
