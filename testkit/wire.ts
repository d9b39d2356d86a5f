/** JSON that keeps Uint8Array and undefined, for values crossing between Node and the page. */
const B64 = '__u8'
const UNDEF = '__undefined'

export function encode(value: unknown): string {
  return JSON.stringify(value === undefined ? { [UNDEF]: true } : value, (_k, v) => {
    if (v instanceof Uint8Array) {
      let s = ''
      for (const b of v) s += String.fromCharCode(b)
      return { [B64]: btoa(s) }
    }
    return v === undefined ? { [UNDEF]: true } : v
  })
}

export function decode(text: string): unknown {
  return JSON.parse(text, (_k, v) => {
    if (v && typeof v === 'object' && B64 in v) return Uint8Array.from(atob(v[B64] as string), (c) => c.charCodeAt(0))
    if (v && typeof v === 'object' && UNDEF in v) return undefined
    return v
  })
}
