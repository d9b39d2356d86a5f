import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNexora, generateCheckpointKey, hashFiles, memoryStorage, signManifest, type ModelManifest } from '../../core/index.ts'
import { importModels } from '../../bin/demo-models.ts'
import { buildBrowserExample } from '../../examples/browser/build.ts'
import { browserMounts } from '../../examples/browser/serve.ts'
import { staticServer } from '../../devtools/static-server.ts'
import { onnxModel } from '../../plugins/model-onnx/index.ts'
import { launchChromium, recordRequests } from '../../testkit/chromium.ts'

const SECRET = 'Patient/tab-secret-7731'
const FEATURES = { age: 83, sex: 'M', systolic_bp: 131, hba1c: 9.7, egfr: 37, prior_admissions: 4, length_of_stay: 11, on_anticoagulant: false }
const dist = mkdtempSync(join(tmpdir(), 'nexora-browser-test-'))
const fixtures = mkdtempSync(join(tmpdir(), 'nexora-browser-signed-'))
let server: Awaited<ReturnType<typeof staticServer>>
let serverScore: number
let keys: Awaited<ReturnType<typeof signatureFixtures>>

/**
 * Variants of the shipped ONNX model under /signed-test/: its artifact changed with the recorded
 * sha256 rewritten to match (only the signature can tell), and the manifest signed by keys the tab
 * does not trust by default (Ed25519) or at all (P-384, trusted when the page passes it).
 */
async function signatureFixtures() {
  const src = new URL('../../models/readmission-onnx/', import.meta.url).pathname
  const shipped = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8')) as ModelManifest
  const onnx = new Uint8Array(readFileSync(join(src, 'model.onnx')))
  const write = (name: string, manifest: ModelManifest, bytes = onnx) => {
    mkdirSync(join(fixtures, name))
    writeFileSync(join(fixtures, name, 'manifest.json'), JSON.stringify(manifest))
    writeFileSync(join(fixtures, name, 'model.onnx'), bytes)
  }
  const tampered = onnx.slice()
  tampered[tampered.length - 8]! ^= 1
  write('tampered', { ...shipped, files: await hashFiles({ 'model.onnx': tampered }) }, tampered)
  const { signature: _demo, ...bare } = shipped
  const other = await generateCheckpointKey('EdDSA', 'not-trusted')
  const site = await generateCheckpointKey('ES384', 'site-es384')
  write('untrusted', { ...bare, signature: await signManifest(bare, other.privateJwk) })
  write('es384', { ...bare, signature: await signManifest(bare, site.privateJwk) })
  write('unsigned', bare)
  return { other: other.publicJwk, site: site.publicJwk }
}

beforeAll(async () => {
  await buildBrowserExample(dist)
  keys = await signatureFixtures()
  server = await staticServer({ ...browserMounts(dist), '/signed-test/': fixtures })
  // The server's prediction for the same input: Node, ONNX Runtime on wasm, the same shipped model.
  const nexora = await createNexora({ plugins: [memoryStorage(), onnxModel()] })
  await importModels(nexora)
  serverScore = (
    await nexora.predict(
      { model: 'readmission-onnx', rows: [{ features: FEATURES }] },
      { subject: 't', scopes: ['nexora/predict'], roles: [], via: 'in-process' },
    )
  ).predictions[0]!.score
  await nexora.close()
}, 120_000)
afterAll(async () => {
  await server?.close()
  rmSync(dist, { recursive: true, force: true })
  rmSync(fixtures, { recursive: true, force: true })
})

interface InTab {
  score: number
  provider: string
  explanation: unknown[]
}

/** Open a page, wait for the model to be on the device, score SECRET's row in the tab. */
async function scoreInTab(path: string, webgpu: boolean) {
  const browser = await launchChromium({ webgpu })
  try {
    const page = await browser.page()
    const requests = recordRequests(page)
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${server.url}${path}`)
    await page
      .waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 })
      .catch(() => {
        throw new Error(`page never got ready: ${errors.join('; ')}`)
      })
    const loaded = requests.length
    const result = (await page.evaluate(([f, ref]) => (globalThis as any).nexoraDemo.score(f, ref), [FEATURES, SECRET] as const)) as InTab
    const audit = JSON.parse(await page.evaluate(() => (globalThis as any).nexoraDemo.exportAudit('json'))) as {
      events: { action: string; patientRef: string }[]
    }
    const isolated = await page.evaluate(() => crossOriginIsolated)
    return { result, requests, afterLoad: requests.slice(loaded), audit, isolated }
  } finally {
    await browser.close()
  }
}

/** Every request is a GET for a page asset, a model file or ORT's wasm, and none carries a patient field. */
function expectNoEgress(requests: ReturnType<typeof recordRequests>) {
  const origin = new URL(server.url).origin
  for (const r of requests) {
    const url = new URL(r.url)
    expect([r.method, url.origin], r.url).toEqual(['GET', origin])
    expect(url.pathname, r.url).toMatch(
      /^\/(|index\.html|bundled\.html|favicon\.ico|dist\/[\w.-]+|models\/readmission-onnx\/(manifest\.json|model\.onnx)|ort\/[\w.-]+)$/,
    )
    const carried = [r.url, JSON.stringify(r.headers), r.body ?? ''].join('\n')
    expect(carried).not.toContain('tab-secret')
    for (const [k, v] of Object.entries(FEATURES)) expect(carried, k).not.toContain(`${k}=${v}`)
    expect(r.body).toBeNull()
  }
}

describe('in-tab scoring in headless Chromium', () => {
  it('runs the ONNX model on WebGPU, matches the server to 1e-5, and sends no patient data', async () => {
    const { result, requests, afterLoad, audit, isolated } = await scoreInTab('/', true)
    expect(result.provider).toBe('webgpu')
    expect(Math.abs(result.score - serverScore)).toBeLessThan(1e-5)
    expect(result.explanation.length).toBeGreaterThan(0)
    expect(isolated).toBe(true) // COOP + COEP: wasm threads are allowed
    expectNoEgress(requests)
    // Scoring itself fetched nothing but engine code (ORT's lazily loaded chunk and wasm).
    expect(afterLoad.map((r) => new URL(r.url).pathname).filter((p) => !/^\/(ort|dist)\//.test(p))).toEqual([])
    // The audit trail of in-tab scoring stays on the device, and records the patient there.
    expect(audit.events.filter((e) => e.patientRef === SECRET).map((e) => e.action)).toEqual(['predict.request', 'predict.response'])
  }, 180_000)

  it('falls back to WASM when WebGPU is unavailable, with the same score', async () => {
    const { result, requests } = await scoreInTab('/', false)
    expect(result.provider).toBe('wasm')
    expect(Math.abs(result.score - serverScore)).toBeLessThan(1e-5)
    expectNoEgress(requests)
  }, 180_000)

  it('works from a bundler too (the app bundle), forced onto WASM', async () => {
    const { result, requests } = await scoreInTab('/bundled.html?providers=wasm', true)
    expect(result.provider).toBe('wasm')
    expect(Math.abs(result.score - serverScore)).toBeLessThan(1e-5)
    expectNoEgress(requests)
  }, 180_000)
})

describe('signed models in the tab (headless Chromium)', () => {
  /** Load a model with the browser adapter in a page (memory storage, WASM) and score: the score, or the refusal's code. */
  async function loadAndScore(page: Awaited<ReturnType<Awaited<ReturnType<typeof launchChromium>>['page']>>, url: string, signatures?: unknown) {
    return page.evaluate(
      async ([modelUrl, modelSignatures, features]) => {
        // Through Function: vitest would rewrite an import() written here, and this runs in the page.
        const lib = await new Function('return import("/dist/nexora-browser.js")')()
        const nexora = await lib.createBrowserNexora({
          models: [lib.onnxModel({ providers: ['wasm'], wasmPaths: '/ort/' })],
          storage: lib.memoryStorage(),
          ...(modelSignatures ? { config: { modelSignatures } } : {}),
        })
        try {
          const model = await nexora.loadModel(modelUrl)
          return (await nexora.predict({ model: model.name, rows: [{ features }] })).predictions[0].score as number
        } catch (error) {
          return ((error as { code?: string }).code ?? String(error)) as string
        } finally {
          await nexora.close()
        }
      },
      [url, signatures, FEATURES] as const,
    )
  }

  it('verifies before scoring: Ed25519 (the demo key) and P-384 pass; a tampered artifact or a wrong key is refused', async () => {
    const browser = await launchChromium({ webgpu: false })
    try {
      const page = await browser.page()
      await page.goto(`${server.url}/`)
      await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 })
      const scores = {
        demo: await loadAndScore(page, '/models/readmission-onnx/'),
        es384: await loadAndScore(page, '/signed-test/es384/', { trustedKeys: [keys.site], require: 'always' }),
      }
      expect(Math.abs((scores.demo as number) - serverScore)).toBeLessThan(1e-5)
      expect(Math.abs((scores.es384 as number) - serverScore)).toBeLessThan(1e-5)
      expect({
        tampered: await loadAndScore(page, '/signed-test/tampered/'),
        untrusted: await loadAndScore(page, '/signed-test/untrusted/'),
        wrongKeyTrusted: await loadAndScore(page, '/models/readmission-onnx/', { trustedKeys: [keys.other] }),
        unsigned: await loadAndScore(page, '/signed-test/unsigned/', { require: 'always' }),
      }).toEqual({
        tampered: 'model.signature_invalid',
        untrusted: 'model.signature_untrusted',
        wrongKeyTrusted: 'model.signature_untrusted',
        unsigned: 'model.unsigned',
      })
    } finally {
      await browser.close()
    }
  }, 180_000)
})
