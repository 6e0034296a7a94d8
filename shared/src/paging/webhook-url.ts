// Which webhook URLs PumpWatch posts pages to: https only, since a page carries an acknowledge link that is a credential.

export interface WebhookUrlRules {
  /** http:// to a loopback address only; an explicit option of the server (tests start their receiver on 127.0.0.1). */
  allowHttpLoopback: boolean;
}

export const WEBHOOK_URL_MAX_LENGTH = 2000;

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Why a URL cannot receive pages (the message a 422 names), or null when it can. */
export function webhookUrlRefusal(url: string, rules: WebhookUrlRules): string | null {
  if (url.length > WEBHOOK_URL_MAX_LENGTH) return `must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute https:// URL';
  }
  // Credentials in the URL would be stored and shown to every administrator; the HMAC secret is the credential.
  if (parsed.username || parsed.password) return 'must not carry a user name or password';
  if (parsed.hash) return 'must not have a #fragment';
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && rules.allowHttpLoopback && isLoopbackHost(parsed.hostname)) return null;
  return 'must be an https:// URL';
}
