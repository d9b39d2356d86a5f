import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { createNexora, memoryStorage } from '../../core/index.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'

const run = promisify(execFile)
const root = new URL('../../', import.meta.url).pathname
// Inside the repository, so the built files find their dependencies in node_modules as an install would.
const out = mkdtempSync(join(root, '.artifacts-build-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

const features = { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true }
const caller = { subject: 'embedder', scopes: ['nexora/predict'], roles: [], via: 'in-process' as const }

// What the README's embedding example does, run by plain Node on the built JavaScript: no TypeScript loader.
const script = (dist: string) => `
import { readFileSync } from 'node:fs'
const { createNexora, memoryStorage } = await import(${JSON.stringify(join(dist, 'core/index.js'))})
const { linearModel } = await import(${JSON.stringify(join(dist, 'plugins/model-linear/index.js'))})
const nexora = await createNexora({ plugins: [memoryStorage(), linearModel()] })
const dir = ${JSON.stringify(join(root, 'models/readmission-risk/'))}
const manifest = JSON.parse(readFileSync(dir + 'manifest.json', 'utf8'))
const files = Object.fromEntries(Object.keys(manifest.files).map((f) => [f, new Uint8Array(readFileSync(dir + f))]))
await nexora.registry.register(manifest, files)
const rows = [{ patientRef: 'Patient/1', features: ${JSON.stringify(features)} }]
const result = await nexora.predict({ model: 'readmission-risk', rows }, ${JSON.stringify(caller)})
const { events } = await nexora.audit.queryLogs('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z')
console.log(JSON.stringify({ score: result.predictions[0].score, actions: events.map((e) => e.action) }))
await nexora.close()
`

describe('built output (npm run build)', () => {
  it('compiles every public entry to JavaScript and declarations, and plain Node scores a patient from it as from the sources', async () => {
    await run(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.build.json'), '--outDir', out], { cwd: root })
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, string> }
    for (const source of Object.values(pkg.exports)) {
      for (const ext of ['.js', '.d.ts']) expect(existsSync(join(out, source.replace(/\.ts$/, ext))), source + ext).toBe(true)
    }

    const built = await run(process.execPath, ['--input-type=module', '-e', script(out)], { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } })
    const fromDist = JSON.parse(built.stdout) as { score: number; actions: string[] }

    const nexora = await createNexora({ plugins: [memoryStorage(), linearModel()] })
    const dir = join(root, 'models/readmission-risk/')
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
    const files = Object.fromEntries(Object.keys(manifest.files).map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]))
    await nexora.registry.register(manifest, files)
    const fromSource = await nexora.predict({ model: 'readmission-risk', rows: [{ patientRef: 'Patient/1', features }] }, caller)
    await nexora.close()

    expect(fromDist.score).toBe(fromSource.predictions[0]!.score)
    expect(fromDist.actions).toEqual(expect.arrayContaining(['predict.request', 'predict.response']))
  })
})
