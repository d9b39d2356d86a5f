import { describe, expect, it } from 'vitest'
import { NexoraError, ROUTE_POLICIES } from '../../core/index.ts'
import { oipPolicies } from '../../plugins/oip/index.ts'
import { oipNexora } from '../../testkit/oip-harness.ts'

const noScopes = { devCaller: { subject: 'nobody', scopes: [], roles: [] } }

describe('health and server metadata (public)', () => {
  it('answers live, ready and server metadata without any scope', async () => {
    const { request } = await oipNexora(noScopes)
    expect([(await request('/v2/health/live')).status, await (await request('/v2/health/live')).json()]).toEqual([200, { live: true }])
    expect(await (await request('/v2/health/ready')).json()).toEqual({ ready: true })
    expect(await (await request('/v2')).json()).toEqual({ name: 'nexora', version: '0.1.0', extensions: ['model_repository', 'statistics'] })
  })

  it('reports not ready with a 4xx when the model store fails, and takes its server name from options', async () => {
    const { nexora, request } = await oipNexora({}, { server: { name: 'ward-7', version: '2.3.4' } })
    expect(await (await request('/v2')).json()).toMatchObject({ name: 'ward-7', version: '2.3.4' })
    // The registry wraps its store when it is made (core/registry/coded-store.ts) and answers a
    // failed store with storage.unavailable: that is what the probe sees when the disk is gone.
    nexora.registry.list = async () => {
      throw new NexoraError('storage.unavailable')
    }
    const res = await nexora.app.request('/v2/health/ready')
    expect([res.status, await res.json()]).toEqual([400, { ready: false }])
  })
})

describe("the REST spec's own paths (issue 14)", () => {
  it('answers server metadata at `GET /v2/`, the path rest_predict_v2.yaml names, as at `GET /v2`, without a token', async () => {
    const { request } = await oipNexora(noScopes)
    const slash = await request('/v2/')
    expect(slash.status).toBe(200)
    expect(await slash.json()).toEqual(await (await request('/v2')).json())
  })

  it('adds no trailing slash the spec does not name: those stay {"error"} 404', async () => {
    const { request } = await oipNexora()
    for (const path of ['/v2/health/live/', '/v2/health/ready/', '/v2/models/toy/', '/v2/models/toy/ready/']) {
      const res = await request(path)
      expect([path, res.status, Object.keys(await res.json())]).toEqual([path, 404, ['error']])
    }
  })
})

describe('model metadata and readiness (read scopes)', () => {
  it('describes a model: versions, platform, one input per feature in manifest order, outputs', async () => {
    const { request } = await oipNexora()
    const meta = await (await request('/v2/models/toy')).json()
    expect(meta).toEqual({
      name: 'toy',
      versions: ['1.0.0'],
      platform: 'nexora_toy',
      inputs: [
        { name: 'age', datatype: 'FP64', shape: [-1] },
        { name: 'smoker', datatype: 'BOOL', shape: [-1] },
        { name: 'sex', datatype: 'BYTES', shape: [-1] },
      ],
      outputs: [
        { name: 'score', datatype: 'FP64', shape: [-1] },
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'explanation', datatype: 'BYTES', shape: [-1] },
      ],
    })
    const noLabel = await (await request('/v2/models/matrix/versions/1.0.0')).json()
    expect(noLabel.outputs.map((o: { name: string }) => o.name)).toEqual(['score', 'explanation'])
  })

  it('lists versions a caller may name, leaving out archived ones', async () => {
    const { nexora, request } = await oipNexora()
    const { toyManifest, toyFiles } = await import('../../testkit/models.ts')
    await nexora.registry.register(toyManifest('1.1.0'), toyFiles())
    await nexora.registry.register(toyManifest('1.2.0'), toyFiles())
    await nexora.registry.archive('toy', '1.1.0')
    expect((await (await request('/v2/models/toy')).json()).versions).toEqual(['1.0.0', '1.2.0'])
    const archived = await request('/v2/models/toy/versions/1.1.0/ready')
    expect([archived.status, await archived.json()]).toEqual([400, { name: 'toy', ready: false }])
  })

  it('is ready when the version loads; unknown models and bad names are {"error"} 404 and 400', async () => {
    const { request } = await oipNexora()
    expect(await (await request('/v2/models/toy/ready')).json()).toEqual({ name: 'toy', ready: true })
    expect(await (await request('/v2/models/toy/versions/latest/ready')).json()).toEqual({ name: 'toy', ready: true })
    const unknown = await request('/v2/models/nope/ready')
    expect([unknown.status, (await unknown.json()).error]).toEqual([404, expect.stringMatching(/^\[model\.not_found\]/)])
    const bad = await request('/v2/models/bad%20name')
    expect([bad.status, (await bad.json()).error]).toEqual([400, expect.stringMatching(/^\[request\.invalid\]/)])
  })

  it('needs a read scope: 403 {"error"} for a caller with none, 200 with nexora/models.read', async () => {
    const { request } = await oipNexora(noScopes)
    for (const path of ['/v2/models/toy', '/v2/models/toy/ready', '/v2/models/toy/stats', '/v2/models/stats']) {
      const res = await request(path)
      expect(res.status, path).toBe(403)
      expect((await res.json()).error, path).toMatch(/^\[auth\.forbidden\]/)
    }
    const reader = await oipNexora({ devCaller: { subject: 'viewer', scopes: ['nexora/models.read'], roles: [] } })
    for (const path of ['/v2/models/toy', '/v2/models/toy/ready', '/v2/models/toy/stats', '/v2/models/stats'])
      expect((await reader.request(path)).status, path).toBe(200)
  })
})

describe('route table and OpenAPI', () => {
  it('declares every /v2 route in /openapi.json with a policy, health public and the rest scoped', async () => {
    const { request } = await oipNexora()
    const doc = await (await request('/openapi.json')).json()
    const declared = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.startsWith('/v2'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
    expect(declared.sort()).toEqual(Object.keys(oipPolicies).sort())
    expect(
      Object.entries(oipPolicies)
        .filter(([, p]) => p.access === 'public')
        .map(([k]) => k)
        .sort(),
    ).toEqual(['GET /v2', 'GET /v2/', 'GET /v2/health/live', 'GET /v2/health/ready'])
    expect(oipPolicies['POST /v2/repository/models/:name/load']!.access).toEqual({ anyOf: ['nexora/models.write'] })
    expect(oipPolicies['POST /v2/models/:name/infer']!.access).toEqual(ROUTE_POLICIES['POST /predict']!.access)
    expect(doc.paths['/v2/models/{name}/infer'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/OipInferRequest')
    expect(Object.keys(doc.paths['/v2/models/{name}/infer'].post.responses)).toEqual(expect.arrayContaining(['200', '400', '403', '404', '409', '422']))
  })
})
