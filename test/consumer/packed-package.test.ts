/**
 * Nexora from its packed tarball, never from this source tree: installed into scratch projects
 * and run as the README's embedding example on Node (ESM and CommonJS), Deno, Bun, a Worker
 * bundled by wrangler under workerd, and a browser page bundled by esbuild in Chromium. Each
 * scores the demo patient and checks the audit trail. Also the install and bundle budgets.
 */
import { execFile, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNexora, ensureRegistered, memoryStorage } from '../../core/index.ts'
import { readmissionRisk } from '../../models/readmission-risk/bundled.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'
import { launchChromium, staticServer } from '../../testkit/chromium.ts'
import { installedSize, installProject, packNexora, ROOT } from '../../testkit/packed.ts'
import { findBinary } from '../../testkit/runtime-process.ts'
import { sign } from '../../testkit/tokens.ts'
import { startWorker } from '../../testkit/workerd.ts'
import { DEMO_FEATURES, runtimeAuthEnv, runtimeKey } from '../conformance/runtime-server.suite.ts'

const run = promisify(execFile)
const scratch = mkdtempSync(join(tmpdir(), 'nexora-consumer-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
const project = (name: string) => {
  const dir = join(scratch, name)
  mkdirSync(dir)
  return dir
}

/** Budgets (docs/embedding.md): the core install in bytes of files, and the core entry minified and gzipped. */
const CORE_INSTALL_BUDGET = 30_000_000
const CORE_BUNDLE_BUDGET = 200_000

/** The README's embedding example, exactly as printed (the first js block under "## Embedding"). */
const readmeExample = () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Embedding'))
  return /```js\n([\s\S]*?)```/.exec(section)![1]!
}
const sourceScore = async () => {
  const nexora = await createNexora({ plugins: [memoryStorage(), linearModel()] })
  await ensureRegistered(nexora.registry, readmissionRisk.manifest, readmissionRisk.files)
  const caller = { subject: 't', scopes: ['nexora/predict'], roles: [], via: 'in-process' as const }
  const { predictions } = await nexora.predict({ model: 'readmission-risk', rows: [{ patientRef: 'Patient/1', features: DEMO_FEATURES }] }, caller)
  await nexora.close()
  return predictions[0]!.score
}
const nodeEnv = { ...process.env, NODE_OPTIONS: '' }

let tarball: string
let core: string
let full: string
let installMs: number
beforeAll(async () => {
  tarball = await packNexora(scratch)
  core = project('core')
  full = project('full')
  const [, ms] = await Promise.all([installProject(core, [tarball]), installProject(full, [tarball, '@libsql/client', 'drizzle-orm'])])
  installMs = ms
}, 600_000)

describe('the packed package', () => {
  it('ships dist/ and the bin, not the TypeScript sources, tests or data', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
    const shipped = files(join(core, 'node_modules/nexora')).map((f) => f.slice(join(core, 'node_modules/nexora/').length))
    expect(shipped).toContain('dist/core/index.js')
    expect(shipped).toContain('dist/core/index.d.ts')
    expect(shipped).toContain('bin/nexora.mjs')
    expect(shipped).toContain('LICENSE')
    const stray = shipped.filter((f) => !/^(dist\/|bin\/nexora\.mjs$|package\.json$|README\.md$|CHANGELOG\.md$|LICENSE$)/.test(f))
    expect(stray).toEqual([])
    // TypeScript ships only as the one example `nexora plugin new` copies; no build scripts (they import dev dependencies).
    expect(shipped.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual(['dist/examples/custom-plugin/naive-bayes.ts'])
    expect(shipped.filter((f) => /build\.js$|_generate/.test(f))).toEqual([])
  })

  it('installs the core under its budget, with no install scripts in the tree', () => {
    const { bytes, packages } = installedSize(join(core, 'node_modules'))
    const everything = installedSize(join(full, 'node_modules'))
    console.log(
      `core install: ${(bytes / 1e6).toFixed(1)} MB in ${packages} packages; ` +
        `README project: ${(everything.bytes / 1e6).toFixed(1)} MB in ${everything.packages} packages, installed in ${(installMs / 1000).toFixed(1)} s`,
    )
    expect(bytes).toBeLessThan(CORE_INSTALL_BUDGET)
    const withScripts = readdirSync(join(core, 'node_modules'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('package.json') && !f.includes('/test/'))
      .filter((f) => {
        const scripts = (JSON.parse(readFileSync(join(core, 'node_modules', f), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {}
        return ['preinstall', 'install', 'postinstall'].some((s) => s in scripts)
      })
    expect(withScripts).toEqual([])
  })

  it('imports every entry that needs no optional peer on plain Node, and names the package when a feature needs one', async () => {
    const pkg = JSON.parse(readFileSync(join(core, 'node_modules/nexora/package.json'), 'utf8')) as { exports: Record<string, unknown> }
    // These need an optional peer at import (docs/embedding.md's table): the connect-es stack, drizzle-orm (D1 and the
    // Worker adapter, which bundlers resolve at build time anyway), vitest.
    const needPeers = ['./plugins/grpc', './plugins/grpc/node', './plugins/sql-stores', './plugins/storage-d1', './adapters/cloudflare', './testing']
    const entries = Object.keys(pkg.exports).filter((e) => !needPeers.includes(e))
    const script = `
      for (const entry of ${JSON.stringify(entries)}) await import(entry === '.' ? 'nexora' : 'nexora' + entry.slice(1))
      const { createNexora } = await import('nexora')
      const { sqlStorage } = await import('nexora/plugins/storage-sql')
      const { ClinicalETL } = await import('nexora/plugins/etl')
      const codes = []
      await createNexora({ plugins: [sqlStorage({ url: 'file:./data/x.db' })] }).catch((e) => codes.push([e.code, e.detail]))
      const spec = { name: 'labs', features: [{ name: 'hb', resourceType: 'Observation', filter: "status = 'final'", aggregate: 'latest' }] }
      try { new ClinicalETL(spec) } catch (e) { codes.push([e.code, e.detail]) }
      console.log(JSON.stringify(codes))`
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: core, env: nodeEnv })
    const codes = JSON.parse(stdout) as [string, string][]
    expect(codes).toHaveLength(2)
    expect(codes[0]).toEqual(['dependency.missing', expect.stringContaining('npm install drizzle-orm @libsql/client')])
    expect(codes[1]).toEqual(['dependency.missing', expect.stringContaining('npm install fhirpath')])
  })

  it('type-checks a TypeScript app against the declarations of a core install, library checks on (no @types/fhir, no peers)', async () => {
    writeFileSync(
      join(core, 'app.ts'),
      `import { createNexora, ensureRegistered, memoryStorage, NexoraError, type PredictionResult } from 'nexora'
import { readmissionRisk } from 'nexora/models/readmission-risk'
import { linearModel } from 'nexora/plugins/model-linear'
import { detectPhi } from 'nexora/plugins/phi'
import { indexedDbStorage } from 'nexora/plugins/storage-indexeddb'
import { toFhirAdverseEvent } from 'nexora/plugins/monitoring'
const nexora = await createNexora({ plugins: [memoryStorage(), linearModel()] })
await ensureRegistered(nexora.registry, readmissionRisk.manifest, readmissionRisk.files)
const caller = { subject: 'ts', scopes: ['nexora/predict'], roles: [], via: 'in-process' as const }
const result: PredictionResult = await nexora.predict({ model: 'readmission-risk', rows: [{ features: { age: 71 } }] }, caller)
const score: number = result.predictions[0]!.score
// @ts-expect-error a score is a number, and the declarations say so
const wrong: string = result.predictions[0]!.score
export { score, wrong, detectPhi, indexedDbStorage, toFhirAdverseEvent, NexoraError }
`,
    )
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2024', 'DOM'],
        types: [],
        strict: true,
        skipLibCheck: false,
        noEmit: true,
      },
      files: ['app.ts'],
    }
    writeFileSync(join(core, 'tsconfig.json'), JSON.stringify(tsconfig))
    const checked = await run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', core], { cwd: core }).then(
      () => '',
      (e: { stdout: string }) => e.stdout,
    )
    expect(checked).toBe('')
  })

  it('runs the README embedding example as printed on Node 20 (ESM), scoring as the sources do', async () => {
    writeFileSync(join(full, 'score.mjs'), readmeExample())
    const { stdout } = await run(process.execPath, ['score.mjs'], { cwd: full, env: nodeEnv })
    const [score, label] = stdout.split('\n')[0]!.split(' ')
    expect(Number(score)).toBe(await sourceScore())
    expect(label).toBe('high')
    expect(stdout).toContain('ok: true')
  })

  it('serves with the installed bin (nexora serve from dist/, no tsx): the audit writer thread commits, /predict scores', async () => {
    const child = spawn(join(full, 'node_modules/.bin/nexora'), ['serve', '--port', '0'], {
      cwd: full,
      env: { ...nodeEnv, NEXORA_LOG_LEVEL: 'warn', NEXORA_DEV_FHIR_PORT: 'off' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = ''
        child.stderr!.on('data', (d: Buffer) => {
          text += String(d)
          const m = /listening on (http:\/\/[\w.:]+)/.exec(text)
          if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'))
        })
        child.once('exit', (code) => reject(new Error(`nexora serve exited with ${code}: ${text.slice(-400)}`)))
      })
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${readFileSync(join(full, 'data/dev-token'), 'utf8').trim()}` }
      const health = (await (await fetch(`${url}/health`)).json()) as { ports: { auditSink: { detail?: string } } }
      expect(health.ports.auditSink.detail).toBe('appends committed by the audit writer thread')
      const body = JSON.stringify({ model: 'readmission-risk', rows: [{ patientId: 'Patient/serve-1', features: DEMO_FEATURES }] })
      const res = await fetch(`${url}/predict`, { method: 'POST', headers, body })
      expect(res.status).toBe(200)
      expect(((await res.json()) as { predictions: { score: number }[] }).predictions[0]!.score).toBe(await sourceScore())
      const verify = await fetch(`${url}/audit/verify`, { method: 'POST', headers, body: '{}' })
      expect(await verify.json()).toMatchObject({ ok: true })
    } finally {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
  })

  it('loads with CommonJS require (Node 20.19+ requires ES modules without top-level await)', async () => {
    const script = `
      const { createNexora, ensureRegistered } = require('nexora')
      const { readmissionRisk } = require('nexora/models/readmission-risk')
      const { linearModel } = require('nexora/plugins/model-linear')
      const { sqlStorage } = require('nexora/plugins/storage-sql')
      ;(async () => {
        const nexora = await createNexora({ plugins: [sqlStorage({ url: 'file:./data/cjs.db' }), linearModel()] })
        await ensureRegistered(nexora.registry, readmissionRisk.manifest, readmissionRisk.files)
        const caller = { subject: 'cjs', scopes: ['nexora/predict'], roles: [], via: 'in-process' }
        const r = await nexora.predict({ model: 'readmission-risk', rows: [{ patientRef: 'Patient/1', features: ${JSON.stringify(DEMO_FEATURES)} }] }, caller)
        console.log(JSON.stringify({ score: r.predictions[0].score, verify: await nexora.audit.verify() }))
        await nexora.close()
      })()`
    writeFileSync(join(full, 'score.cjs'), script)
    const { stdout } = await run(process.execPath, ['--no-warnings', 'score.cjs'], { cwd: full, env: nodeEnv })
    const out = JSON.parse(stdout) as { score: number; verify: { ok: boolean; events: number } }
    expect(out.score).toBe(await sourceScore())
    expect(out.verify).toMatchObject({ ok: true, events: 4 })
  })

  it('runs on Deno through an npm: specifier, and type-checks against the packed declarations', async () => {
    const deno = findBinary('deno', [join(ROOT, 'node_modules/.bin/deno')], 'run npm install')
    writeFileSync(join(full, 'deno.json'), JSON.stringify({ nodeModulesDir: 'manual' }))
    writeFileSync(join(full, 'deno-score.ts'), readmeExample().replaceAll("from 'nexora", "from 'npm:nexora").replace('./data/nexora.db', './data/deno.db'))
    // The declarations' relative specifiers end in .js (scripts/build.mjs rewrites them), so Deno can follow them.
    writeFileSync(
      join(full, 'deno-typed.ts'),
      [
        "import { createNexora, type Caller, type PredictionResult } from 'npm:nexora'",
        "import { linearModel } from 'npm:nexora/plugins/model-linear'",
        "import { sqlStorage } from 'npm:nexora/plugins/storage-sql'",
        "const caller: Caller = { subject: 'deno-check', scopes: ['nexora/predict'], roles: [], via: 'in-process' }",
        'export const score = async (): Promise<PredictionResult> => {',
        "  const nexora = await createNexora({ plugins: [sqlStorage({ url: 'file:./data/check.db' }), linearModel()] })",
        "  return nexora.predict({ model: 'readmission-risk', rows: [{ patientRef: 'Patient/1', features: { age: 70 } }] }, caller)",
        '}',
      ].join('\n'),
    )
    await run(deno, ['check', 'deno-typed.ts'], { cwd: full, env: { ...nodeEnv, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } })
    const { stdout } = await run(deno, ['run', '--no-prompt', '-A', 'deno-score.ts'], { cwd: full, env: { ...nodeEnv, DENO_NO_UPDATE_CHECK: '1' } })
    expect(Number(stdout.split(' ')[0])).toBe(await sourceScore())
    expect(stdout).toContain('ok: true')
  })

  it('runs on Bun', async () => {
    const bun = findBinary('bun', [join(ROOT, 'node_modules/.bin/bun')], 'run npm install')
    writeFileSync(join(full, 'bun-score.mjs'), readmeExample().replace('./data/nexora.db', './data/bun.db'))
    const { stdout } = await run(bun, ['run', 'bun-score.mjs'], { cwd: full, env: nodeEnv })
    expect(Number(stdout.split(' ')[0])).toBe(await sourceScore())
    expect(stdout).toMatch(/ok: true/)
  })

  it('serves from a Worker bundled by wrangler, under workerd with D1', async () => {
    const dir = project('worker')
    await installProject(dir, [tarball, 'drizzle-orm'])
    writeFileSync(
      join(dir, 'worker.js'),
      `import { createWorker } from 'nexora/adapters/cloudflare'
import { readmissionRisk } from 'nexora/models/readmission-risk'
export default createWorker({ bundledModels: [readmissionRisk] })
`,
    )
    const wrangler = {
      name: 'consumer',
      main: 'worker.js',
      compatibility_date: '2026-04-01',
      d1_databases: [{ binding: 'DB', database_name: 'nexora', database_id: 'db-id' }],
    }
    writeFileSync(join(dir, 'wrangler.json'), JSON.stringify(wrangler))
    await run(join(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', 'out'], {
      cwd: dir,
      env: { ...nodeEnv, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
    })
    const code = readFileSync(join(dir, 'out/worker.js'), 'utf8')
    const worker = await startWorker({ code, d1: ['DB'], vars: await runtimeAuthEnv() })
    try {
      const token = await sign(await runtimeKey(), { scope: 'nexora/predict nexora/audit.read' })
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` }
      const body = JSON.stringify({ model: 'readmission-risk', rows: [{ patientId: 'Patient/wk-1', features: DEMO_FEATURES }] })
      const res = await worker.mf.dispatchFetch('http://worker.test/predict', { method: 'POST', headers, body })
      expect(res.status).toBe(200)
      expect(((await res.json()) as { predictions: { score: number }[] }).predictions[0]!.score).toBe(await sourceScore())
      const verify = await worker.mf.dispatchFetch('http://worker.test/audit/verify', { method: 'POST', headers, body: '{}' })
      const verified = await verify.json()
      expect(verified, JSON.stringify(verified)).toMatchObject({ ok: true, events: expect.any(Number) })
    } finally {
      await worker.close()
    }
  })

  it('scores in Chromium from a page bundled by esbuild, with IndexedDB for storage and the audit trail', async () => {
    const dir = project('browser')
    await installProject(dir, [tarball])
    writeFileSync(
      join(dir, 'page.js'),
      `import { createNexora, ensureRegistered } from 'nexora'
import { readmissionRisk } from 'nexora/models/readmission-risk'
import { linearModel } from 'nexora/plugins/model-linear'
import { indexedDbStorage } from 'nexora/plugins/storage-indexeddb'
const nexora = await createNexora({ plugins: [indexedDbStorage({ name: 'consumer' }), linearModel()] })
await ensureRegistered(nexora.registry, readmissionRisk.manifest, readmissionRisk.files)
const caller = { subject: 'clinician', scopes: ['nexora/predict'], roles: [], via: 'in-process' }
const r = await nexora.predict({ model: 'readmission-risk', rows: [{ patientRef: 'Patient/1', features: ${JSON.stringify(DEMO_FEATURES)} }] }, caller)
window.result = { score: r.predictions[0].score, verify: await nexora.audit.verify() }
`,
    )
    const bundle = await build({
      absWorkingDir: dir,
      entryPoints: ['page.js'],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      outfile: join(dir, 'www/page.js'),
      logLevel: 'silent',
    })
    expect(bundle.errors).toEqual([])
    writeFileSync(join(dir, 'www/index.html'), '<!doctype html><title>consumer</title><script type="module" src="page.js"></script>')
    console.log(`browser page (README example on IndexedDB): ${(gzipSync(readFileSync(join(dir, 'www/page.js'))).length / 1000).toFixed(1)} kB gzipped`)
    const server = await staticServer({ '/': join(dir, 'www') })
    const browser = await launchChromium({ webgpu: false })
    try {
      const page = await browser.page()
      await page.goto(`${server.url}/`)
      const result = (await page.waitForFunction(() => (window as { result?: unknown }).result, undefined, { timeout: 60_000 }).then((h) => h.jsonValue())) as {
        score: number
        verify: { ok: boolean; events: number }
      }
      expect(result.score).toBe(await sourceScore())
      expect(result.verify).toMatchObject({ ok: true, events: 4 })
    } finally {
      await browser.close()
      await server.close()
    }
  })

  it('keeps the core entry bundle (esbuild, minified, gzip) under its budget', async () => {
    const result = await build({
      absWorkingDir: core,
      stdin: { contents: "export * from 'nexora'", resolveDir: core, loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      write: false,
      logLevel: 'silent',
    })
    const gzipped = gzipSync(result.outputFiles[0]!.contents).length
    console.log(`core entry: ${(result.outputFiles[0]!.contents.length / 1000).toFixed(0)} kB minified, ${(gzipped / 1000).toFixed(1)} kB gzipped`)
    expect(gzipped).toBeLessThan(CORE_BUNDLE_BUDGET)
  })
})

describe('plugin authors outside this repository', () => {
  // The plugin author's project is `full` (the packed nexora installed), with vitest and tsx beside it as
  // `npm install -D vitest tsx` would put them (linked from this repository: the same versions, no download).
  const linkDevDependencies = () => {
    for (const name of ['vitest', 'tsx'])
      if (!existsSync(join(full, 'node_modules', name))) symlinkSync(join(ROOT, 'node_modules', name), join(full, 'node_modules', name))
  }
  const vitest = (dir: string, ...args: string[]) =>
    run(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, ...args], { cwd: dir, env: { ...nodeEnv, CI: 'true' } })
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the colour codes are what this removes
  const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '')

  it('examples/custom-plugin passes its own tests against the packed package (package imports only)', async () => {
    const dir = join(full, 'custom-plugin')
    mkdirSync(join(dir, 'examples/custom-plugin'), { recursive: true })
    mkdirSync(join(dir, 'models/readmission-risk'), { recursive: true })
    for (const f of ['naive-bayes.ts', 'naive-bayes.test.ts']) copyFileSync(join(ROOT, 'examples/custom-plugin', f), join(dir, 'examples/custom-plugin', f))
    for (const f of ['cohort.csv', 'manifest.json']) copyFileSync(join(ROOT, 'models/readmission-risk', f), join(dir, 'models/readmission-risk', f))
    linkDevDependencies()
    const tested = await vitest(dir)
    expect(plain(tested.stdout)).toMatch(/Tests\s+9 passed \(9\)/)
  })

  it('nexora plugin new, from the installed bin: the scaffold passes the conformance suite, and nexora train loads it', async () => {
    const bin = join(full, 'node_modules/.bin/nexora')
    const made = await run(bin, ['plugin', 'new', 'ward-risk'], { cwd: full, env: nodeEnv })
    const plugin = made.stdout.trim()
    expect(plugin).toBe(join(full, 'ward-risk'))
    expect(JSON.parse(readFileSync(join(plugin, 'package.json'), 'utf8'))).toMatchObject({ peerDependencies: { nexora: '>=0.1.0' } })
    linkDevDependencies()
    expect(plain((await vitest(plugin)).stdout)).toMatch(/Tests\s+9 passed \(9\)/)
    const args = ['train', '--plugin', './index.ts', '--model-type', 'ward-risk', '--data', 'train.csv', '--target', 'outcome', '--name', 'ward-model']
    const trained = await run(bin, [...args, '--db', `file:${join(plugin, 'nexora.db')}`], { cwd: plugin, env: nodeEnv })
    expect(JSON.parse(trained.stdout)).toMatchObject({ kind: 'ward-risk', rows: 400 })
  })
})
