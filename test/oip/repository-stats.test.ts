import { describe, expect, it } from 'vitest'
import { createOipState } from '../../plugins/oip/index.ts'
import { oipNexora } from '../../testkit/oip-harness.ts'

const inputs = [{ name: 'age', datatype: 'FP64', shape: [2], data: [70, 30] }]
const writer = { devCaller: { subject: 'ops', scopes: ['nexora/models.write', 'nexora/predict'], roles: [] } }

describe('model repository extension', () => {
  it('indexes every registered version with its state, and filters with ready: true', async () => {
    const { nexora, request } = await oipNexora()
    await nexora.registry.archive('matrix', '1.0.0')
    const index = await (await request('/v2/repository/index', {})).json()
    expect(index).toEqual(
      expect.arrayContaining([
        { name: 'toy', version: '1.0.0', state: 'READY' },
        { name: 'matrix', version: '1.0.0', state: 'UNAVAILABLE', reason: 'archived' },
      ]),
    )
    expect(index).toHaveLength(4)
    const ready = await (await request('/v2/repository/index', { ready: true })).json()
    expect(ready.map((e: { name: string }) => e.name).sort()).toEqual(['lightgbm-v2-iris', 'mymodel', 'toy'])
    const noBody = await nexora.app.request('/v2/repository/index', { method: 'POST' })
    expect([noBody.status, (await noBody.json()).length]).toEqual([200, 4])
  })

  it('unload takes a model out of /v2 service (409 on infer, not ready); load brings it back; stages stay', async () => {
    const { nexora, request } = await oipNexora(writer)
    const unload = await request('/v2/repository/models/toy/unload', {})
    expect([unload.status, await unload.text()]).toEqual([200, ''])
    const refused = await request('/v2/models/toy/infer', { inputs })
    expect([refused.status, (await refused.json()).error]).toEqual([409, expect.stringMatching(/^\[model\.unloaded\]/)])
    expect((await request('/v2/models/toy/ready')).status).toBe(400)
    expect(await (await request('/v2/repository/index', { ready: false })).json()).toContainEqual({
      name: 'toy',
      version: '1.0.0',
      state: 'UNAVAILABLE',
      reason: 'unloaded',
    })
    expect((await nexora.registry.get('toy')).aliases.production).toBe('1.0.0')
    const other = await nexora.app.request('/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'toy', rows: [{ features: { age: 50 } }] }),
    })
    expect(other.status).toBe(200)
    expect((await request('/v2/repository/models/toy/load', {})).status).toBe(200)
    expect((await request('/v2/models/toy/infer', { inputs })).status).toBe(200)
  })

  it('load and unload answer {"error"} for unknown models and need nexora/models.write', async () => {
    const { request } = await oipNexora(writer)
    const unknown = await request('/v2/repository/models/nope/load', {})
    expect([unknown.status, (await unknown.json()).error]).toEqual([404, expect.stringMatching(/^\[model\.not_found\]/)])
    const reader = await oipNexora({ devCaller: { subject: 'viewer', scopes: ['nexora/models.read', 'nexora/predict'], roles: [] } })
    for (const action of ['load', 'unload']) {
      const res = await reader.request(`/v2/repository/models/toy/${action}`, {})
      expect([res.status, (await res.json()).error]).toEqual([403, expect.stringContaining('nexora/models.write')])
    }
  })
})

describe('statistics extension', () => {
  it('counts successes (rows and executions), failures, and cumulative ns per phase, per model version', async () => {
    let clock = 0
    const { request } = await oipNexora({}, { state: createOipState({ now: () => (clock += 1) }) })
    const before = await (await request('/v2/models/toy/stats')).json()
    expect(before.model_stats).toEqual([expect.objectContaining({ name: 'toy', version: '1.0.0', inference_count: 0, execution_count: 0, last_inference: 0 })])
    await request('/v2/models/toy/infer', { inputs })
    await request('/v2/models/toy/versions/1.0.0/infer', { inputs: [{ ...inputs[0], shape: [1], data: [40] }] })
    await request('/v2/models/toy/infer', { inputs: [{ name: 'age', datatype: 'FP64', shape: [3], data: [1] }] })
    const [stats] = (await (await request('/v2/models/toy/versions/1.0.0/stats')).json()).model_stats
    expect(stats).toMatchObject({ name: 'toy', version: '1.0.0', inference_count: 3, execution_count: 2 })
    expect(stats.last_inference).toBeGreaterThan(0)
    // The fake clock ticks 1 ms per reading: 4 readings per success (3 phases), 2 per failure.
    expect(stats.inference_stats).toEqual({
      success: { count: 2, ns: 6e6 },
      fail: { count: 1, ns: 1e6 },
      queue: { count: 2, ns: 0 },
      compute_input: { count: 2, ns: 2e6 },
      compute_infer: { count: 2, ns: 2e6 },
      compute_output: { count: 2, ns: 2e6 },
    })
    const all = (await (await request('/v2/models/stats')).json()).model_stats
    expect(all.map((s: { name: string }) => s.name)).toEqual(['toy'])
    const unknown = await request('/v2/models/nope/stats')
    expect(unknown.status).toBe(404)
  })
})
