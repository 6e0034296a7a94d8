// Password hashing with argon2id (memory-hard), and a verify that costs the same time for an unknown account.
import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

/** OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1 (the library's defaults, spelled out). */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

let dummyHash: Promise<string> | null = null;

/** Verifies against the stored hash, or against a throw-away one so a wrong email takes as long as a wrong password. */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}

/** A readable random password for the first administrator when none is configured (about 120 bits). */
export function randomPassword(): string {
  return randomBytes(15)
    .toString('base64url')
    .replace(/(.{5})(?=.)/g, '$1-');
}
