/**
 * Smoke test of the Cloudflare Worker example: bundled with esbuild as for Workers, served by
 * workerd (Miniflare) against a local D1 database.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { linearModelPlugin } from '../../plugins/model-linear/index.ts'
import { SQLITE_MIGRATIONS } from '../../plugins/storage-d1/index.ts'
import { DEMO_FEATURES, runtimeAuthEnv, runtimeKey } from '../../test/conformance/runtime-server.suite.ts'
import { sign } from '../../testkit/tokens.ts'
import { bundleForWorkers, startWorker, type RunningWorker } from '../../testkit/workerd.ts'

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))
const root = here('../../')
const started: RunningWorker[] = []
const start = async (options: Parameters<typeof startWorker>[0]) => {
  const worker = await startWorker(options)
  started.push(worker)
  return worker
}
afterAll(async () => {
  await Promise.all(started.map((w) => w.close()))
})

const predict = async (worker: RunningWorker, patientId: string, scope = 'nexora/predict') =>
  worker.mf.dispatchFetch('http://worker.test/predict', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await sign(await runtimeKey(), { scope })}` },
    body: JSON.stringify({ model: 'readmission-risk', rows: [{ patientId, features: DEMO_FEATURES }] }),
  })
const rows = async (worker: RunningWorker, query: string) =>
  (await (await worker.mf.getD1Database('DB')).prepare(query).all()).results as Record<string, unknown>[]

describe('examples/cloudflare-worker under workerd', () => {
  let code: string
  let worker: RunningWorker
  beforeAll(async () => {
    code = (await bundleForWorkers(here('./worker.ts'))).code
    worker = await start({ code, d1: ['DB'], vars: await runtimeAuthEnv() })
  }, 60_000)

  it('serves a prediction from the bundled model: D1 migrated and the model registered on the first request', async () => {
    const res = await predict(worker, 'Patient/wk-1')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { model: { version: string }; predictions: { score: number; label: string }[] }
    const dir = join(root, 'models/readmission-risk')
    const model = await linearModelPlugin.load({
      manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')),
      files: { 'model.json': new Uint8Array(readFileSync(join(dir, 'model.json'))) },
    })
    expect(body.predictions[0]!.score).toBe((await model.predict([{ features: DEMO_FEATURES }]))[0]!.score)
    expect(body.model.version).toBe('1.0.0')
    expect(await rows(worker, 'SELECT name, version, stage FROM model_versions')).toEqual([{ name: 'readmission-risk', version: '1.0.0', stage: 'production' }])
    expect((await rows(worker, 'SELECT count(*) AS n FROM d1_migrations'))[0]!.n).toBe(SQLITE_MIGRATIONS.length)
  })

  it('answers concurrent requests, each with both audit events committed in one valid chain', async () => {
    const before = Number((await rows(worker, 'SELECT count(*) AS n FROM audit_events'))[0]!.n)
    const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => predict(worker, `Patient/wk-c${i}`)))
    expect(answers.map((r) => r.status)).toEqual(Array(25).fill(200))
    expect(Number((await rows(worker, 'SELECT count(*) AS n FROM audit_events'))[0]!.n)).toBe(before + 50)
    const verify = await worker.mf.dispatchFetch('http://worker.test/audit/verify', {
      method: 'POST',
      headers: { authorization: `Bearer ${await sign(await runtimeKey(), { scope: 'nexora/audit.read' })}` },
    })
    // The verify request's own access event is committed before it runs, so it counts too.
    expect(await verify.json()).toMatchObject({ ok: true, events: before + 51 })
  })

  it('records an audit checkpoint at the chain head when the Cron Trigger fires', async () => {
    expect((await predict(worker, 'Patient/wk-cron')).status).toBe(200)
    // Miniflare's Fetcher type comes from @cloudflare/workers-types, which is not installed.
    const fetcher = (await worker.mf.getWorker()) as unknown as { scheduled(options: { cron: string }): Promise<unknown> }
    await fetcher.scheduled({ cron: '*/15 * * * *' })
    const [head] = await rows(worker, 'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1')
    expect(head).toBeDefined()
    expect(await rows(worker, 'SELECT seq, hash FROM audit_checkpoints')).toEqual([head])
  })

  it('refuses every request, rather than serving unauthenticated, when the JWT variables are missing', async () => {
    const open = await start({ code, d1: ['DB'] })
    const res = await open.mf.dispatchFetch('http://worker.test/models')
    expect(res.status).toBe(500)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect(await res.json()).toMatchObject({ code: 'plugin.invalid' })
  })

  it('writes the prediction log after the response (ctx.waitUntil), keyed by a pseudonym', async () => {
    const contents = `
      import { createWorker } from './adapters/cloudflare.ts'
      import { monitoring } from './plugins/monitoring/index.ts'
      import manifest from './models/readmission-risk/manifest.json' with { type: 'json' }
      import model from './models/readmission-risk/model.json' with { type: 'json' }
      import profile from './models/readmission-risk/profile.json' with { type: 'json' }
      export default createWorker({ bundledModels: [{ manifest, files: { 'model.json': model, 'profile.json': profile } }],
        plugins: (env) => monitoring({ key: env.NEXORA_MONITORING_KEY }) })`
    const monitored = await start({
      code: (await bundleForWorkers({ contents, resolveDir: root })).code,
      d1: ['DB'],
      vars: { ...(await runtimeAuthEnv()), NEXORA_MONITORING_KEY: 'a-test-key-of-32-bytes-0123456789' },
    })
    expect((await predict(monitored, 'Patient/wk-log')).status).toBe(200)
    let logged: Record<string, unknown>[] = []
    for (let i = 0; i < 50 && logged.length === 0; i++) {
      logged = await rows(monitored, 'SELECT model, subject_key FROM prediction_log')
      if (logged.length === 0) await new Promise((r) => setTimeout(r, 100))
    }
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatchObject({ model: 'readmission-risk', subject_key: expect.stringMatching(/^(?!.*wk-log).+$/) })
  })

  it('serves a D1 database that `wrangler d1 migrations apply` migrated (wrangler.jsonc), which the Worker leaves as it is', { timeout: 60_000 }, async () => {
    const state = mkdtempSync(join(tmpdir(), 'nexora-wrangler-'))
    try {
      await promisify(execFile)(
        process.execPath,
        [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'd1', 'migrations', 'apply', 'nexora', '--local', '--persist-to', state],
        {
          cwd: here('./'),
          env: { ...process.env, CI: '1', NO_COLOR: '1', WRANGLER_SEND_METRICS: 'false' },
        },
      )
      const deployed = await start({ code, d1: { DB: '00000000-0000-0000-0000-000000000000' }, d1Persist: join(state, 'v3/d1'), vars: await runtimeAuthEnv() })
      expect((await predict(deployed, 'Patient/wk-w')).status).toBe(200)
      // Every committed migration, as wrangler applied them (the list grows with the schema).
      expect((await rows(deployed, 'SELECT name FROM d1_migrations ORDER BY id')).map((r) => r.name)).toEqual(SQLITE_MIGRATIONS.map((m) => m.name))
    } finally {
      await Promise.all(started.splice(0).map((w) => w.close()))
      rmSync(state, { recursive: true, force: true })
    }
  })
})
