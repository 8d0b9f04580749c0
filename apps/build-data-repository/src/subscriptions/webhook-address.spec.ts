import { internalRangeOf } from './webhook-address';

describe(internalRangeOf.name, () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.10', 'private'],
    ['100.64.0.1', 'private'],
    ['255.255.255.255', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['not-an-address', 'unspecified'],
  ])('puts %s in %s', (address, range) => {
    expect(internalRangeOf(address)).toBe(range);
  });

  it.each([['93.184.215.14'], ['172.32.0.1'], ['192.169.0.1'], ['8.8.8.8'], ['2606:4700::1111'], ['::ffff:8.8.8.8']])(
    'lets the public address %s through',
    (address) => {
      expect(internalRangeOf(address)).toBeNull();
    },
  );
});
