import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = SecretBox.fromEnvironment({ PUMPWATCH_SECRETS_KEY: randomBytes(32).toString('base64') });

  it('opens what it sealed, and seals the same secret differently each time', () => {
    const sealed = box.seal('routing-key-0123456789abcdef0123', 'channel:a');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('routing-key');
    expect(box.open(sealed, 'channel:a')).toBe('routing-key-0123456789abcdef0123');
    expect(box.seal('routing-key-0123456789abcdef0123', 'channel:a')).not.toBe(sealed);
  });

  it('refuses a ciphertext altered, moved to another purpose or sealed under another key', () => {
    const sealed = box.seal('secret', 'channel:a');
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'channel:a')).toThrow();
    expect(() => box.open(sealed, 'channel:b')).toThrow();
    expect(() => SecretBox.fromEnvironment({ PUMPWATCH_SECRETS_KEY: randomBytes(32).toString('hex') }).open(sealed, 'channel:a')).toThrow();
  });

  it.each([
    ['32 bytes in base64', randomBytes(32).toString('base64'), true],
    ['32 bytes in hex', randomBytes(32).toString('hex'), true],
    ['16 bytes', randomBytes(16).toString('base64'), false],
    ['not base64', 'x'.repeat(43) + '!', false],
  ])('reads a key of %s: %s', (_label, key, accepted) => {
    if (accepted) expect(SecretBox.fromEnvironment({ PUMPWATCH_SECRETS_KEY: key }).isDevelopmentKey).toBe(false);
    else expect(() => SecretBox.fromEnvironment({ PUMPWATCH_SECRETS_KEY: key })).toThrow(/PUMPWATCH_SECRETS_KEY/);
  });

  it('falls back to the development key when none is set', () => {
    expect(SecretBox.fromEnvironment({}).isDevelopmentKey).toBe(true);
  });
});
