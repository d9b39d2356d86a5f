import { PREDICT_ACCESS, SCOPES, type RoutePolicy } from '../../core/index.ts'

const read = { anyOf: [SCOPES.modelsRead, SCOPES.predict, SCOPES.modelsWrite] }
// `patientContext` as on REST: the pipeline limits a launch token's rows to its patient; metadata holds no patient data.
const predict = { access: { anyOf: PREDICT_ACCESS }, rate: 'predict', audit: 'handler', patientContext: 'own' } as const satisfies RoutePolicy

/**
 * Who may call each RPC, keyed by its path (`/<package>.<Service>/<Method>`): the same scopes
 * and rate classes as the REST routes they mirror (`/v2/health/*` and `GET /v2` are public,
 * model metadata needs a read scope, inference the predict scope).
 * `audit: 'handler'`: the prediction pipeline writes the events; `middleware`: the guard writes
 * an `access` event for every call, public ones included (unlike REST, every RPC is audited).
 */
export const RPC_POLICIES: Record<string, RoutePolicy> = {
  '/inference.GRPCInferenceService/ServerLive': { access: 'public', rate: 'public', audit: 'middleware', patientContext: 'any' },
  '/inference.GRPCInferenceService/ServerReady': { access: 'public', rate: 'public', audit: 'middleware', patientContext: 'any' },
  '/inference.GRPCInferenceService/ServerMetadata': { access: 'public', rate: 'public', audit: 'middleware', patientContext: 'any' },
  '/inference.GRPCInferenceService/ModelReady': { access: read, rate: 'read', audit: 'middleware', patientContext: 'any' },
  '/inference.GRPCInferenceService/ModelMetadata': { access: read, rate: 'read', audit: 'middleware', patientContext: 'any' },
  '/inference.GRPCInferenceService/ModelInfer': predict,
  '/nexora.v1.PredictionService/Predict': predict,
}

/** The services' path prefixes, where the fetch mount sits on the Hono app. */
export const SERVICE_PREFIXES = ['/inference.GRPCInferenceService/', '/nexora.v1.PredictionService/'] as const
