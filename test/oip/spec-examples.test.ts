import { readdirSync, readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { oipNexora, sigmoid } from '../../testkit/oip-harness.ts'

interface Fixture {
  source: string
  request: { method: string; path: string; body: unknown }
  expect: { status: number; error?: string }
}
const dir = new URL('../fixtures/oip/', import.meta.url)
const fixtures = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Fixture]),
)

let oip: Awaited<ReturnType<typeof oipNexora>>
beforeAll(async () => {
  oip = await oipNexora()
})
const send = (f: Fixture) => oip.request(f.request.path, f.request.body, f.request.method)

describe('the public OIP v2 example requests', () => {
  it('every fixture names its source and answers the status it expects, errors as {"error"}', async () => {
    expect(Object.keys(fixtures).length).toBe(5)
    for (const [file, f] of Object.entries(fixtures)) {
      expect(f.source, file).toMatch(/^kserve\//)
      const res = await send(f)
      expect(res.status, file).toBe(f.expect.status)
      const body = await res.json()
      if (f.expect.error) {
        expect(Object.keys(body), file).toEqual(['error'])
        expect(body.error, file).toContain(f.expect.error)
      }
    }
  })

  it('rejects the spec example whose input1 declares shape [3] with one element: 400, request.invalid, no 500', async () => {
    const res = await send(fixtures['spec-infer-two-inputs.json']!)
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect((await res.json()).error).toMatch(/^\[request\.invalid\] .*inputs\[1\]\.data: input "input1": shape \[3\] needs 3 elements, data has 1$/)
  })

  it('treats the natural and flattened forms of the spec matrix as the same tensor', async () => {
    const natural = await (await send(fixtures['spec-tensor-data-natural.json']!)).json()
    const flat = await (await send(fixtures['spec-tensor-data-flat.json']!)).json()
    expect(natural.outputs).toEqual(flat.outputs)
    const [score] = natural.outputs
    expect(score).toMatchObject({ name: 'score', datatype: 'FP64', shape: [2] })
    expect(score.data[0]).toBeCloseTo(sigmoid(0.3 + 0.1 * 1 - 0.2 * 2), 12)
    expect(score.data[1]).toBeCloseTo(sigmoid(0.3 + 0.1 * 4 - 0.2 * 5), 12)
  })

  it("scores KServe's iris-input-v2.json as a packed FP32 [2, 4] tensor in manifest order", async () => {
    const res = await send(fixtures['kserve-iris-input-v2.json']!)
    const body = await res.json()
    expect(body.model_name).toBe('lightgbm-v2-iris')
    expect(body.model_version).toBe('1.0.0')
    const f = Math.fround
    const expected = [
      [6.8, 2.8, 4.8, 1.4],
      [6.0, 3.4, 4.5, 1.6],
    ].map(([a, b, c, d]) => sigmoid(-1 + 0.2 * f(a!) - 0.4 * f(b!) + 0.3 * f(c!) + 0.5 * f(d!)))
    expect(body.outputs[0].shape).toEqual([2])
    body.outputs[0].data.forEach((s: number, i: number) => expect(s).toBeCloseTo(expected[i]!, 12))
  })
})
