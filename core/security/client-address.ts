/**
 * The key a client address is limited and audited under. IPv4 as written; an IPv4-mapped IPv6
 * address as its IPv4 form; any other IPv6 address as its /64 network, because one host holds a
 * whole /64 and could otherwise walk through 2^64 fresh buckets.
 * @example
 * addressKey('2001:db8::1') // '2001:db8:0:0::/64'
 * addressKey('::ffff:192.0.2.7') // '192.0.2.7'
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown'
  const address = ip
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
  if (!address.includes(':')) return address
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address)
  if (mapped) return mapped[1]!
  const groups = expandIpv6(address)
  return groups
    ? `${groups
        .slice(0, 4)
        .map((g) => g.replace(/^0+(?=.)/, ''))
        .join(':')}::/64`
    : 'invalid'
}

/** The eight hextets of an IPv6 address, or undefined when it is not one. */
function expandIpv6(address: string): string[] | undefined {
  const halves = address.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string) => (part === '' ? [] : part.split(':'))
  const head = parse(halves[0]!)
  const tail = halves.length === 2 ? parse(halves[1]!) : []
  // A trailing dotted quad counts as two hextets.
  const last = tail.length ? tail : head
  if (last.length && last.at(-1)!.includes('.')) last.splice(-1, 1, '0', '0')
  const missing = 8 - head.length - tail.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]
  return groups.every((g) => /^[0-9a-f]{1,4}$/.test(g)) ? groups : undefined
}
