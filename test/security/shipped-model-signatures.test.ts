/**
 * The shipped demo models are signed with the demo key, and their signatures are current: an edit
 * to a manifest.json or its README (the card `nexora serve` registers) without `npm run demo:sign`
 * fails here, not as a model refused at start-up.
 */
import { describe, expect, it } from 'vitest'
import { createNexora, DEMO_MODEL_KEY, loadConfig, memoryStorage, nexoraConfigFrom, verifyManifestSignature } from '../../core/index.ts'
import { importModels } from '../../bin/demo-models.ts'
import { readModelDir } from '../../bin/model-dir.ts'
import { DEMO_SIGNING_KEY } from '../../models/demo-signing-key.ts'
import { readmissionRisk } from '../../models/readmission-risk/bundled.ts'
import { demoModelDirs } from '../../models/sign.build.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'

const STALE = 'stale or missing: run `npm run demo:sign` (node --import tsx models/sign.build.ts)'
const verdict = (p: Promise<unknown>) =>
  p.then(
    () => 'signed',
    (e: { code?: string; detail?: string }) => `${e.code}: ${e.detail}`,
  )

describe('the shipped demo models', () => {
  const dirs = demoModelDirs()

  it('are all signed by the demo key, as served (README as the card) and as manifest.json alone (a browser)', async () => {
    expect(dirs.length).toBeGreaterThanOrEqual(6)
    for (const dir of dirs) {
      const model = readModelDir(dir)
      expect(model.written.signature?.kid, `${dir}: ${STALE}`).toBe(DEMO_MODEL_KEY.kid)
      expect(await verdict(verifyManifestSignature(model.manifest, [DEMO_MODEL_KEY])), `${dir}: ${STALE}`).toBe('signed')
      expect(await verdict(verifyManifestSignature(model.written, [DEMO_MODEL_KEY])), dir).toBe('signed')
    }
  })

  it('carry the same signature in the bundled copy (Workers, browsers)', async () => {
    const risk = readModelDir(dirs.find((d) => d.endsWith('readmission-risk'))!)
    expect(readmissionRisk.manifest.signature, 'models/readmission-risk/bundled.ts: run `npm run demo:sign`').toEqual(risk.written.signature)
    expect(await verdict(verifyManifestSignature(readmissionRisk.manifest, [DEMO_MODEL_KEY]))).toBe('signed')
  })

  it('are signed by the private half of the key dev mode trusts', () => {
    const { d, ...pub } = DEMO_SIGNING_KEY
    expect(d).toMatch(/^[\w-]{43}$/)
    expect(pub).toEqual(DEMO_MODEL_KEY)
  })

  it('serve in dev mode; production does not trust the demo key, and neither registers nor serves them', async () => {
    const features = { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true }
    const caller = { subject: 't', scopes: ['nexora/predict'], roles: [], via: 'in-process' as const }
    const outcome: Record<string, string> = {}
    for (const production of [false, true]) {
      const config = nexoraConfigFrom(loadConfig({ overrides: { production } }))
      const nexora = await createNexora({ plugins: [memoryStorage(), linearModel()], config })
      const imported = await importModels(nexora)
      expect(imported.includes('readmission-risk@1.0.0'), `production: ${production}`).toBe(!production)
      outcome[production ? 'production' : 'dev'] = await nexora.predict({ model: 'readmission-risk', rows: [{ features }] }, caller).then(
        () => 'served',
        (e: { code: string }) => e.code,
      )
      await nexora.close()
    }
    expect(outcome).toEqual({ dev: 'served', production: 'model.not_found' })
  })
})
