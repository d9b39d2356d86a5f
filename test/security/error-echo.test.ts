import { describe, expect, it } from 'vitest'
import { grpc } from '../../plugins/grpc/index.ts'
import { post, toyNexora } from '../../testkit/nexora.ts'
import { oipNexora } from '../../testkit/oip-harness.ts'

/** 100,000 characters a caller chose, and the run of them an answer may not repeat (more than a short name). */
const HUGE = 'k'.repeat(100_000)
const TOO_MUCH = 'k'.repeat(65)

describe('error bodies quote nothing a caller sent beyond a short, clean name', () => {
  it('on every front door, for huge model names, versions, feature keys and parameters', async () => {
    const { nexora, request } = await oipNexora({ rateLimits: false })
    const json = (path: string, body: unknown, headers: Record<string, string> = {}) => nexora.app.request(path, post(path, body, headers))
    const calls: [string, Response | Promise<Response>][] = [
      ['REST unknown model', json('/predict', { model: HUGE, rows: [{ features: { age: 1 } }] })],
      ['REST unknown version', json('/predict', { model: `toy@${HUGE}`, rows: [{ features: { age: 1 } }] })],
      ['REST huge feature key (schema)', json('/predict', { model: 'toy', rows: [{ features: { [HUGE]: { nested: true } } }] })],
      ['REST huge feature key (model)', json('/predict', { model: 'toy', rows: [{ features: { age: 1, [HUGE]: 1 } }] })],
      ['models path', nexora.app.request(`/models/${HUGE}`)],
      ['models version path', nexora.app.request(`/models/toy/versions/${HUGE}`)],
      ['OIP model path', request(`/v2/models/${HUGE}/infer`, { inputs: [{ name: 'a', shape: [1], datatype: 'FP64', data: [1] }] })],
      ['OIP input name', request('/v2/models/mymodel/infer', { inputs: [{ name: HUGE, shape: [1], datatype: 'FP64', data: [1] }] })],
      ['OIP metadata', request(`/v2/models/${HUGE}`)],
      ['audit query', nexora.app.request(`/audit/events?actor=${HUGE}`)],
    ]
    for (const [label, pending] of calls) {
      const res = await pending
      const text = await res.text()
      expect(res.status, label).toBeGreaterThanOrEqual(400)
      expect(res.status, label).toBeLessThan(500)
      expect(text.length, label).toBeLessThan(4096)
      expect(text, label).not.toContain(TOO_MUCH)
    }
  })

  it('over Connect (gRPC front door), and with control characters in the key', async () => {
    const { nexora } = await toyNexora({ rateLimits: false }, [], [grpc()])
    const connect = (body: unknown) => nexora.app.request('/nexora.v1.PredictionService/Predict', post('', body, { 'connect-protocol-version': '1' }))
    for (const body of [
      { model: HUGE, rows: [{ features: { age: { numberValue: 1 } } }] },
      { model: 'toy', rows: [{ features: { age: { numberValue: 1 }, ['\u0000\n'.repeat(10) + HUGE]: { numberValue: 1 } } }] },
    ]) {
      const res = await connect(body)
      const text = await res.text()
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(text).not.toContain(TOO_MUCH)
      expect(text).not.toMatch(/\\u0000|\\n/)
    }
  })
})
