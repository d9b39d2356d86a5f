/**
 * Copies each `models/<id>/source-attributes.json` into its `manifest.json` as `sourceAttributes`,
 * for when the attributes change and the model does not (retraining merges them too: every
 * train script reads the same file). The rest of the manifest is kept as it is, key order
 * included; a manifest signature no longer matches afterwards, so re-sign the manifests after.
 * Run: `node --import tsx models/source-attributes.ts`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const MODELS = fileURLToPath(new URL('./', import.meta.url))

/** The demo models that carry source attributes: every folder with both files. */
export const modelsWithSourceAttributes = () =>
  readdirSync(MODELS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`${MODELS}${d.name}/manifest.json`) && existsSync(`${MODELS}${d.name}/source-attributes.json`))
    .map((d) => d.name)
    .sort()

export const readJson = (id: string, file: string) => JSON.parse(readFileSync(`${MODELS}${id}/${file}`, 'utf8')) as Record<string, unknown>

/** The manifest with the attributes in place: where it had them, else before `files`, where the train scripts put them. */
export function withSourceAttributes(manifest: Record<string, unknown>, sourceAttributes: unknown): Record<string, unknown> {
  if ('sourceAttributes' in manifest) return { ...manifest, sourceAttributes }
  const entries = Object.entries(manifest)
  const at = entries.findIndex(([key]) => key === 'files')
  entries.splice(at < 0 ? entries.length : at, 0, ['sourceAttributes', sourceAttributes])
  return Object.fromEntries(entries)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const id of modelsWithSourceAttributes()) {
    const manifest = withSourceAttributes(readJson(id, 'manifest.json'), readJson(id, 'source-attributes.json'))
    writeFileSync(`${MODELS}${id}/manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`)
    console.log(`models/${id}/manifest.json`)
  }
}
