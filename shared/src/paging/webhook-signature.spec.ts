// The signed string and the signature header of webhook pages, and the receiver's freshness check.
import { parseWebhookSignatureHeader, webhookSignatureHeaderValue, webhookSignedString, webhookTimestampFresh } from './webhook-signature';

const HEX = 'a'.repeat(64);

describe('webhook signature', () => {
  it('signs "<timestamp>.<raw body>" byte for byte', () => {
    expect(webhookSignedString(1785229200, '{"alertId":"x"}')).toBe('1785229200.{"alertId":"x"}');
  });

  it('refuses a timestamp that is not whole Unix seconds', () => {
    expect(() => webhookSignedString(1785229200.5, '{}')).toThrow(RangeError);
    expect(() => webhookSignedString(-1, '{}')).toThrow(RangeError);
  });

  it('writes and reads sha256=<hex>', () => {
    expect(webhookSignatureHeaderValue(HEX)).toBe(`sha256=${HEX}`);
    expect(parseWebhookSignatureHeader(` sha256=${HEX} `)).toBe(HEX);
    expect(() => webhookSignatureHeaderValue('ABC')).toThrow(RangeError);
  });

  it.each([[undefined], [''], [`sha1=${HEX}`], [`sha256=${'A'.repeat(64)}`], [`sha256=${HEX.slice(1)}`]])(
    'reads no digest from %p',
    (value) => {
      expect(parseWebhookSignatureHeader(value)).toBeNull();
    },
  );

  describe('webhookTimestampFresh (tolerance 300 s)', () => {
    const now = new Date('2026-07-28T09:00:00Z'); // 1785229200
    it.each([
      ['1785229200', true, 'the same second'],
      ['1785228900', true, 'exactly 300 s old'],
      ['1785228899', false, '301 s old: a replay'],
      ['1785229500', true, '300 s ahead (receiver clock behind)'],
      ['1785229501', false, '301 s ahead'],
      ['1785229200.0', false, 'not whole seconds'],
      [undefined, false, 'missing'],
    ] as [string | undefined, boolean, string][])('%p -> %p (%s)', (header, fresh, _why) => {
      expect(webhookTimestampFresh(header, now)).toBe(fresh);
    });
  });
});
