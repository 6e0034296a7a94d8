// Webhook URLs: https only; http only to loopback and only when the server allows it explicitly.
import { webhookUrlRefusal } from './webhook-url';

const strict = { allowHttpLoopback: false };
const tests = { allowHttpLoopback: true };

describe('webhookUrlRefusal', () => {
  it.each([
    ['https://pager.example.org/pumpwatch', strict, null],
    ['https://10.0.0.5:8443/hook?clinic=3', strict, null],
    ['http://pager.example.org/hook', strict, 'must be an https:// URL'],
    ['http://127.0.0.1:4000/hook', strict, 'must be an https:// URL'],
    ['http://127.0.0.1:4000/hook', tests, null],
    ['http://localhost:4000/hook', tests, null],
    ['http://[::1]:4000/hook', tests, null],
    ['http://192.168.1.10/hook', tests, 'must be an https:// URL'],
    ['http://127.0.0.1.example.org/hook', tests, 'must be an https:// URL'],
    ['ftp://pager.example.org/hook', tests, 'must be an https:// URL'],
    ['pager.example.org/hook', strict, 'must be an absolute https:// URL'],
    ['https://user:pw@pager.example.org/hook', strict, 'must not carry a user name or password'],
    ['https://pager.example.org/hook#x', strict, 'must not have a #fragment'],
    [`https://pager.example.org/${'a'.repeat(2000)}`, strict, 'must be at most 2000 characters'],
  ] as const)('%s (%p) -> %p', (url, rules, refusal) => {
    expect(webhookUrlRefusal(url, rules)).toBe(refusal);
  });
});
