import type { ModelManifest } from '../core/index.ts'
import { completeSourceAttributes } from './source-attributes.ts'

/** A manifest with what governance asks before a version serves patients: a description and complete source attributes. */
export function servableManifest(manifest: ModelManifest): ModelManifest {
  return {
    ...manifest,
    description: manifest.description ?? `${manifest.name} (test model; synthetic data only)`,
    sourceAttributes: manifest.sourceAttributes ?? completeSourceAttributes(),
  }
}
