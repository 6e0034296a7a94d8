// Secrets PumpWatch must use again (a channel's SMTP password, PagerDuty routing key, Opsgenie API key), sealed with AES-256-GCM
// under PUMPWATCH_SECRETS_KEY before they reach the database: a copy of the database or a backup alone reveals none of them.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
/** 96-bit nonces, as NIST SP 800-38D recommends for GCM; a fresh random one per sealing. */
const IV_BYTES = 12;
const KEY_BYTES = 32;

/**
 * Without PUMPWATCH_SECRETS_KEY (development, tests) this fixed key applies: secrets are then only obscured. A deployment sets its
 * own key (`openssl rand -base64 32`); with NODE_ENV=production the app refuses to store a secret under this one.
 */
const DEVELOPMENT_KEY = createHash('sha256').update('pumpwatch-development-secrets-key: not for production', 'utf8').digest();

export class SecretBox {
  private constructor(
    private readonly key: Buffer,
    readonly isDevelopmentKey: boolean,
  ) {}

  /** The key from PUMPWATCH_SECRETS_KEY: 32 bytes as base64 (44 characters) or hex (64); a malformed key stops the start. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): SecretBox {
    const raw = env.PUMPWATCH_SECRETS_KEY?.trim();
    if (!raw) return new SecretBox(DEVELOPMENT_KEY, true);
    const hex = /^[0-9a-fA-F]{64}$/.test(raw);
    const key = hex ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
    if (key.length !== KEY_BYTES || (!hex && !/^[A-Za-z0-9+/]{43}=?$/.test(raw))) {
      throw new Error('PUMPWATCH_SECRETS_KEY must be 32 bytes as base64 (openssl rand -base64 32) or as 64 hex digits');
    }
    return new SecretBox(key, false);
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url; the purpose (e.g. the channel id) is bound as associated data. */
  seal(plain: string, purpose: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(purpose, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Throws when the ciphertext was altered, moved to another purpose, or sealed under another key. */
  open(sealed: string, purpose: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(purpose, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
