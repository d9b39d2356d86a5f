import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ensureRegistered, NexoraError, type Nexora } from '../core/index.ts'
import { readModelDir, readModelFiles } from './model-dir.ts'

// A version the server's signature policy refuses: production does not trust the demo key.
const REFUSED = new Set(['model.signature_invalid', 'model.signature_untrusted', 'model.unsigned'])

/** The repository's `models/` folder. */
export const MODELS_DIR = new URL('../models/', import.meta.url).pathname

/**
 * Register every committed model under `dir` (`<id>/manifest.json` plus the files its
 * manifest lists, checked against their sha256) that the registry does not have yet,
 * with its README as the model card, and make it the production version if none is.
 * Models of a kind no installed plugin handles are skipped, and so are those the signature policy
 * refuses (logged as `model.refused`: a production server does not trust the demo key).
 */
export async function importModels(nexora: Nexora, dir = MODELS_DIR): Promise<string[]> {
  const imported: string[] = []
  const kinds = new Set(nexora.ports.getAll('model').map((p) => p.kind))
  for (const id of readdirSync(dir).sort()) {
    if (!existsSync(join(dir, id, 'manifest.json'))) continue
    const model = readModelDir(join(dir, id))
    const { manifest } = model
    if (!kinds.has(manifest.kind)) continue
    try {
      // Checked before registering: a version the server may not serve is not added to its registry.
      await nexora.registry.check(manifest, 'production')
      if (await ensureRegistered(nexora.registry, manifest, readModelFiles(model))) imported.push(`${manifest.name}@${manifest.version}`)
    } catch (error) {
      if (!(error instanceof NexoraError && REFUSED.has(error.code))) throw error
      nexora.ports.get('logger').warn('model.refused', { code: error.code, model: manifest.name, version: manifest.version })
    }
  }
  return imported
}
