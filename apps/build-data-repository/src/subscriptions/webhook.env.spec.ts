import { z } from 'zod';
import { webhookEnv } from './webhook.env';

describe('webhookEnv', () => {
  const sut = z.object(webhookEnv);

  it('refuses internal addresses by default', () => {
    expect(sut.parse({})).toMatchObject({ WEBHOOK_ALLOWED_HOSTS: [], WEBHOOK_ALLOW_PRIVATE_NETWORKS: false });
  });

  it('reads allowed hosts as a comma-separated list, in lower case', () => {
    const config = sut.parse({ WEBHOOK_ALLOWED_HOSTS: ' Hooks.Internal, 10.0.0.7,fd00::1 ' });

    expect(config.WEBHOOK_ALLOWED_HOSTS).toEqual(['hooks.internal', '10.0.0.7', 'fd00::1']);
  });

  it('names the variable of a value it cannot read', () => {
    const hosts = sut.safeParse({ WEBHOOK_ALLOWED_HOSTS: 'hooks.internal,http://x/' });
    const flag = sut.safeParse({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'sometimes' });

    expect(hosts.error?.issues[0]?.path).toEqual(['WEBHOOK_ALLOWED_HOSTS', 1]);
    expect(flag.error?.issues[0]?.path).toEqual(['WEBHOOK_ALLOW_PRIVATE_NETWORKS']);
    expect(sut.parse({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }).WEBHOOK_ALLOW_PRIVATE_NETWORKS).toBe(true);
  });
});
