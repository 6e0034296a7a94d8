// The header's user menu: who is signed in and in which role, with "Change password" and "Sign out" one click away.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useSession } from './session-store';
import { describeRoles } from './role-labels';
import { useClinics } from '../clinics/use-clinics';
import { CHANGE_PASSWORD_PATH } from './safe-next';

export function UserMenu() {
  const { user, signOut } = useSession();
  const { clinics } = useClinics(user?.id);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  if (!user) return null;
  const roles = describeRoles(user, clinics);

  async function onSignOut() {
    setBusy(true);
    setError(undefined);
    try {
      // The store then leaves the protected pages, which send us to the sign-in page.
      await signOut();
    } catch (err) {
      // Staying visibly signed in is safer than pretending: the session would still be valid on the server.
      setError(`Could not sign out: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="user-menu" data-testid="user-menu" role="group" aria-label="Signed-in user">
      <div className="user-menu__who">
        <span className="user-menu__name" data-testid="user-name">
          {user.displayName}
        </span>
        <span className="user-menu__roles" data-testid="user-roles">
          {roles.join(' · ')}
        </span>
      </div>
      <Link to={CHANGE_PASSWORD_PATH} className="user-menu__link" data-testid="change-password-link">
        Change password
      </Link>
      <button type="button" className="button button--header" onClick={() => void onSignOut()} disabled={busy} data-testid="sign-out">
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
      {error && (
        <p className="user-menu__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
