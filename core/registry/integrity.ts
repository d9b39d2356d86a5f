import { NexoraError } from '../errors.ts'

/** sha256 (hex) of some bytes, with WebCrypto so it runs on every runtime. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
}

export async function hashFiles(files: Record<string, Uint8Array>): Promise<Record<string, string>> {
  const entries = await Promise.all(Object.entries(files).map(async ([path, bytes]) => [path, await sha256Hex(bytes)] as const))
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)))
}

/** Refuse to load an artifact whose bytes differ from the hashes recorded at registration. */
export async function checkFiles(label: string, expected: Record<string, string> | undefined, files: Record<string, Uint8Array>): Promise<void> {
  const actual = await hashFiles(files)
  for (const [path, hash] of Object.entries(expected ?? {})) {
    if (actual[path] !== hash) throw new NexoraError('model.artifact_corrupt', { detail: `${label}: file "${path}" does not match its sha256` })
  }
}
