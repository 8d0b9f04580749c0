import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from './webhook-signature';

describe(signWebhook.name, () => {
  it('is the hex HMAC-SHA256 of "<timestamp>.<body>" under the secret', () => {
    const expected = createHmac('sha256', 's3cret').update('1700000000.{"a":1}').digest('hex');

    expect(signWebhook('s3cret', 1_700_000_000, '{"a":1}')).toBe(`sha256=${expected}`);
  });
});

describe(verifyWebhook.name, () => {
  const now = new Date(1_700_000_000_000);
  const body = '{"specversion":"1.0"}';
  const signed = { signature: signWebhook('s3cret', 1_700_000_000, body), timestamp: '1700000000' };

  it('accepts a fresh delivery signed with the secret', () => {
    expect(verifyWebhook('s3cret', signed, body, { now })).toBe(true);
  });

  it('refuses another secret, a changed body, a changed timestamp and a stale delivery', () => {
    expect(verifyWebhook('other', signed, body, { now })).toBe(false);
    expect(verifyWebhook('s3cret', signed, `${body} `, { now })).toBe(false);
    expect(verifyWebhook('s3cret', { ...signed, timestamp: '1700000001' }, body, { now })).toBe(false);
    expect(verifyWebhook('s3cret', signed, body, { now: new Date(now.getTime() + 301_000) })).toBe(false);
    expect(verifyWebhook('s3cret', { signature: undefined, timestamp: '1700000000' }, body, { now })).toBe(false);
  });
});
