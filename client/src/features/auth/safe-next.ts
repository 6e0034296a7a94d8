// Where sign-in may send the user back to: only a path of this dashboard, never another site (open redirect).
export const SIGN_IN_PATH = '/sign-in';
export const CHANGE_PASSWORD_PATH = '/account/password';

/** `next` when it is a same-origin relative path ('/pumps/1?x=y'), else '/'. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // Browsers drop tabs and newlines inside URLs, which would turn '/\t/evil.example' into '//evil.example'.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u001f\u007f]/.test(next)) return '/';
  // Back to the sign-in page itself would just show the form again.
  if (next === SIGN_IN_PATH || next.startsWith(`${SIGN_IN_PATH}?`)) return '/';
  return next;
}

/** `/sign-in?next=<here>` (or the bare page when `here` is the start page). */
export function signInPathFor(here: string): string {
  const next = safeNext(here);
  return next === '/' ? SIGN_IN_PATH : `${SIGN_IN_PATH}?next=${encodeURIComponent(next)}`;
}
