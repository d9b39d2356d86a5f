/**
 * The Deno Deploy entry (examples/deno-deploy/main.ts) under the real `deno` binary: `deno check`
 * passes, and `deno serve` with only --allow-net and --allow-env (what Deploy grants: no file
 * system writes, no FFI) answers /health, a /predict with the bundled model, and an audit verify.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findBinary, spawnRuntime, type RuntimeProcess } from '../../testkit/runtime-process.ts'
import { sign } from '../../testkit/tokens.ts'
import { DEMO_FEATURES, runtimeAuthEnv, runtimeKey } from '../conformance/runtime-server.suite.ts'

const DENO = findBinary(
  'deno',
  ['node_modules/.bin/deno', `node_modules/@deno/${process.platform}-${process.arch}-glibc/deno`],
  'It comes from the `deno` devDependency: run `npm install` (without --ignore-scripts).',
)
const ENTRY = 'examples/deno-deploy/main.ts'
const root = new URL('../../', import.meta.url).pathname
let server: RuntimeProcess
beforeAll(async () => {
  server = await spawnRuntime({
    name: 'deno-deploy',
    // deno serve prints its "Listening on" line to stderr; the runner reads stdout.
    command: '/bin/sh',
    args: () => ['-c', `exec "${DENO}" serve --host 127.0.0.1 --port 0 --allow-net --allow-env ${ENTRY} 2>&1`],
    env: { DENO_NO_UPDATE_CHECK: '1', ...(await runtimeAuthEnv()) },
    ready: /Listening on (http:\/\/127\.0\.0\.1:\d+)/,
    startMs: 120_000,
  })
}, 150_000)
afterAll(async () => {
  // deno serve ends on SIGTERM without a graceful drain of its own: only the process going matters here.
  await server?.close().catch(() => undefined)
})

const auth = async (scope: string) => ({ authorization: `Bearer ${await sign(await runtimeKey(), { scope })}` })

describe('examples/deno-deploy under deno serve', () => {
  it('passes deno check', async () => {
    const { stderr } = await promisify(execFile)(DENO, ['check', ENTRY], { cwd: root, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' } })
    expect(stderr).toContain('Check')
  }, 120_000)

  it('serves the bundled model with JWT auth and an audit trail, with --allow-net and --allow-env only', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
    const body = JSON.stringify({ model: 'readmission-risk', rows: [{ patientId: 'Patient/dd-1', features: DEMO_FEATURES }] })
    const refused = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    expect(refused.status).toBe(401)
    const res = await fetch(`${server.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await auth('nexora/predict')) },
      body,
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const answer = (await res.json()) as { model: { version: string }; predictions: { score: number }[] }
    expect(answer.model.version).toBe('1.0.0')
    expect(answer.predictions[0]!.score).toBeGreaterThan(0)
    expect(answer.predictions[0]!.score).toBeLessThan(1)
    const verify = await fetch(`${server.url}/audit/verify`, { method: 'POST', headers: await auth('nexora/audit.read') })
    expect(await verify.json()).toMatchObject({ ok: true })
  })
})
