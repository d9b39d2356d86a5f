/**
 * SHA-256 as a function core takes as an option. The default is WebCrypto, which every
 * runtime has; a server adapter may pass its runtime's synchronous hash instead (Node's
 * `createHash` is about 20× faster per call than `crypto.subtle.digest`, whose every call is a
 * thread-pool round trip). Both produce the same digest, so either verifies the other's chain.
 */
export type Sha256 = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>

export const webCryptoSha256: Sha256 = async (data) => new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>))

const encoder = new TextEncoder()

function hex(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0')
  return out
}

/** Hex SHA-256 of a string or bytes. Stays synchronous when the hash function is. */
export function sha256Hex(input: string | Uint8Array, sha256: Sha256 = webCryptoSha256): string | Promise<string> {
  const digest = sha256(typeof input === 'string' ? encoder.encode(input) : input)
  return digest instanceof Uint8Array ? hex(digest) : digest.then(hex)
}
