import { describe, expect, it } from 'vitest'
import { oipNexora, sigmoid } from '../../testkit/oip-harness.ts'

const toyInputs = [
  { name: 'age', datatype: 'INT32', shape: [2], data: [70, 30] },
  { name: 'smoker', datatype: 'BOOL', shape: [2, 1], data: [[true], [false]] },
  { name: 'sex', datatype: 'BYTES', shape: [2], data: ['F', 'M'] },
]
// The toy model: score = sigmoid(−3 + 0.05·age + smoker), threshold 0.5, labels low/high.
const expected = [sigmoid(-3 + 0.05 * 70 + 1), sigmoid(-3 + 0.05 * 30)]

describe('POST /v2/models/{name}[/versions/{version}]/infer', () => {
  it('scores a batch through the pipeline: score FP64 and label BYTES, the id echoed', async () => {
    const { request } = await oipNexora()
    const res = await request('/v2/models/toy/infer', { id: 'req-7', inputs: toyInputs })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({ model_name: 'toy', model_version: '1.0.0', id: 'req-7' })
    expect(body.outputs.map((o: { name: string }) => o.name)).toEqual(['score', 'label'])
    expect(body.outputs[0]).toMatchObject({ datatype: 'FP64', shape: [2] })
    body.outputs[0].data.forEach((s: number, i: number) => expect(s).toBeCloseTo(expected[i]!, 12))
    expect(body.outputs[1]).toEqual({ name: 'label', datatype: 'BYTES', shape: [2], parameters: { content_type: 'str' }, data: ['high', 'low'] })
  })

  it('answers without an id when none was given, and serves an explicit version or alias', async () => {
    const { request } = await oipNexora()
    const plain = await (await request('/v2/models/toy/infer', { inputs: toyInputs })).json()
    expect('id' in plain).toBe(false)
    const byVersion = await request('/v2/models/toy/versions/1.0.0/infer', { inputs: toyInputs })
    const byAlias = await request('/v2/models/toy/versions/production/infer', { inputs: toyInputs })
    expect([(await byVersion.json()).model_version, (await byAlias.json()).model_version]).toEqual(['1.0.0', '1.0.0'])
    const missing = await request('/v2/models/toy/versions/9.9.9/infer', { inputs: toyInputs })
    expect([missing.status, (await missing.json()).error]).toEqual([404, expect.stringMatching(/^\[model\.version_not_found\]/)])
  })

  it('returns only the requested outputs, in the order asked', async () => {
    const { request } = await oipNexora()
    const body = await (await request('/v2/models/toy/infer', { inputs: toyInputs, outputs: [{ name: 'label' }, { name: 'score' }] })).json()
    expect(body.outputs.map((o: { name: string }) => o.name)).toEqual(['label', 'score'])
    const only = await (await request('/v2/models/toy/infer', { inputs: toyInputs, outputs: [{ name: 'label' }] })).json()
    expect(only.outputs).toHaveLength(1)
    const empty = await (await request('/v2/models/toy/infer', { inputs: toyInputs, outputs: [] })).json()
    expect(empty.outputs.map((o: { name: string }) => o.name)).toEqual(['score', 'label'])
  })

  it('explains when asked by parameter or by requesting the output: one JSON array per row', async () => {
    const { request } = await oipNexora()
    const viaParam = await (await request('/v2/models/toy/infer', { inputs: toyInputs, parameters: { explain: true } })).json()
    const explanation = viaParam.outputs.find((o: { name: string }) => o.name === 'explanation')
    expect(explanation).toMatchObject({ datatype: 'BYTES', shape: [2] })
    const first = JSON.parse(explanation.data[0])
    expect(first.find((c: { feature: string }) => c.feature === 'age').contribution).toBeCloseTo(3.5, 12)
    const viaOutput = await (await request('/v2/models/toy/infer', { inputs: toyInputs, outputs: [{ name: 'explanation' }] })).json()
    expect(viaOutput.outputs.map((o: { name: string }) => o.name)).toEqual(['explanation'])
    expect(viaOutput.outputs[0].data).toEqual(explanation.data)
    const none = await (await request('/v2/models/toy/infer', { inputs: toyInputs })).json()
    expect(none.outputs.some((o: { name: string }) => o.name === 'explanation')).toBe(false)
  })

  it('records the patient reference and purpose in the audit events, via oip, and never logs the reference', async () => {
    const { request, audit, logs } = await oipNexora()
    const res = await request('/v2/models/toy/infer', {
      inputs: [toyInputs[0]!].map((i) => ({ ...i, shape: [1], data: [70] })),
      parameters: { patient_ref: 'Patient/pt-4242', purpose: 'TREAT' },
    })
    expect(res.status).toBe(200)
    const requestId = res.headers.get('x-request-id')
    const events = audit.events.filter((e) => e.requestId === requestId)
    expect(events.map((e) => [e.action, e.patientRef, e.outcome])).toEqual([
      ['predict.request', 'Patient/pt-4242', 'success'],
      ['predict.response', 'Patient/pt-4242', 'success'],
    ])
    expect(events[0]!.context).toMatchObject({ via: 'oip', purpose: 'TREAT', rows: 1 })
    expect(logs.join('\n')).not.toContain('pt-4242')
  })

  it('answers client mistakes with 4xx {"error"} bodies that carry no values', async () => {
    const { request } = await oipNexora()
    const cases: [unknown, number, RegExp][] = [
      [{ inputs: toyInputs, outputs: [{ name: 'probability' }] }, 400, /output "probability" is not an output of this model \(score, label, explanation\)/],
      [{ inputs: toyInputs, outputs: [{ name: 'score', parameters: { binary_data: true } }] }, 400, /binary tensor data is not supported/],
      [{ inputs: toyInputs, parameters: { patient_ref: 42 } }, 400, /parameters\.patient_ref must be a string/],
      [{ inputs: toyInputs, parameters: { explain: 'yes' } }, 400, /parameters\.explain must be a boolean/],
      [{ inputs: [{ name: 'age', datatype: 'FP64', shape: [1], data: [500] }] }, 422, /^\[features\.invalid\].*features: age/],
      [{ inputs: [{ name: 'smoker', datatype: 'BOOL', shape: [1], data: [true] }] }, 422, /^\[features\.missing\].*features: age/],
      [{ inputs: [{ name: 'age', datatype: 'FP64', shape: [0], data: [] }] }, 400, /^\[batch\.empty\]/],
      [{ inputs: [] }, 400, /^\[request\.invalid\].*inputs/],
      [{ inputs: [{ name: 'age', datatype: 'FP64', shape: [1] }] }, 400, /^\[request\.invalid\].*data/],
      ['{"inputs": [', 400, /^\[request\.malformed_json\]/],
    ]
    for (const [body, status, error] of cases) {
      const res = await request('/v2/models/toy/infer', body)
      expect(res.status, JSON.stringify(body)).toBe(status)
      expect(res.headers.get('content-type')).toBe('application/json')
      const json = await res.json()
      expect(Object.keys(json)).toEqual(['error'])
      expect(json.error, JSON.stringify(body)).toMatch(error)
      expect(json.error).not.toContain('500')
    }
    const hidden = await (await request('/v2/models/toy/infer', { inputs: toyInputs, parameters: { patient_ref: 'x'.repeat(300) } })).json()
    expect(hidden.error).not.toContain('xxxx')
  })

  it('needs the predict scope: 403 {"error"} without it, and the denial is audited', async () => {
    const { request, audit } = await oipNexora({ devCaller: { subject: 'viewer', scopes: ['nexora/models.read'], roles: [] } })
    const res = await request('/v2/models/toy/infer', { inputs: toyInputs })
    expect(res.status).toBe(403)
    expect((await res.json()).error).toMatch(/^\[auth\.forbidden\].*nexora\/predict/)
    expect(audit.events.at(-1)).toMatchObject({ action: 'auth.denied', outcome: 'denied', actor: 'viewer' })
  })

  it('answers unknown /v2 paths and methods with a 404 {"error"}, leaving other paths as problem+json', async () => {
    const { request } = await oipNexora()
    const unknown = await request('/v2/models/toy/explain', { inputs: toyInputs })
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: '[route.not_found] No such route' }])
    const wrongMethod = await request('/v2/models/toy/infer')
    expect(wrongMethod.status).toBe(404)
    expect(Object.keys(await wrongMethod.json())).toEqual(['error'])
    expect((await request('/elsewhere')).headers.get('content-type')).toBe('application/problem+json')
  })
})
