import { describe, expect, it } from 'vitest'
import { post, toyNexora } from '../../testkit/nexora.ts'

const row = (features: Record<string, unknown>, patientId?: string) => ({ ...(patientId ? { patientId } : {}), features })
const good = { model: 'toy', rows: [row({ age: 60, smoker: true }, 'Patient/secret-77')] }

async function call(body: unknown, headers?: Record<string, string>, config = {}) {
  const { nexora, audit } = await toyNexora(config)
  const res = await nexora.app.request('/predict', post('/predict', body, headers))
  const text = await res.text()
  return { res, text, json: text ? JSON.parse(text) : undefined, audit }
}

describe('POST /predict', () => {
  it("scores each row with label and model version; its own unique request id, the client's kept as correlation id", async () => {
    const { res, json, audit } = await call({ ...good, rows: [good.rows[0], row({ age: 20 })] }, { 'x-request-id': 'abc-123' })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(json.requestId).toBe(res.headers.get('x-request-id'))
    expect(res.headers.get('x-correlation-id')).toBe('abc-123')
    expect(audit.events.filter((e) => e.requestId === json.requestId).map((e) => e.context.correlationId)).toEqual(['abc-123', 'abc-123'])
    expect(json.model).toEqual({ name: 'toy', version: '1.0.0' })
    expect(json.predictions[0].score).toBeCloseTo(1 / (1 + Math.exp(-(-3 + 3 + 1))), 12)
    expect(json.predictions[0].label).toBe('high')
    expect(json.predictions[1].label).toBe('low')
    expect(json.predictions[0].explanation).toBeUndefined()
  })

  it('never takes an unsafe client id, not even as a correlation id', async () => {
    const { res, json } = await call(good, { 'x-request-id': 'bad id\n' })
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(json.requestId).toBe(res.headers.get('x-request-id'))
    expect(res.headers.get('x-correlation-id')).toBeNull()
  })

  it('explains on request, largest contribution first', async () => {
    const { json } = await call({ ...good, explain: true })
    expect(json.predictions[0].explanation.map((c: { feature: string }) => c.feature)).toEqual(['age', 'smoker'])
    expect(json.predictions[0].explanation[0].contribution).toBeCloseTo(3, 12)
  })

  it('appends a request and a response event, committed, with no feature values', async () => {
    const { json, audit } = await call(good, { 'x-request-id': 'req-9' })
    const events = audit.events.filter((e) => e.requestId === json.requestId)
    expect(events.map((e) => [e.action, e.outcome, e.patientRef, e.model, e.version])).toEqual([
      ['predict.request', 'success', 'Patient/secret-77', 'toy', null],
      ['predict.response', 'success', 'Patient/secret-77', 'toy', '1.0.0'],
    ])
    expect(events[1]!.context.inputHash).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(events)).not.toMatch(/"age"|:60\b/)
    expect(await audit.verify()).toMatchObject({ ok: true })
  })

  it('resolves an explicit version and an alias', async () => {
    const { nexora } = await toyNexora()
    const { toyManifest, toyFiles } = await import('../../testkit/models.ts')
    await nexora.registry.register(toyManifest('2.0.0'), toyFiles(0.1))
    await nexora.registry.promote('toy', '2.0.0', 'staging')
    const byAlias = await (await nexora.app.request('/predict', post('', { ...good, alias: 'staging' }))).json()
    const byVersion = await (await nexora.app.request('/predict', post('', { ...good, version: '1.0.0' }))).json()
    const byDefault = await (await nexora.app.request('/predict', post('', good))).json()
    const byRef = await (await nexora.app.request('/predict', post('', { ...good, model: 'toy@2.0.0' }))).json()
    expect([byAlias.model.version, byVersion.model.version, byDefault.model.version, byRef.model.version]).toEqual(['2.0.0', '1.0.0', '1.0.0', '2.0.0'])
    const both = await nexora.app.request('/predict', post('', { ...good, model: 'toy@2.0.0', version: '1.0.0' }))
    expect([both.status, (await both.json()).code]).toEqual([400, 'request.invalid'])
  })

  describe('bad input gets a coded 4xx problem+json that never echoes values', () => {
    const cases: [string, unknown, number, string, Record<string, unknown>?][] = [
      ['malformed JSON', '{"model": "toy", rows: [', 400, 'request.malformed_json'],
      ['a wrong type', { model: 'toy', rows: 'Patient/secret-77' }, 400, 'request.invalid'],
      ['a missing field', { rows: good.rows }, 400, 'request.invalid'],
      ['version and alias together', { ...good, version: '1.0.0', alias: 'latest' }, 400, 'request.invalid'],
      ['a lone surrogate in the patient id', '{"model":"toy","rows":[{"patientId":"\\ud800","features":{"age":60}}]}', 400, 'request.invalid_unicode'],
      ['a lone surrogate in the model name', '{"model":"to\\udc00y","rows":[{"features":{"age":60}}]}', 400, 'request.invalid_unicode'],
      ['NUL in a feature key', '{"model":"toy","rows":[{"features":{"age":60,"x\\u0000":1}}]}', 400, 'request.invalid_unicode'],
      ['an unknown model', { ...good, model: 'nope' }, 404, 'model.not_found'],
      ['an unknown version', { ...good, version: '9.9.9' }, 404, 'model.version_not_found'],
      ['an unknown feature', { model: 'toy', rows: [row({ age: 60, ssn_secret_value: 1 })] }, 422, 'features.unknown'],
      ['a missing feature', { model: 'toy', rows: [row({ smoker: false })] }, 422, 'features.missing'],
      ['a string for a number', { model: 'toy', rows: [row({ age: 'sixty-one-secret' })] }, 422, 'features.invalid'],
      ['an out-of-range number', { model: 'toy', rows: [row({ age: 4242 })] }, 422, 'features.invalid'],
      ['an undeclared category', { model: 'toy', rows: [row({ age: 50, sex: 'secret-category' })] }, 422, 'features.invalid'],
      ['Infinity (1e999)', '{"model":"toy","rows":[{"features":{"age":1e999}}]}', 400, 'request.invalid'],
      ['NaN', '{"model":"toy","rows":[{"features":{"age":NaN}}]}', 400, 'request.malformed_json'],
      ['an empty batch', { model: 'toy', rows: [] }, 400, 'batch.empty'],
      ['too many rows', { model: 'toy', rows: Array.from({ length: 1001 }, () => row({ age: 1 })) }, 400, 'batch.too_large'],
      ['a body over the limit', { model: 'toy', rows: [row({ age: 1 })], purpose: 'x'.repeat(2000) }, 413, 'request.too_large', { bodyLimitBytes: 1000 }],
    ]
    for (const [label, body, status, code, config] of cases) {
      it(label, async () => {
        const { res, json, text } = await call(body, {}, config)
        expect(res.status).toBe(status)
        expect(res.headers.get('content-type')).toBe('application/problem+json')
        expect(json).toMatchObject({ status, code, type: `urn:nexora:problem:${code}` })
        expect(json.title).toEqual(expect.any(String))
        expect(text).not.toMatch(/secret-77|sixty-one-secret|secret-category|4242|ssn_secret_value":/)
      })
    }

    it('names the offending features and rows in issues', async () => {
      const { json } = await call({ model: 'toy', rows: [row({ age: 1 }), row({ smoker: true })] })
      expect(json.issues).toEqual([{ path: 'rows[1].features.age', message: 'required' }])
      expect(json.detail).toBe('features: age')
    })

    it('rejects a declared content length over the limit before reading the body', async () => {
      const { nexora } = await toyNexora({ bodyLimitBytes: 100 })
      const res = await nexora.app.request('/predict', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '5000000' },
        body: '{}',
      })
      expect(res.status).toBe(413)
    })

    it('audits a failed prediction with its error code', async () => {
      const { audit } = await call({ ...good, model: 'nope' }, { 'x-request-id': 'fail-1' })
      const response = audit.events.find((e) => e.context.correlationId === 'fail-1' && e.action === 'predict.response')
      expect(response).toMatchObject({ outcome: 'failure', reason: 'model.not_found' })
    })
  })
})

describe('POST /predict with event sequences', () => {
  it('passes each row sequence to the model, and validates its events', async () => {
    const seen: unknown[] = []
    const { nexora } = await toyNexora({}, [
      {
        name: 'spy',
        order: 'pre',
        async process(_ctx, rows) {
          seen.push(...(rows as { sequence?: unknown }[]).map((r) => r.sequence))
          return rows
        },
      },
    ])
    const sequence = [
      { code: 'ICD10:I50', time: '2025-01-01T00:00:00Z' },
      { code: 'LOINC:2160-0:H', time: '2025-02-01T00:00:00Z', value: 2.1 },
    ]
    const ok = await nexora.app.request('/predict', post('', { model: 'toy', rows: [{ features: { age: 50 }, sequence }] }))
    expect(ok.status).toBe(200)
    expect(seen).toEqual([sequence])
    const bad = await nexora.app.request(
      '/predict',
      post('', { model: 'toy', rows: [{ features: { age: 50 }, sequence: [{ code: 'x', time: 'yesterday' }] }] }),
    )
    expect([bad.status, (await bad.json()).code]).toEqual([400, 'request.invalid'])
  })
})
