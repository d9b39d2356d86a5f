/**
 * Which hosts a CDS Client's `fhirServer` may not name unless the client's allowlist does:
 * addresses that reach this server itself or its private network rather than an EHR on the
 * internet (a token-bearing request there is server-side request forgery). The host is read
 * from a WHATWG `URL`, which has already turned every IPv4 spelling (`2130706433`,
 * `0x7f.1`, `0177.0.0.1`, `127.1`) into dotted decimal and every IPv6 one into compressed hex
 * (`[::ffff:127.0.0.1]` → `[::ffff:7f00:1]`), so only canonical forms are checked here.
 * A hostname is checked by name only: what it resolves to is not known without DNS.
 */

/** IPv4 blocks that are not the public internet, with the reason reported. */
const V4: [number, number, string][] = [
  [0x00000000, 8, 'this-network (0.0.0.0/8)'],
  [0x0a000000, 8, 'private (10.0.0.0/8)'],
  [0x64400000, 10, 'shared address space (100.64.0.0/10, CGNAT)'],
  [0x7f000000, 8, 'loopback (127.0.0.0/8)'],
  [0xa9fe0000, 16, 'link-local (169.254.0.0/16)'],
  [0xac100000, 12, 'private (172.16.0.0/12)'],
  [0xc0000000, 24, 'IETF protocol assignments (192.0.0.0/24)'],
  [0xc0a80000, 16, 'private (192.168.0.0/16)'],
  [0xc6120000, 15, 'benchmarking (198.18.0.0/15)'],
  [0xe0000000, 4, 'multicast (224.0.0.0/4)'],
  [0xf0000000, 4, 'reserved (240.0.0.0/4)'],
]

const inBlock = (ip: number, [start, bits]: [number, number, string]) => (bits === 0 ? true : ip >>> (32 - bits) === start >>> (32 - bits))

function ipv4(host: string): number | undefined {
  const parts = host.split('.')
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined
  return parts.reduce((n, p) => n * 256 + Number(p), 0)
}

function refusedV4(ip: number): string | undefined {
  return V4.find((block) => inBlock(ip, block))?.[2]
}

/** The eight 16-bit groups of a bracketed, WHATWG-serialised IPv6 host. */
function ipv6(host: string): number[] | undefined {
  if (!host.startsWith('[') || !host.endsWith(']')) return undefined
  const [head, tail] = host.slice(1, -1).split('::') as [string, string | undefined]
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)))
  const left = groups(head)
  const right = tail === undefined ? [] : groups(tail)
  const out = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right]
  return out.length === 8 && out.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? out : undefined
}

function refusedV6(g: number[]): string | undefined {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0)
  const embedded = (hi: number, lo: number) => refusedV4(hi * 0x10000 + lo)
  if (zeros(0, 8)) return 'unspecified (::)'
  if (zeros(0, 7) && g[7] === 1) return 'loopback (::1)'
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach the embedded IPv4 address.
  if (zeros(0, 5) && g[5] === 0xffff) return embedded(g[6]!, g[7]!) && `IPv4-mapped ${embedded(g[6]!, g[7]!)}`
  if (zeros(0, 6)) return embedded(g[6]!, g[7]!) && `IPv4-compatible ${embedded(g[6]!, g[7]!)}`
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return embedded(g[6]!, g[7]!) && `NAT64 ${embedded(g[6]!, g[7]!)}`
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'local-use NAT64 (64:ff9b:1::/48)'
  // 6to4 carries an IPv4 address in its second and third groups.
  if (g[0] === 0x2002) return embedded(g[1]!, g[2]!) && `6to4 ${embedded(g[1]!, g[2]!)}`
  if ((g[0]! & 0xfe00) === 0xfc00) return 'unique-local (fc00::/7)'
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local (fe80::/10)'
  if ((g[0]! & 0xffc0) === 0xfec0) return 'site-local (fec0::/10)'
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast (ff00::/8)'
  if (g[0] === 0x100 && zeros(1, 4)) return 'discard-only (100::/64)'
  return undefined
}

/**
 * Why a URL host (as `URL.hostname` gives it) is refused as a `fhirServer`, or undefined when
 * it may be used: loopback, link-local, private, CGNAT, unspecified, multicast and reserved
 * IPv4 and IPv6 (IPv4 embedded in IPv6 included) and the `localhost` names.
 * @example
 * refusedHost(new URL('https://0x7f000001/fhir').hostname) // 'loopback (127.0.0.0/8)'
 * refusedHost('ehr.hospital.example') // undefined
 */
export function refusedHost(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  if (host === 'localhost' || host.endsWith('.localhost')) return 'a localhost name'
  const v4 = ipv4(host)
  if (v4 !== undefined) return refusedV4(v4)
  const v6 = ipv6(host)
  if (v6 !== undefined) return refusedV6(v6)
  return undefined
}
