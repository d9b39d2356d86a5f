/**
 * gRPC front doors: the Open Inference Protocol's `inference.GRPCInferenceService` (on the OIP
 * core shared with the REST door) and `nexora.v1.PredictionService` (the `/predict` contract),
 * both through the one pipeline. Web standards only: the fetch mount serves Connect and gRPC-Web
 * on every runtime; real gRPC over HTTP/2 is the Node adapter's (`serveNode({ grpc: { port } })`).
 */
import type { ConnectRouter } from '@connectrpc/connect'
import { definePlugin, type FrontDoor } from '../../core/index.ts'
import { createOipState, type OipState, type OipStateOptions } from '../oip/index.ts'
import { mountFetch, MOUNT_POLICIES } from './fetch.ts'
import { grpcRoutes } from './routes.ts'

export interface GrpcOptions extends OipStateOptions {
  /** The OIP state shared with the REST door: pass the one given to `oip({ state })`. Default: its own, from the other options. */
  state?: OipState
  /** Name and version that ServerMetadata reports. */
  server?: { name?: string; version?: string }
}

/** The grpc plugin's front door: its routes exist once createNexora has registered it. */
export interface GrpcFrontDoor extends FrontDoor {
  /** The services for a ConnectRouter (connect-node, or any Connect server). */
  readonly routes: ((router: ConnectRouter) => void) | undefined
  /** The largest message accepted: the HTTP body limit (`bodyLimitBytes`, default 1 MB). */
  readonly readMaxBytes: number
}

export const GRPC_PLUGIN = 'grpc'

/**
 * @example
 * const state = createOipState()
 * await createNexora({ plugins: [sqlStorage(), linearModel(), jwtAuth(...), oip({ state }), grpc({ state })] })
 * // Connect and gRPC-Web at POST /inference.GRPCInferenceService/* and /nexora.v1.PredictionService/*
 */
export function grpc(options: GrpcOptions = {}) {
  return definePlugin({
    name: GRPC_PLUGIN,
    provides: 'frontDoor',
    setup(ctx): GrpcFrontDoor {
      const state = options.state ?? createOipState(options)
      const readMaxBytes = (ctx.config.bodyLimitBytes as number | undefined) ?? 1024 * 1024
      let routes: GrpcFrontDoor['routes']
      return {
        name: GRPC_PLUGIN,
        policies: MOUNT_POLICIES,
        readMaxBytes,
        get routes() {
          return routes
        },
        register(app, door) {
          routes = grpcRoutes({ door, guard: door, state, server: options.server ?? {} })
          mountFetch(app, routes, { readMaxBytes })
        },
      }
    },
  })
}

export { GRPCInferenceService } from './gen/inference/grpc_predict_v2_pb.ts'
export { PredictionService } from './gen/nexora/v1/prediction_pb.ts'
export { grpcCode, toConnectError } from './status.ts'
export { RPC_POLICIES } from './policies.ts'
