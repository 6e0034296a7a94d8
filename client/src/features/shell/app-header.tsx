// The dashboard's header: one row of daily pages, on-call status, live state, alarm mute and user; a second row for administration.
// Below 700 px it is one bar (logo, critical count, on call, menu button) and the rest opens from the menu button.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { useConnectionState } from '../../lib/socket';
import { UserMenu } from '../auth/user-menu';
import { useSession } from '../auth/session-store';
import { MuteToggle } from '../alerts/mute-toggle';
import { OnCallNowLine } from '../on-call/on-call-now-line';
import { AdminNav, CriticalCount, PrimaryNav } from './main-nav';
import './shell.css';

function ConnectionIndicator() {
  const state = useConnectionState();
  const text = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Offline — reconnecting';
  return (
    <span className={`connection connection--${state}`} data-testid="connection-status" data-state={state} role="status" aria-live="polite">
      <span className="connection__dot" aria-hidden="true">
        {state === 'live' ? '●' : '○'}
      </span>{' '}
      {text}
    </span>
  );
}

/**
 * Calls `onNavigate` when another page opens. The header itself does not read the location: a page's query change (the fleet
 * filter's text in the URL) re-renders its links, not the whole header.
 */
function OnPageChange({ onNavigate }: { onNavigate: () => void }) {
  const { pathname } = useLocation();
  useEffect(() => onNavigate(), [pathname, onNavigate]);
  return null;
}

/** `fullyIn`: signed in with no forced password change pending; until then only the user menu is offered. */
export function AppHeader({ fullyIn }: { fullyIn: boolean }) {
  const { user } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const menuId = useId();
  const menuRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  // A link followed from the menu closes it: the page chosen is what the person wants to see.
  const closeMenu = useCallback(() => setMenuOpen(false), []);

  useEffect(() => {
    if (!menuOpen) return;
    // Opened: keyboard and screen-reader focus goes to the first entry of the menu.
    menuRef.current?.querySelector<HTMLElement>('a[href], button:not([disabled])')?.focus();
    function onKey(event: KeyboardEvent) {
      if (event.key !== 'Escape') return;
      setMenuOpen(false);
      buttonRef.current?.focus();
    }
    function onPointer(event: PointerEvent) {
      const target = event.target as Node;
      if (menuRef.current?.contains(target) || buttonRef.current?.contains(target)) return;
      setMenuOpen(false);
    }
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [menuOpen]);

  return (
    <header className="app-header" data-menu-open={menuOpen}>
      <OnPageChange onNavigate={closeMenu} />
      <Link to="/" className="brand">
        <span aria-hidden="true">◉</span> <span className="brand__name">PumpWatch</span>
      </Link>
      {fullyIn && <CriticalCount />}
      {/* Who is on call now, or "No one on call" in red: in the bar on every page and for every role. */}
      {fullyIn && (
        <div className="app-header__on-call">
          <OnCallNowLine />
        </div>
      )}
      {user && (
        <button
          ref={buttonRef}
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls={menuId}
          onClick={() => setMenuOpen((open) => !open)}
          data-testid="header-menu-button"
        >
          <span aria-hidden="true">{menuOpen ? '✕' : '☰'}</span> Menu
        </button>
      )}
      {/* On a desk its children are laid out in the header's rows; on a phone it is the panel the menu button opens. */}
      <div id={menuId} ref={menuRef} className="app-header__menu" data-testid="header-menu">
        {fullyIn && <PrimaryNav />}
        {fullyIn && <ConnectionIndicator />}
        {fullyIn && <MuteToggle />}
        {fullyIn && <AdminNav />}
        {user && <UserMenu />}
      </div>
    </header>
  );
}
