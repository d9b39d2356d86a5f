/**
 * Content negotiation for the build's precompressed copies: site/build.ts writes a brotli (`.br`)
 * and a gzip (`.gz`) copy beside each compressible file, so serving never compresses per request.
 */
/** The files that have copies. */
export const PRECOMPRESSED = /\.(js|mjs|css|wasm|json|svg|html|webmanifest)$/
export const CODINGS = [
  ['br', '.br'],
  ['gzip', '.gz'],
] as const
/** The content codings an Accept-Encoding header allows: `q=0` refuses one, `*` allows any not named. */
export function acceptedCodings(header: string | undefined): (typeof CODINGS)[number][] {
  const q = new Map<string, number>()
  for (const part of (header ?? '').toLowerCase().split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim())
    const weight = params.find((p) => p.startsWith('q='))
    if (name) q.set(name, weight ? Number(weight.slice(2)) || 0 : 1)
  }
  return CODINGS.filter(([name]) => (q.get(name) ?? q.get('*') ?? 0) > 0)
}
