import { sha256Hex } from '../digest.ts'
import { NexoraError } from '../errors.ts'

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
