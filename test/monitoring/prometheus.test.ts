import parse from 'parse-prometheus-text-format'
import { describe, expect, it } from 'vitest'
import { jwtAuth } from '../../plugins/auth-jwt/index.ts'
import { post, toyNexora } from '../../testkit/nexora.ts'
import { AUDIENCE, ISSUER, makeKey, sign } from '../../testkit/tokens.ts'

/** The npm parser merges labelled histograms (see TOOLCHAIN.md): read their series untyped instead. */
const families = (text: string) => parse(text.replace(/^# TYPE \S+ histogram\n/gm, ''))
const value = (text: string, name: string, labels: Record<string, string>) =>
  families(text)
    .filter((f) => f.name === name)
    .flatMap((f) => f.metrics)
    .find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value

describe('GET /metrics', () => {
  it('exposes request, prediction, model-load and audit metrics after traffic, with no PHI in any label', async () => {
    const key = await makeKey('ES384', 'k1')
    const { nexora } = await toyNexora({}, [], [jwtAuth({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audience: AUDIENCE })])
    const headers = { authorization: `Bearer ${await sign(key, { scope: 'nexora/predict nexora/metrics nexora/models.read' })}` }
    for (let i = 0; i < 3; i++)
      await nexora.app.request('/predict', post('', { model: 'toy', rows: [{ patientId: `Patient/secret-${i}`, features: { age: 70 } }] }, headers))
    await nexora.app.request('/predict', post('', { model: 'toy', rows: [{ patientId: 'Patient/secret-x', features: { age: 5 } }] }, headers))
    await nexora.app.request('/predict', post('', { model: 'toy', rows: [] }, headers))
    await nexora.app.request('/models/toy', { headers })
    const res = await nexora.app.request('/metrics', { headers })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4')
    const text = await res.text()
    expect(value(text, 'nexora_http_requests_total', { route: 'POST /predict', status: '200' })).toBe('4')
    expect(value(text, 'nexora_http_requests_total', { route: 'POST /predict', status: '400' })).toBe('1')
    expect(value(text, 'nexora_http_requests_total', { route: 'GET /models/:name', status: '200' })).toBe('1')
    expect(value(text, 'nexora_predictions_total', { model: 'toy', version: '1.0.0', label: 'high' })).toBe('3')
    expect(value(text, 'nexora_predictions_total', { model: 'toy', version: '1.0.0', label: 'low' })).toBe('1')
    expect(value(text, 'nexora_http_request_duration_seconds_count', { route: 'POST /predict', method: 'POST' })).toBe('5')
    expect(value(text, 'nexora_model_load_seconds_count', { model: 'toy', version: '1.0.0' })).toBe('1')
    expect(value(text, 'nexora_audit_events_total', {})).toBe('11') // 5 predictions × 2, and the models read
    expect(text).not.toMatch(/secret|Patient\//)
  })

  it('needs the nexora/metrics scope', async () => {
    const key = await makeKey('ES384', 'k1')
    const { nexora } = await toyNexora({}, [], [jwtAuth({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audience: AUDIENCE })])
    const res = await nexora.app.request('/metrics', { headers: { authorization: `Bearer ${await sign(key, { scope: 'nexora/predict' })}` } })
    expect(res.status).toBe(403)
  })
})
