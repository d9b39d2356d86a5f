/**
 * `npm run demo:sign`: signs every shipped demo model (models/<id>/manifest.json) with the DEMO key
 * (models/demo-signing-key.ts), then regenerates models/readmission-risk/bundled.ts so the bundled
 * copy carries the same signature. Re-runnable: a manifest whose signature still verifies is left
 * as it is (no new signedAt), one edited since (or unsigned) is signed again. Only `signature` is
 * written; every other field stays as it was. Refuses a manifest whose `files` hashes are stale
 * (retrain or fix it first): signing them would vouch for bytes that are not there.
 * Run: node --import tsx models/sign.build.ts
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEMO_MODEL_KEY, hashFiles, signManifest, verifyManifestSignature } from '../core/index.ts'
import { manifestText, readModelDir, readModelFiles } from '../bin/model-dir.ts'
import { BUNDLED_FILE, renderBundledModel } from './bundle.build.ts'
import { DEMO_SIGNING_KEY } from './demo-signing-key.ts'

const MODELS = fileURLToPath(new URL('.', import.meta.url))

/** The shipped model directories (those with a manifest.json). */
export const demoModelDirs = () =>
  readdirSync(MODELS)
    .sort()
    .map((id) => join(MODELS, id))
    .filter((dir) => existsSync(join(dir, 'manifest.json')))

/** Sign one model directory if its signature is missing or stale; true when manifest.json was rewritten. */
export async function signDemoModel(dir: string): Promise<boolean> {
  const model = readModelDir(dir)
  const actual = await hashFiles(readModelFiles(model))
  for (const [file, hash] of Object.entries(model.manifest.files ?? {}))
    if (actual[file] !== hash) throw new Error(`${dir}: ${file} does not match its sha256 in manifest.json; retrain or fix the manifest first`)
  const current = await verifyManifestSignature(model.manifest, [DEMO_MODEL_KEY]).then(
    () => true,
    () => false,
  )
  if (current) return false
  const { signature: _stale, ...unsigned } = model.written
  const signature = await signManifest({ ...unsigned, card: model.manifest.card }, DEMO_SIGNING_KEY)
  writeFileSync(model.manifestPath, manifestText({ ...unsigned, signature }))
  return true
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const dir of demoModelDirs()) if (await signDemoModel(dir)) console.log(`signed ${dir}`)
  const bundled = renderBundledModel()
  if (readFileSync(BUNDLED_FILE, 'utf8') !== bundled) {
    writeFileSync(BUNDLED_FILE, bundled)
    console.log(`wrote ${BUNDLED_FILE}`)
  }
}
