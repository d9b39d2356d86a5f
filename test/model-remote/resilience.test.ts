/**
 * model-remote's failure behaviour against scripted REST servers: time limits, retries only where
 * nothing was scored, the circuit breaker, the allowlist, and a token that never leaves its origin.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { manualClock, NexoraError, type ModelManifest } from '../../core/index.ts'
import { createRemoteModelPlugin, type RemoteEndpoint, type RemoteModelOptions } from '../../plugins/model-remote/index.ts'
import { parseRemote } from '../../plugins/model-remote/section.ts'
import { toRequest } from '../../plugins/model-remote/tensors.ts'
import { fakeOipServer, scored, type FakeOipServer } from '../../testkit/fake-oip-server.ts'

const row = { features: { x: 1.5, flag: true, kind: 'b' } }
const manifest = (endpoint: string, remote: Record<string, unknown> = {}): ModelManifest =>
  ({
    name: 'fronted',
    version: '1.0.0',
    kind: 'remote',
    inputs: [
      { name: 'x', type: 'number' },
      { name: 'flag', type: 'boolean' },
      { name: 'kind', type: 'category', categories: ['a', 'b'], required: false },
    ],
    outputs: [{ name: 'p', type: 'probability' }],
    remote: { protocol: 'rest', endpoint, model: 'upstream', timeoutMs: 2_000, ...remote },
  }) as ModelManifest

const servers: FakeOipServer[] = []
const serve = async (...args: Parameters<typeof fakeOipServer>) => {
  const s = await fakeOipServer(...args)
  servers.push(s)
  return s
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const sleeps: number[] = []
const plugin = (endpoints: RemoteEndpoint[], more: Partial<RemoteModelOptions> = {}) =>
  createRemoteModelPlugin({ endpoints, retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 }, ...more })
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof NexoraError ? e.code : String(e)),
  )

describe('model-remote over REST: failures', () => {
  it('sends the tensors plugins/oip reads, with the token, and reads the score', async () => {
    const server = await serve()
    const model = await plugin([{ origin: server.url, token: 't0k' }]).load({ manifest: manifest(server.url), files: {} })
    expect(await model.predict([row])).toEqual([{ score: 0.25 }])
    expect(server.requests[0]).toMatchObject({ path: '/v2/models/upstream/infer', authorization: 'Bearer t0k' })
    expect(server.requests[0]!.body).toEqual({
      inputs: [
        { name: 'x', datatype: 'FP64', shape: [1], data: [1.5] },
        { name: 'flag', datatype: 'BOOL', shape: [1], data: [true] },
        { name: 'kind', datatype: 'BYTES', shape: [1], data: ['b'] },
      ],
      outputs: [{ name: 'score' }],
    })
  })

  it('packs [batch, n] FP64 in manifest order when asked, a missing optional feature as null', async () => {
    const server = await serve(() => ({
      status: 200,
      body: {
        outputs: [
          {
            name: 'proba',
            datatype: 'FP32',
            shape: [2, 2],
            data: [
              [0.9, 0.1],
              [0.3, 0.7],
            ],
          },
        ],
      },
    }))
    const m = manifest(server.url, { inputs: { layout: 'packed', name: 'input-0' }, output: 'proba', outputIndex: 1, version: '2' })
    const model = await plugin([{ origin: server.url }]).load({ manifest: m, files: {} })
    expect(await model.predict([row, { features: { x: 2, flag: false } }])).toEqual([{ score: 0.1 }, { score: 0.7 }])
    expect(server.requests[0]!.path).toBe('/v2/models/upstream/versions/2/infer')
    expect(server.requests[0]!.authorization).toBeUndefined()
    expect((server.requests[0]!.body as { inputs: unknown[] }).inputs).toEqual([
      { name: 'input-0', datatype: 'FP64', shape: [2, 3], data: [1.5, 1, 1, 2, 0, null] },
    ])
  })

  it('retries a 503 and scores on the second attempt', async () => {
    const server = await serve((_, n) => (n === 1 ? { status: 503, body: { error: 'warming up' } } : { status: 200, body: scored(1, 0.4) }))
    sleeps.length = 0
    const model = await plugin([{ origin: server.url }]).load({ manifest: manifest(server.url), files: {} })
    expect(await model.predict([row])).toEqual([{ score: 0.4 }])
    expect(server.requests).toHaveLength(2)
    expect(sleeps).toEqual([37.5])
  })

  it('gives up after `retries` on a server that stays 503 or is not there, and never retries a 4xx or a 500', async () => {
    const down = await serve(() => ({ status: 503 }))
    const refusing = await serve(() => ({ status: 422, body: { error: '[features.invalid] The feature x …' } }))
    const failing = await serve(() => ({ status: 500, body: {} }))
    const gone = 'http://127.0.0.1:9'
    const p = plugin([{ origin: down.url }, { origin: refusing.url }, { origin: failing.url }, { origin: gone }])
    const load = (url: string) => p.load({ manifest: manifest(url, { retries: 3 }), files: {} })
    expect(await codeOf((await load(down.url)).predict([row]))).toBe('remote.unavailable')
    expect(down.requests).toHaveLength(4)
    const refused = await (await load(refusing.url)).predict([row]).catch((e: NexoraError) => e)
    expect([(refused as NexoraError).code, (refused as NexoraError).detail]).toEqual(['remote.refused', 'HTTP 422 features.invalid'])
    expect(refusing.requests).toHaveLength(1)
    expect(await codeOf((await load(failing.url)).predict([row]))).toBe('remote.bad_response')
    expect(failing.requests).toHaveLength(1)
    sleeps.length = 0
    expect(await codeOf((await load(gone)).predict([row]))).toBe('remote.unavailable')
    expect(sleeps).toHaveLength(3)
  })

  it('ends an attempt at timeoutMs with remote.timeout, and does not retry it', async () => {
    const server = await serve(() => 'hang')
    const model = await plugin([{ origin: server.url }]).load({ manifest: manifest(server.url, { timeoutMs: 150 }), files: {} })
    const started = performance.now()
    expect(await codeOf(model.predict([row]))).toBe('remote.timeout')
    expect(performance.now() - started).toBeLessThan(1_500)
    expect(server.requests).toHaveLength(1)
  })

  it('opens the circuit after N failed calls, probes once after the cool-down, and closes on success', async () => {
    let healthy = false
    const server = await serve(() => (healthy ? { status: 200, body: scored(1) } : { status: 500 }))
    const clock = manualClock(1_000)
    const p = plugin([{ origin: server.url }], { clock, breaker: { failureThreshold: 2, coolDownMs: 10_000 } })
    const model = await p.load({ manifest: manifest(server.url, { retries: 0 }), files: {} })
    expect([await codeOf(model.predict([row])), await codeOf(model.predict([row]))]).toEqual(['remote.bad_response', 'remote.bad_response'])
    expect(p.circuit(server.url, 'rest')).toBe('open')
    expect(await codeOf(model.predict([row]))).toBe('remote.circuit_open')
    expect(server.requests).toHaveLength(2)
    clock.advance(10_000)
    expect(p.circuit(server.url, 'rest')).toBe('half-open')
    expect(await codeOf(model.predict([row]))).toBe('remote.bad_response')
    expect(p.circuit(server.url, 'rest')).toBe('open')
    clock.advance(10_000)
    healthy = true
    expect(await model.predict([row])).toEqual([{ score: 0.25 }])
    expect(p.circuit(server.url, 'rest')).toBe('closed')
    expect(server.requests).toHaveLength(4)
  })

  it('refuses a manifest whose endpoint is not allowlisted (another port, scheme or host), before any call', async () => {
    const server = await serve()
    const p = plugin([{ origin: server.url, token: 'secret' }])
    const port = Number(new URL(server.url).port)
    for (const endpoint of [`http://127.0.0.1:${port + 1}`, server.url.replace('http:', 'https:'), `http://localhost:${port}`])
      expect(await codeOf(p.load({ manifest: manifest(endpoint), files: {} }))).toBe('remote.endpoint_not_allowed')
    expect(server.requests).toHaveLength(0)
    expect(await codeOf(p.load({ manifest: manifest(`http://u:p@127.0.0.1:${port}`), files: {} }))).toBe('model.invalid_manifest')
    expect(await codeOf(p.load({ manifest: { ...manifest(server.url), remote: undefined } as never, files: {} }))).toBe('model.invalid_manifest')
    expect(() => plugin([{ origin: `${server.url}/v2` }])).toThrow(NexoraError)
  })

  it('sends the bearer token only to its origin, and never follows a redirect elsewhere', async () => {
    const elsewhere = await serve()
    const other = await serve()
    const server = await serve(() => ({ status: 307, headers: { location: `${elsewhere.url}/v2/models/upstream/infer` } }))
    const p = plugin([
      { origin: server.url, token: 'only-for-server' },
      { origin: other.url, token: 'only-for-other' },
    ])
    expect(await codeOf((await p.load({ manifest: manifest(server.url), files: {} })).predict([row]))).toBe('remote.bad_response')
    await (await p.load({ manifest: manifest(other.url), files: {} })).predict([row])
    expect(server.requests.map((r) => r.authorization)).toEqual(['Bearer only-for-server'])
    expect(other.requests.map((r) => r.authorization)).toEqual(['Bearer only-for-other'])
    expect(elsewhere.requests).toHaveLength(0)
  })

  it('refuses answers that are not one finite score per row, and explanations the manifest does not declare', async () => {
    const bodies = [{ outputs: [] }, { outputs: [{ name: 'score', datatype: 'FP64', shape: [2], data: [0.1, 0.2] }] }, { nope: 1 }, scored(1, Number.NaN)]
    const server = await serve((_, n) => ({ status: 200, body: bodies[n - 1] }))
    const model = await plugin([{ origin: server.url }]).load({ manifest: manifest(server.url), files: {} })
    for (const _ of bodies) expect(await codeOf(model.predict([row]))).toBe('remote.bad_response')
    expect(await codeOf(model.explain([row]))).toBe('remote.explain_unsupported')
  })

  it('refuses a missing optional feature where the protocol has no null (gRPC), before any call', () => {
    const m = manifest('http://127.0.0.1:1', { protocol: 'grpc' })
    const section = parseRemote(m)
    const sparse = [{ features: { x: 1, flag: false } }]
    expect(toRequest(section, m.inputs, sparse, { explain: false, canSendNull: true }).inputs[2]!.data).toEqual([null])
    const error = (() => {
      try {
        toRequest(section, m.inputs, sparse, { explain: false, canSendNull: false })
      } catch (e) {
        return e as NexoraError
      }
    })()
    expect([error?.code, error?.detail]).toEqual(['remote.missing_value', 'feature kind: gRPC contents cannot carry a missing value; send it over REST'])
  })
})
