import { isSignedBy, signBody } from './webhook-signature';

describe(isSignedBy.name, () => {
  const secret = 'a-secret-of-16-chars';
  const body = Buffer.from('{"ref":"refs/heads/main"}');

  it('accepts the HMAC-SHA256 of the raw body', () => {
    expect(isSignedBy(secret, body, signBody(secret, body))).toBe(true);
  });

  it('rejects a missing, truncated, or other-secret signature, and a changed body', () => {
    expect(isSignedBy(secret, body, undefined)).toBe(false);
    expect(isSignedBy(secret, body, signBody(secret, body).slice(0, -2))).toBe(false);
    expect(isSignedBy(secret, body, signBody('another-secret-16-chars', body))).toBe(false);
    expect(isSignedBy(secret, Buffer.from('{"ref":"refs/heads/evil"}'), signBody(secret, body))).toBe(false);
  });
});
