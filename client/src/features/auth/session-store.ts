// The signed-in session (GET /api/auth/me) as one store the whole dashboard reads: sign-in, sign-out, expiry.
import { useSyncExternalStore } from 'react';
import type { LoginRequest, Session, User } from '@pumpwatch/shared';
import { api, ApiError, setCsrfToken, setSessionListeners } from '../../lib/api';
import { closeLiveSocket, isLiveSocketOpen, openLiveSocket, setSocketSessionCheck } from '../../lib/socket';

/** `unreachable`: the server did not answer, so we cannot tell whether anyone is signed in. */
export type SessionStatus = 'loading' | 'signed-in' | 'signed-out' | 'unreachable';
/** Why nobody is signed in: decides whether sign-in offers the way back to the page the user was on. */
export type SignedOutBecause = 'not-signed-in' | 'expired' | 'signed-out';

export interface SessionState {
  status: SessionStatus;
  session: Session | null;
  signedOutBecause: SignedOutBecause | null;
}

/** setTimeout holds at most 2^31-1 ms; longer sessions are checked again at that point. */
const MAX_TIMER_MS = 2_147_483_647;
/** Checked a moment after expiresAt, so the server agrees it has ended. */
const EXPIRY_MARGIN_MS = 1_000;

let state: SessionState = { status: 'loading', session: null, signedOutBecause: null };
const listeners = new Set<() => void>();
let inflight: Promise<Session | null> | null = null;
let expiryTimer: ReturnType<typeof setTimeout> | undefined;
/** Bumped by every sign-in and sign-out, so a /me answer that was already on its way cannot undo them. */
let epoch = 0;

function publish(next: SessionState): void {
  state = next;
  for (const l of listeners) l();
}

function scheduleExpiryCheck(session: Session): void {
  clearTimeout(expiryTimer);
  const inMs = Date.parse(session.expiresAt) - Date.now() + EXPIRY_MARGIN_MS;
  if (Number.isNaN(inMs)) return;
  // An idle dashboard must still go back to sign-in when its session ends, not only at the next click.
  expiryTimer = setTimeout(() => void refreshSession(), Math.max(0, Math.min(inMs, MAX_TIMER_MS)));
}

function becomeSignedIn(session: Session): void {
  const previousUserId = state.session?.user.id;
  // The access token is for API clients; the dashboard relies on the httpOnly cookie and keeps no bearer secret.
  const kept: Session = { expiresAt: session.expiresAt, user: session.user, csrfToken: session.csrfToken };
  setCsrfToken(kept.csrfToken);
  scheduleExpiryCheck(kept);
  publish({ status: 'signed-in', session: kept, signedOutBecause: null });
  // A new user gets a fresh socket, which the server joins to that user's clinic rooms only.
  if (previousUserId !== kept.user.id || !isLiveSocketOpen()) openLiveSocket();
}

function becomeSignedOut(because: SignedOutBecause): void {
  clearTimeout(expiryTimer);
  setCsrfToken(null);
  closeLiveSocket();
  publish({ status: 'signed-out', session: null, signedOutBecause: because });
}

/** Asks the server who is signed in; signs out locally when it no longer knows the session. */
export function refreshSession(): Promise<Session | null> {
  if (inflight) return inflight;
  const asked = epoch;
  inflight = api
    .me()
    .then(
      (session) => {
        if (asked !== epoch) return state.session;
        becomeSignedIn(session);
        return session;
      },
      (err: unknown) => {
        if (asked !== epoch) return state.session;
        if (err instanceof ApiError && err.status === 401) {
          if (state.status !== 'signed-out') becomeSignedOut(state.status === 'signed-in' ? 'expired' : 'not-signed-in');
          return null;
        }
        // The server is unreachable: keep a known session (the connection indicator shows offline), else say so.
        if (state.status === 'loading' || state.status === 'unreachable')
          publish({ status: 'unreachable', session: null, signedOutBecause: null });
        return state.session;
      },
    )
    .finally(() => {
      inflight = null;
    });
  return inflight;
}

export async function signIn(credentials: LoginRequest): Promise<Session> {
  const session = await api.login(credentials);
  epoch++;
  becomeSignedIn(session);
  return session;
}

export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } catch (err) {
    // Already gone on the server: signed out all the same.
    if (!(err instanceof ApiError && err.status === 401)) throw err;
  }
  epoch++;
  becomeSignedOut('signed-out');
}

/** Wires the API client and the socket to this store and loads the session; call once at start. */
export function startSession(): void {
  setSessionListeners({
    // A 401 from any call means the session may have ended: confirm with /me (which also redirects) rather than guess.
    unauthenticated: () => {
      if (state.status === 'signed-in') void refreshSession();
    },
    passwordChangeRequired: () => void refreshSession(),
  });
  setSocketSessionCheck(async () => (await refreshSession()) !== null);
  void refreshSession();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Which clinics the user sees, and in which role, as one string: it changes when an administrator gives or changes a clinic role
 * (the server then ends the socket, and the session re-read on reconnect carries the new roles), so views keyed on it re-read.
 */
export function clinicScopeKey(user: Pick<User, 'administersAllClinics' | 'clinicRoles'> | null): string {
  if (!user) return '';
  const roles = user.clinicRoles.map((r) => `${r.clinicId}:${r.role}`).sort();
  return `${user.administersAllClinics ? 'all' : 'some'}|${roles.join(',')}`;
}

export function useSession() {
  const current = useSyncExternalStore(
    subscribe,
    () => state,
    () => state,
  );
  return {
    ...current,
    user: current.session?.user ?? null,
    loading: current.status === 'loading',
    signIn,
    signOut,
    refresh: refreshSession,
  };
}
