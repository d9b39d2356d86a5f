import { definePlugin, type FrontDoor } from '../../core/index.ts'
import { oipError } from './error-body.ts'
import { oipNotFound } from './not-found.ts'
import { oipPolicies } from './policies.ts'
import { healthRoutes } from './routes/health.ts'
import { inferRoutes } from './routes/infer.ts'
import { modelRoutes } from './routes/models.ts'
import { repositoryRoutes } from './routes/repository.ts'
import { statsRoutes } from './routes/stats.ts'
import { createOipState, type OipState, type OipStateOptions } from './state.ts'

export interface OipOptions extends OipStateOptions {
  /** Share statistics and unloaded models with the gRPC door; created when absent. */
  state?: OipState
  /** `GET /v2`'s name and version. Default `nexora` and `0.1.0`. */
  server?: { name?: string; version?: string }
}

/**
 * The Open Inference Protocol v2 REST front door (KServe, MLServer and Triton clients):
 * health, metadata, `infer` through the one prediction pipeline, and the model repository and
 * statistics extensions, all under `/v2`, answering errors as `{"error": "..."}`.
 * @example
 * await createNexora({ plugins: [sqlStorage(), linearModel(), oip()] })
 * // curl -X POST localhost:8080/v2/models/readmission-risk/infer -d '{"inputs":[...]}'
 */
export function oip(options: OipOptions = {}) {
  const state = options.state ?? createOipState(options)
  return definePlugin({
    name: 'oip',
    provides: 'frontDoor',
    setup: (): FrontDoor => ({
      name: 'oip',
      policies: oipPolicies,
      register(app, ctx) {
        const deps = { ctx, state, server: options.server ?? {} }
        // Statistics first: `/v2/models/stats` must win over `/v2/models/{name}`.
        statsRoutes(app, deps)
        healthRoutes(app, deps)
        modelRoutes(app, deps)
        inferRoutes(app, deps)
        repositoryRoutes(app, deps)
        oipNotFound(app)
      },
      errors: { prefix: '/v2', render: oipError },
    }),
  })
}

export * from './core.ts'
export { oipError } from './error-body.ts'
export { oipPolicies } from './policies.ts'
export { shown } from './tensors.ts'
/** The codes this plugin raises (registered on import); docs/api.md lists them with core's. */
export { OIP_ERRORS } from './errors.ts'
