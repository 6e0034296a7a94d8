// The token of a page's acknowledge link: derived from the endpoint's secret and the page id, so each delivery attempt carries the
// same link while the database keeps only its SHA-256.
import { createHmac } from 'node:crypto';
import { secretHash } from '../auth/secrets';

/** Domain-separated from the body signature (which signs "<timestamp>.<body>"), so one can never stand in for the other. */
const PURPOSE = 'pumpwatch-acknowledge-link.v1:';

/** 256 bits, base64url (43 characters). */
export function acknowledgeToken(endpointSecret: string, pageId: string): string {
  return createHmac('sha256', endpointSecret).update(`${PURPOSE}${pageId}`, 'utf8').digest('base64url');
}

export function acknowledgeTokenHash(token: string): Buffer {
  return secretHash(token);
}
