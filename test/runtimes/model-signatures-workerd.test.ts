/**
 * Signed models under workerd: a Worker bundled as for Cloudflare (testkit/workerd.ts) with
 * bundled model versions signed at test time, trusted keys from the NEXORA_MODEL_TRUSTED_KEYS
 * binding. Ed25519 and P-384 signatures verify through workerd's WebCrypto; a tampered artifact, a
 * key it does not trust, a wrong key under a trusted kid and an unsigned version (with "always")
 * are refused before the model scores; the demo-signed model serves in dev mode only.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateCheckpointKey, hashFiles, signManifest, type ModelManifest } from '../../core/index.ts'
import { bundleForWorkers, startWorker, type RunningWorker } from '../../testkit/workerd.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const shipped = (file: string) => readFileSync(`${root}models/readmission-risk/${file}`, 'utf8')
const features = { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true }

interface Bundled {
  manifest: ModelManifest
  files: Record<string, string>
}

/** The Worker's source: createWorker with these models bundled, served without authentication (a test). */
const workerSource = (models: Bundled[]) => `
import { createWorker } from './adapters/cloudflare.ts'
export default createWorker({ allowAnonymous: true, bundledModels: ${JSON.stringify(models)} })
`

const workers: RunningWorker[] = []
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()))
})

async function start(models: Bundled[], vars: Record<string, string>) {
  const { code } = await bundleForWorkers({ contents: workerSource(models), resolveDir: root })
  const worker = await startWorker({ code, d1: ['DB'], vars })
  workers.push(worker)
  return async (model: string) => {
    const res = await worker.mf.dispatchFetch('http://worker.test/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, rows: [{ features }] }),
    })
    const body = (await res.json()) as { code?: string; predictions?: { score: number }[] }
    return body.code ? `${res.status} ${body.code}` : `${res.status} ${body.predictions![0]!.score > 0 ? 'scored' : 'no score'}`
  }
}

describe('signed models in workerd', () => {
  let outcomes: Record<string, string>
  let production: Record<string, string>

  beforeAll(async () => {
    const ed = await generateCheckpointKey('EdDSA', 'site-ed')
    const ec = await generateCheckpointKey('ES384', 'site-ec')
    const other = await generateCheckpointKey('EdDSA', 'other')
    const demo = {
      manifest: JSON.parse(shipped('manifest.json')) as ModelManifest,
      files: { 'model.json': shipped('model.json'), 'profile.json': shipped('profile.json') },
    }
    const { signature: _demo, ...base } = demo.manifest
    const named = (name: string) => ({ ...base, name })
    const sign = async (manifest: ModelManifest, key: typeof ed.privateJwk) => ({ ...manifest, signature: await signManifest(manifest, key) })
    const tamperedFiles = { ...demo.files, 'model.json': demo.files['model.json'].replace('"intercept":-1.13', '"intercept":2.13') }
    const encoded = Object.fromEntries(Object.entries(tamperedFiles).map(([k, v]) => [k, new TextEncoder().encode(v)]))
    const tamperedSigned = await sign(named('tampered'), ed.privateJwk)
    const models: Bundled[] = [
      demo,
      { manifest: await sign(named('signed-ed'), ed.privateJwk), files: demo.files },
      { manifest: await sign(named('signed-ec'), ec.privateJwk), files: demo.files },
      // The artifact changed and its recorded sha256 rewritten to match: only the signature catches it.
      { manifest: { ...tamperedSigned, files: await hashFiles(encoded) }, files: tamperedFiles },
      { manifest: await sign(named('untrusted'), other.privateJwk), files: demo.files },
      { manifest: await sign(named('impostor'), { ...other.privateJwk, kid: 'site-ed' }), files: demo.files },
      { manifest: named('unsigned'), files: demo.files },
    ]
    const keys = JSON.stringify({ keys: [ed.publicJwk, ec.publicJwk] })
    const dev = await start(models, { NEXORA_MODEL_TRUSTED_KEYS: keys, NEXORA_MODEL_REQUIRE_SIGNATURE: 'always' })
    outcomes = {}
    for (const m of models) outcomes[m.manifest.name] = await dev(m.manifest.name)
    const prod = await start(models.slice(0, 2), { NEXORA_MODEL_TRUSTED_KEYS: keys, NODE_ENV: 'production' })
    production = { 'readmission-risk': await prod('readmission-risk'), 'signed-ed': await prod('signed-ed') }
  }, 120_000)

  it('scores versions signed with Ed25519 and with P-384 by trusted keys, and the demo model in dev mode', () => {
    expect(outcomes).toMatchObject({ 'readmission-risk': '200 scored', 'signed-ed': '200 scored', 'signed-ec': '200 scored' })
  })

  it('refuses a tampered artifact, an untrusted key, a wrong key under a trusted kid, and an unsigned version', () => {
    expect(outcomes).toMatchObject({
      tampered: '500 model.signature_invalid',
      untrusted: '409 model.signature_untrusted',
      impostor: '500 model.signature_invalid',
      unsigned: '409 model.unsigned',
    })
  })

  it('does not trust the demo key in production', () => {
    expect(production).toEqual({ 'readmission-risk': '409 model.signature_untrusted', 'signed-ed': '200 scored' })
  })
})
