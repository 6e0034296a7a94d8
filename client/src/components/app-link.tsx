// Links to dashboard pages in long lists (fleet rows, alert cards) that never re-render when the URL changes: a plain anchor whose
// ordinary click goes through the router. A router <Link> reads the location, so each one re-rendered on every change of the URL's
// query (the fleet filter's text, an urgency chip, the sort): thousands of them with a 5,000-pump fleet's alert cards.
import { createContext, useCallback, useContext, useLayoutEffect, useRef, type AnchorHTMLAttributes, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';

const NavigateTo = createContext<((to: string) => void) | null>(null);

/** Hands AppLink the router's navigate under one identity for the life of the app (its own renders follow the location). */
export function AppLinkProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const latest = useRef(navigate);
  useLayoutEffect(() => {
    latest.current = navigate;
  }, [navigate]);
  const navigateTo = useCallback((to: string) => void latest.current(to), []);
  return <NavigateTo.Provider value={navigateTo}>{children}</NavigateTo.Provider>;
}

/** `to`: an absolute dashboard path, e.g. `/pumps/<id>`. */
export function AppLink({ to, onClick, ...anchor }: Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string }) {
  const navigateTo = useContext(NavigateTo);
  return (
    <a
      {...anchor}
      href={to}
      onClick={(event) => {
        onClick?.(event);
        // A new tab or window (modifier keys, another button, a target) stays the browser's, as with a router Link.
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
        if (!navigateTo || (anchor.target && anchor.target !== '_self')) return;
        event.preventDefault();
        navigateTo(to);
      }}
    />
  );
}
