import { readFile } from 'node:fs/promises'
import { join, normalize } from 'node:path'

/**
 * Read the built site from a folder (Node, Deno and Bun all have node:fs). Paths that climb out of
 * the folder are refused; files are read once and kept (the build is immutable while serving).
 */
export function folderFiles(dir: string) {
  const cache = new Map<string, Uint8Array>()
  return async (path: string): Promise<Uint8Array | undefined> => {
    const rel = normalize(path)
    if (rel.startsWith('..') || rel.startsWith('/')) return undefined
    const hit = cache.get(rel)
    if (hit) return hit
    const bytes = await readFile(join(dir, rel)).then(
      (b) => new Uint8Array(b),
      () => undefined,
    )
    if (bytes) cache.set(rel, bytes)
    return bytes
  }
}
