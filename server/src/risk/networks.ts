import { isIPv4, isIPv6 } from 'node:net';

/**
 * The network an address belongs to, for the "new network" signal: its /24 (IPv4) or /48 (IPv6, a
 * typical site allocation). IPv4-mapped IPv6 addresses count as IPv4. Null for anything else.
 */
export function networkOf(ip: string | null | undefined): string | null {
  if (typeof ip !== 'string') return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped?.[1] ?? ip;
  if (isIPv4(address)) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  if (!isIPv6(address)) return null;
  const groups = expandIPv6(address.split('%')[0]!);
  return groups === null ? null : `${groups.slice(0, 3).join(':')}::/48`;
}

/** Eight 16-bit groups, lower-case hex without leading zeros. */
function expandIPv6(address: string): string[] | null {
  if (address.includes('.')) return null; // embedded IPv4 other than ::ffff: — not worth a network
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  const groups = [...left, ...Array<string>(missing).fill('0'), ...right];
  return groups.map((group) => Number.parseInt(group, 16).toString(16));
}
