import { describe, expect, it } from 'vitest'
import { definePlugin, NexoraError, type Caller, type FrontDoorContext } from '../../core/index.ts'
import { createOipState, infer, modelMetadata, modelReady, serverMetadata, type InferRequest } from '../../plugins/oip/core.ts'
import { toyNexora } from '../../testkit/nexora.ts'
import { oip } from '../../plugins/oip/index.ts'

/** The shared core without HTTP, as the gRPC door calls it: the context captured from a front door. */
async function transportFree() {
  let ctx: FrontDoorContext | undefined
  const state = createOipState()
  const capture = definePlugin({
    name: 'capture',
    provides: 'frontDoor',
    setup: () => ({
      name: 'capture',
      policies: {},
      register: (_app, door) => {
        ctx = door
      },
    }),
  })
  const toy = await toyNexora({}, [], [capture, oip({ state })])
  return { ...toy, ctx: ctx!, state }
}

const grpcCaller: Caller = { subject: 'grpc-client', scopes: ['nexora/predict'], roles: [], via: 'grpc' }
const request: InferRequest = { id: 'g-1', parameters: { patient_ref: 'Patient/g' }, inputs: [{ name: 'age', datatype: 'FP32', shape: [1], data: [60] }] }

describe('plugins/oip/core.ts, the shared core for REST and gRPC', () => {
  it('infers transport-free: the caller.via reaches the audit trail, the id is echoed, statistics are shared', async () => {
    const { ctx, state, audit, nexora } = await transportFree()
    const response = await infer(ctx, grpcCaller, 'rid-grpc-1', 'toy', undefined, request, state)
    expect(response).toMatchObject({
      model_name: 'toy',
      model_version: '1.0.0',
      id: 'g-1',
      outputs: [{ name: 'score', datatype: 'FP64', shape: [1] }, { name: 'label' }],
    })
    const events = audit.events.filter((e) => e.requestId === 'rid-grpc-1')
    expect(events.map((e) => [e.action, e.patientRef, (e.context as { via: string }).via])).toEqual([
      ['predict.request', 'Patient/g', 'grpc'],
      ['predict.response', 'Patient/g', 'grpc'],
    ])
    // The REST door was given the same state, so its statistics include the gRPC call.
    const rest = await (await nexora.app.request('/v2/models/toy/stats')).json()
    expect(rest.model_stats[0]).toMatchObject({ inference_count: 1, execution_count: 1 })
  })

  it('refuses a caller without the predict scope before revealing whether the model exists', async () => {
    const { ctx, state } = await transportFree()
    const reader: Caller = { ...grpcCaller, scopes: ['nexora/models.read'] }
    for (const model of ['toy', 'no-such-model']) {
      const error = await infer(ctx, reader, 'rid', model, undefined, request, state).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(NexoraError)
      expect((error as NexoraError).code).toBe('auth.forbidden')
    }
  })

  it('throws coded errors a transport can map: unknown model, bad name, bad tensors', async () => {
    const { ctx, state } = await transportFree()
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: NexoraError) => `${e.code} ${e.status}`,
      )
    expect(await codeOf(infer(ctx, grpcCaller, 'r1', 'nope', undefined, request, state))).toBe('model.not_found 404')
    expect(await codeOf(infer(ctx, grpcCaller, 'r2', 'a/b', undefined, request, state))).toBe('request.invalid 400')
    expect(await codeOf(infer(ctx, grpcCaller, 'r3', 'toy', undefined, { inputs: [{ name: 'age', datatype: 'FP32', shape: [2], data: [1] }] }, state))).toBe(
      'request.invalid 400',
    )
    expect(await codeOf(modelMetadata(ctx.registry, 'toy', '7.0.0'))).toBe('model.version_not_found 404')
  })

  it('works without a state too (no statistics, no unloads), with the defaults for metadata', async () => {
    const { ctx } = await transportFree()
    expect((await infer(ctx, grpcCaller, 'r', 'toy', '1.0.0', request)).model_version).toBe('1.0.0')
    expect(await modelReady(ctx.registry, 'toy')).toBe(true)
    expect(serverMetadata().extensions).toEqual(['model_repository', 'statistics'])
  })
})
