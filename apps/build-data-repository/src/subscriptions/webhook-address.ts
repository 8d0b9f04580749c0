import { BlockList, isIP } from 'node:net';

/** Why an address is no place for a webhook by default: it reaches this host or a network behind it. */
export type InternalRange = 'loopback' | 'private' | 'link-local' | 'unique-local' | 'multicast' | 'unspecified';

const RANGES: readonly (readonly [InternalRange, string, number, 'ipv4' | 'ipv6'])[] = [
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  // Carrier-grade NAT (RFC 6598): internal networks of providers and clouds.
  ['private', '100.64.0.0', 10, 'ipv4'],
  // Includes 169.254.169.254, the metadata service of most clouds.
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  // Reserved, and the broadcast address 255.255.255.255.
  ['private', '240.0.0.0', 4, 'ipv4'],
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '::1', 128, 'ipv6'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  // Site-local: deprecated, still routed inside some networks.
  ['private', 'fec0::', 10, 'ipv6'],
  ['unique-local', 'fc00::', 7, 'ipv6'],
  ['multicast', 'ff00::', 8, 'ipv6'],
];

const blockLists = new Map<InternalRange, BlockList>();
for (const [range, network, prefix, family] of RANGES) {
  const list = blockLists.get(range) ?? new BlockList();
  list.addSubnet(network, prefix, family);
  blockLists.set(range, list);
}

const ipv4Mapped = new BlockList();
ipv4Mapped.addSubnet('::ffff:0:0', 96, 'ipv6');

/**
 * The internal range `address` (an IPv4 or IPv6 literal) lies in, or null for a public address. An
 * IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, `::ffff:7f00:1`) is judged as the IPv4 address it maps.
 * Anything that is not an IP literal is refused as `unspecified`: only resolved addresses get here.
 */
export function internalRangeOf(address: string): InternalRange | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 0) return 'unspecified';
  if (family === 6 && ipv4Mapped.check(bare, 'ipv6')) return internalRangeOf(mappedIpv4(bare));
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [range, list] of blockLists) if (list.check(bare, type)) return range;
  return null;
}

/** The IPv4 address in the last 32 bits of an IPv4-mapped IPv6 address, in either notation. */
function mappedIpv4(address: string): string {
  const tail = address.slice(address.lastIndexOf(':') + 1);
  if (isIP(tail) === 4) return tail;
  const [high, low] = address
    .split(':')
    .slice(-2)
    .map((hextet) => Number.parseInt(hextet || '0', 16));
  return [high! >> 8, high! & 0xff, low! >> 8, low! & 0xff].join('.');
}
