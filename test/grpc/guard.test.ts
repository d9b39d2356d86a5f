/**
 * The RPC guard without any HTTP in front (createRouterTransport runs the routes in memory, as
 * the Node listener does): scopes per method, the REST rate buckets, the dev caller, and audit.
 */
import { Code, ConnectError, createClient, createRouterTransport } from '@connectrpc/connect'
import { describe, expect, it } from 'vitest'
import type { Nexora } from '../../core/index.ts'
import { grpc, GRPCInferenceService, PredictionService, type GrpcFrontDoor } from '../../plugins/grpc/index.ts'
import { toyNexora } from '../../testkit/nexora.ts'

const age = (value: number) => ({ features: { age: { kind: { case: 'numberValue' as const, value } } } })

function clients(nexora: Nexora) {
  const door = nexora.ports.getAll('frontDoor').find((d) => d.name === 'grpc') as GrpcFrontDoor
  const transport = createRouterTransport(door.routes!)
  return { predict: createClient(PredictionService, transport), infer: createClient(GRPCInferenceService, transport) }
}

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call
  } catch (e) {
    return ConnectError.from(e)
  }
  throw new Error('the call succeeded')
}

describe('the RPC guard', () => {
  it('serves the configured dev caller when no authenticator is installed, as REST does', async () => {
    const { nexora, audit } = await toyNexora({ devCaller: { subject: 'embedded-app', scopes: ['nexora/predict'], roles: [] } }, [], [grpc()])
    const res = await clients(nexora).predict.predict({ model: 'toy', rows: [age(70)] })
    expect(res.predictions).toHaveLength(1)
    expect(audit.events.filter((e) => e.action === 'predict.response').map((e) => e.actor)).toEqual(['embedded-app'])
  })

  it("applies each method's scopes: a metadata reader may not infer", async () => {
    const { nexora, audit } = await toyNexora({ devCaller: { subject: 'reader', scopes: ['nexora/models.read'], roles: [] } }, [], [grpc()])
    const { infer } = clients(nexora)
    expect((await infer.modelMetadata({ name: 'toy' })).name).toBe('toy')
    const denied = await failure(infer.modelInfer({ modelName: 'toy', inputs: [] }))
    expect([denied.code, denied.metadata.get('www-authenticate')]).toEqual([Code.PermissionDenied, 'Bearer error="insufficient_scope", scope="nexora/predict"'])
    expect(audit.events.map((e) => [e.actor, e.action, e.outcome])).toEqual([
      ['reader', 'access', 'success'],
      ['reader', 'auth.denied', 'denied'],
    ])
  })

  it("takes from the caller's REST bucket: RESOURCE_EXHAUSTED with Retry-After, recorded as rate.limited", async () => {
    const { nexora, audit } = await toyNexora({ rateLimits: { predict: { capacity: 2, refillPerSecond: 0.01 } } }, [], [grpc()])
    const { predict } = clients(nexora)
    await predict.predict({ model: 'toy', rows: [age(60)] })
    // A REST call by the same principal shares the bucket.
    expect(
      (
        await nexora.app.request('/predict', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'toy', rows: [{ features: { age: 60 } }] }),
        })
      ).status,
    ).toBe(200)
    const limited = await failure(predict.predict({ model: 'toy', rows: [age(60)] }))
    expect([limited.code, limited.metadata.get('retry-after')]).toEqual([Code.ResourceExhausted, '100'])
    expect(audit.events.at(-1)).toMatchObject({ actor: 'dev', action: 'rate.limited', outcome: 'denied', reason: 'predict' })
  })

  it('answers UNAVAILABLE, not success, when the access event cannot be committed', async () => {
    const { nexora, audit } = await toyNexora({}, [], [grpc()])
    audit.append = async () => {
      throw new Error('disk full')
    }
    const error = await failure(clients(nexora).infer.serverLive({}))
    expect([error.code, error.metadata.get('nexora-error-code')]).toEqual([Code.Unavailable, 'audit.write_failed'])
  })

  it('gives every call its own request id, keeping a well-formed x-request-id from the metadata as the correlation id', async () => {
    const { nexora, audit } = await toyNexora({}, [], [grpc()])
    const { infer } = clients(nexora)
    await infer.serverReady({}, { headers: { 'x-request-id': 'trace-123' } })
    await infer.serverReady({}, { headers: { 'x-request-id': 'trace-123' } })
    await infer.serverReady({}, { headers: { 'x-request-id': 'bad id; forged=1' } })
    const ids = audit.events.map((e) => e.requestId)
    expect(new Set(ids).size).toBe(3)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(audit.events.map((e) => e.context.correlationId)).toEqual(['trace-123', 'trace-123', undefined])
  })
})
