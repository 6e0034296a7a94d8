// Route wrapper for every page behind sign-in: signed-out users go to sign-in with the way back; a forced password change comes first.
import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import type { RouteKey } from '@pumpwatch/shared';
import { useSession } from './session-store';
import { useCan } from './use-can';
import { CHANGE_PASSWORD_PATH, SIGN_IN_PATH, signInPathFor } from './safe-next';

export function RequireSession({ children }: { children?: ReactNode }) {
  const { status, session, signedOutBecause, refresh } = useSession();
  const location = useLocation();
  const here = `${location.pathname}${location.search}`;

  if (status === 'loading')
    return (
      <p className="muted" role="status">
        Checking your session…
      </p>
    );
  if (status === 'unreachable') {
    return (
      <div className="notice notice--error" role="alert">
        <p>The PumpWatch server cannot be reached, so we cannot check your session.</p>
        <button type="button" className="button" onClick={() => void refresh()}>
          Try again
        </button>
      </div>
    );
  }
  if (!session) {
    // After a deliberate sign-out there is no page to return to; after expiry the page is kept in `next`.
    return <Navigate to={signedOutBecause === 'signed-out' ? SIGN_IN_PATH : signInPathFor(here)} replace />;
  }
  if (session.user.mustChangePassword && location.pathname !== CHANGE_PASSWORD_PATH) {
    return <Navigate to={`${CHANGE_PASSWORD_PATH}?next=${encodeURIComponent(here)}`} replace />;
  }
  return children ?? <Outlet />;
}

/** Shows the page only when the role may use `route` (the API would refuse it anyway); says so otherwise. */
export function RequireCapability({ route, children }: { route: RouteKey; children: ReactNode }) {
  const allowed = useCan(route);
  if (!allowed) {
    return (
      <p className="notice notice--warn" role="alert" data-testid="not-allowed">
        Your role does not allow this page. Ask an administrator of your clinic if you need it.
      </p>
    );
  }
  return children;
}
