/**
 * The one conformance suite every runtime's server passes (Node, Deno, Bun, workerd): health,
 * models, predict, bad input → problem+json, audit rows written, and auth — over real HTTP.
 *
 * Contract for a runtime runner: start the runtime's server with the demo model
 * `readmission-risk@1.0.0` registered and `jwtAuth` configured from the environment the runner
 * passes (`NEXORA_JWKS` = the JSON key set, `NEXORA_JWT_ISSUERS`, `NEXORA_JWT_AUDIENCE`), then
 * hand the suite its base URL. The suite signs its own tokens with `RUNTIME_KEY`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../../testkit/tokens.ts'
import { linearModelPlugin } from '../../plugins/model-linear/index.ts'

export interface RuntimeServer {
  url: string
  close(): Promise<void>
}

export const DEMO_FEATURES = { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true }

/** One ES384 key for every runtime's run: the runner passes its public set in the environment. */
let keyPromise: Promise<TestKey> | undefined
export const runtimeKey = () => (keyPromise ??= makeKey('ES384', 'runtime-suite'))

/** The environment a runner passes to the server it starts. */
export async function runtimeAuthEnv(): Promise<Record<string, string>> {
  return { NEXORA_JWKS: JSON.stringify({ keys: [(await runtimeKey()).jwk] }), NEXORA_JWT_ISSUERS: ISSUER, NEXORA_JWT_AUDIENCE: AUDIENCE }
}

/** The demo model's score for DEMO_FEATURES, computed in-process from the committed artifact. */
async function expectedScore(): Promise<number> {
  const { readFileSync } = await import('node:fs')
  const dir = new URL('../../models/readmission-risk/', import.meta.url)
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8'))
  const model = await linearModelPlugin.load({ manifest, files: { 'model.json': new Uint8Array(readFileSync(new URL('model.json', dir))) } })
  return (await model.predict([{ features: DEMO_FEATURES }]))[0]!.score
}

/**
 * fetch, sent again once when the server had already closed the kept-alive connection it was
 * written to ("other side closed"): a transport race between undici's connection reuse and a
 * server closing idle sockets (Miniflare does after some refusals), not an answer to assert on.
 */
async function fetchOnce(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init)
  } catch (error) {
    // undici says UND_ERR_SOCKET, or ECONNRESET when the close lands mid-read: the same race.
    if (!['UND_ERR_SOCKET', 'ECONNRESET'].includes((error as { cause?: { code?: string } }).cause?.code ?? '')) throw error
    return fetch(url, init)
  }
}

export function runtimeServerConformance(label: string, start: () => Promise<RuntimeServer>) {
  describe(`runtime server conformance: ${label}`, () => {
    let server: RuntimeServer
    let token: (scope: string, claims?: Record<string, unknown>) => Promise<string>
    beforeAll(async () => {
      const key = await runtimeKey()
      token = (scope, claims = {}) => sign(key, { scope, ...claims })
      server = await start()
    }, 120_000)
    afterAll(async () => {
      await server?.close()
    }, 30_000)
    const call = async (path: string, init: RequestInit & { scope?: string } = {}) => {
      const headers = new Headers(init.headers)
      if (init.scope) headers.set('authorization', `Bearer ${await token(init.scope)}`)
      return fetchOnce(`${server.url}${path}`, { ...init, headers })
    }
    const predict = (body: unknown, scope = 'nexora/predict', requestId?: string) =>
      call('/predict', {
        method: 'POST',
        scope,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
      })

    it('answers /health without a token', async () => {
      const res = await call('/health')
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ status: 'ok' })
    })

    it('lists the demo model to a reader, and refuses a caller without a token', async () => {
      const denied = await call('/models')
      expect(denied.status).toBe(401)
      expect(denied.headers.get('content-type')).toContain('application/problem+json')
      const res = await call('/models', { scope: 'nexora/models.read' })
      expect(res.status).toBe(200)
      const body = (await res.json()) as { models: { name: string }[] }
      expect(body.models.map((m) => m.name)).toContain('readmission-risk')
    })

    it('predicts the same score as the committed model computes in Node', async () => {
      const res = await predict({ model: 'readmission-risk@1.0.0', rows: [{ patientId: 'Patient/rt-1', features: DEMO_FEATURES }], explain: true })
      expect(res.status).toBe(200)
      const body = (await res.json()) as { model: { version: string }; predictions: { score: number; label: string; explanation: unknown[] }[] }
      expect(body.model.version).toBe('1.0.0')
      expect(Math.abs(body.predictions[0]!.score - (await expectedScore()))).toBeLessThan(1e-12)
      expect(body.predictions[0]!.label).toBe('high')
      expect(body.predictions[0]!.explanation.length).toBeGreaterThan(0)
    })

    it('answers bad input with problem+json and a stable code', async () => {
      const { hba1c: _drop, ...missing } = DEMO_FEATURES
      for (const [body, status, code] of [
        [{ model: 'readmission-risk', rows: [{ features: missing }] }, 422, 'features.missing'],
        ['{"model": ', 400, 'request.malformed_json'],
        [{ model: 'no-such-model', rows: [{ features: DEMO_FEATURES }] }, 404, 'model.not_found'],
      ] as const) {
        const res = await predict(body)
        expect(res.status, code).toBe(status)
        expect(res.headers.get('content-type')).toContain('application/problem+json')
        expect(((await res.json()) as { code: string }).code).toBe(code)
      }
    })

    it('writes the request and response audit events, chained and verifiable', async () => {
      const correlationId = `rt-audit-${label.replace(/\W/g, '')}-${Date.now()}`
      const answer = await predict(
        { model: 'readmission-risk', rows: [{ patientId: 'Patient/rt-2', features: DEMO_FEATURES }] },
        'nexora/predict',
        correlationId,
      )
      expect(answer.status).toBe(200)
      await answer.arrayBuffer()
      // The server's own id keys the events; the client's comes back as the correlation id.
      expect(answer.headers.get('x-correlation-id')).toBe(correlationId)
      const requestId = answer.headers.get('x-request-id')!
      expect(requestId).not.toBe(correlationId)
      const res = await call(`/audit/events?requestId=${requestId}`, { scope: 'nexora/audit.read' })
      expect(res.status).toBe(200)
      const { events } = (await res.json()) as { events: { action: string; patientRef: string; outcome: string }[] }
      expect(events.map((e) => [e.action, e.outcome, e.patientRef])).toEqual([
        ['predict.request', 'success', 'Patient/rt-2'],
        ['predict.response', 'success', 'Patient/rt-2'],
      ])
      const verify = await call('/audit/verify', { method: 'POST', scope: 'nexora/audit.read' })
      expect(await verify.json()).toMatchObject({ ok: true })
    })

    it('refuses a token for another audience (401) and a token without the scope (403)', async () => {
      const key = await runtimeKey()
      const wrong = await fetchOnce(`${server.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await sign(key, { scope: 'nexora/predict', aud: 'someone-else' })}` },
        body: JSON.stringify({ model: 'readmission-risk', rows: [{ features: DEMO_FEATURES }] }),
      })
      expect(wrong.status).toBe(401)
      // Read the refusal to its end before the next call: a half-read response can leave the
      // connection in a state the server has already closed, and the next request then fails.
      expect(((await wrong.json()) as { code: string }).code).toBe('auth.unauthenticated')
      const forbidden = await predict({ model: 'readmission-risk', rows: [{ features: DEMO_FEATURES }] }, 'nexora/models.read')
      expect(forbidden.status).toBe(403)
      expect(((await forbidden.json()) as { code: string }).code).toBe('auth.forbidden')
    })
  })
}
