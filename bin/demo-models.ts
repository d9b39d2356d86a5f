import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureRegistered, type ModelManifest, type Nexora } from '../core/index.ts'

/** The repository's `models/` folder. */
export const MODELS_DIR = new URL('../models/', import.meta.url).pathname

/**
 * Register every committed model under `dir` (`<id>/manifest.json` plus the files its
 * manifest lists, checked against their sha256) that the registry does not have yet,
 * with its README as the model card, and make it the production version if none is.
 * Models of a kind no installed plugin handles are skipped.
 */
export async function importModels(nexora: Nexora, dir = MODELS_DIR): Promise<string[]> {
  const imported: string[] = []
  const kinds = new Set(nexora.ports.getAll('model').map((p) => p.kind))
  for (const id of readdirSync(dir).sort()) {
    const manifestPath = join(dir, id, 'manifest.json')
    if (!existsSync(manifestPath)) continue
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ModelManifest
    if (!kinds.has(manifest.kind)) continue
    const files = Object.fromEntries(Object.keys(manifest.files ?? {}).map((f) => [f, new Uint8Array(readFileSync(join(dir, id, f)))]))
    const readme = join(dir, id, 'README.md')
    if (await ensureRegistered(nexora.registry, { ...manifest, card: existsSync(readme) ? readFileSync(readme, 'utf8') : manifest.card }, files))
      imported.push(`${manifest.name}@${manifest.version}`)
  }
  return imported
}
