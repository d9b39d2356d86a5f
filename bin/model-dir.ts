import { existsSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { ModelManifest } from '../core/index.ts'
import { UsageError } from './args.ts'

/**
 * A model directory as `nexora serve` registers it: `manifest.json`, with `README.md` beside it as
 * the model card. Signing and verifying read it the same way, so the card a server registers is the
 * one the signature's card hash names.
 */
export interface ModelDir {
  dir: string
  manifestPath: string
  /** manifest.json as written (no card added): what `nexora models sign` writes back. */
  written: ModelManifest
  /** As it registers: the README as its card when there is one. */
  manifest: ModelManifest
}

/** A model directory, or a manifest.json path (its directory then holds the files and README). */
export function readModelDir(path: string): ModelDir {
  const isDir = existsSync(path) && statSync(path).isDirectory()
  const dir = isDir ? path : dirname(path)
  const manifestPath = isDir ? join(path, 'manifest.json') : path
  if (!isDir && !basename(path).endsWith('.json')) throw new UsageError(`${path}: expected a model directory or its manifest.json`)
  let written: ModelManifest
  try {
    written = JSON.parse(readFileSync(manifestPath, 'utf8')) as ModelManifest
  } catch {
    throw new UsageError(`cannot read a manifest from ${manifestPath}`)
  }
  const readme = join(dir, 'README.md')
  return { dir, manifestPath, written, manifest: { ...written, card: existsSync(readme) ? readFileSync(readme, 'utf8') : written.card } }
}

/** The artifact files the manifest lists, read from its directory. */
export function readModelFiles(model: Pick<ModelDir, 'dir' | 'manifest'>): Record<string, Uint8Array> {
  return Object.fromEntries(Object.keys(model.manifest.files ?? {}).map((f) => [f, new Uint8Array(readFileSync(join(model.dir, f)))]))
}

/** manifest.json as the repository writes it: two-space JSON and a final newline. */
export const manifestText = (manifest: ModelManifest) => `${JSON.stringify(manifest, null, 2)}\n`
