import type { ConnectRouter } from '@connectrpc/connect'
import type { FrontDoorContext } from '../../core/index.ts'
import { infer, modelMetadata, modelReady, serverMetadata, serverReady, type OipState } from '../oip/index.ts'
import { GRPCInferenceService } from './gen/inference/grpc_predict_v2_pb.ts'
import { PredictionService } from './gen/nexora/v1/prediction_pb.ts'
import { withCodedRefusals } from './coded-refusals.ts'
import type { GuardDeps } from './guard.ts'
import { predict } from './prediction-service.ts'
import { unary } from './rpc.ts'
import { fromInferRequest, toInferResponse } from './tensors.ts'

export interface GrpcDeps {
  door: FrontDoorContext
  guard: GuardDeps
  /** Shared with the REST OIP door (`oip({ state })`) so statistics and unloads agree. */
  state: OipState
  /** What ServerMetadata reports (the OIP core's defaults otherwise). */
  server: { name?: string; version?: string }
}

/**
 * Both services on a ConnectRouter: the same routes serve the Node h2c listener and the fetch
 * mount. The inference semantics are plugins/oip's; this file only adapts the messages.
 * A request that connect itself refuses (a message that does not decode) is answered coded too.
 * @example
 * connectNodeAdapter({ routes: grpcRoutes(deps) })
 */
export function grpcRoutes(deps: GrpcDeps) {
  const { door, guard, state } = deps
  return withCodedRefusals((router: ConnectRouter) => {
    router.service(GRPCInferenceService, {
      serverLive: unary(guard, () => ({ live: true })),
      serverReady: unary(guard, async () => ({ ready: await serverReady(door.registry) })),
      serverMetadata: unary(guard, () => serverMetadata(deps.server)),
      modelReady: unary(guard, async (req) => ({ ready: await modelReady(door.registry, req.name, req.version || undefined, state) })),
      modelMetadata: unary(guard, async (req) => {
        const meta = await modelMetadata(door.registry, req.name, req.version || undefined, state)
        const tensor = (t: { name: string; datatype: string; shape: number[] }) => ({ name: t.name, datatype: t.datatype, shape: t.shape.map(BigInt) })
        return { name: meta.name, versions: meta.versions ?? [], platform: meta.platform, inputs: meta.inputs.map(tensor), outputs: meta.outputs.map(tensor) }
      }),
      modelInfer: unary(guard, async (req, call) => {
        const response = await infer(door, call.caller, call.requestId, req.modelName, req.modelVersion || undefined, fromInferRequest(req), state)
        return toInferResponse(response, req.rawInputContents.length > 0)
      }),
    })
    router.service(PredictionService, {
      predict: unary(guard, (req, call) => predict(door, req, call)),
    })
  })
}
