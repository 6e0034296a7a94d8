// Bearer secrets (sessions, gateway tokens): 256 random bits, stored only as SHA-256, compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 bytes = 256 bits, base64url without padding (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A fast hash is right here: the secret has 256 bits of entropy and is checked on every request. */
export function secretHash(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Gateway tokens carry a recognisable prefix so a leaked one is easy to spot in a repository or a log. */
export const MACHINE_TOKEN_PREFIX = 'pwm_';
