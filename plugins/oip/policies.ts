import { PREDICT_ACCESS, SCOPES, type RoutePolicy } from '../../core/index.ts'

const read = { anyOf: [SCOPES.modelsRead, SCOPES.predict, SCOPES.modelsWrite] }
const write = { anyOf: [SCOPES.modelsWrite] }
// Probes and server metadata are public: Kubernetes probes and KServe clients call them without a token,
// and they reveal no model or patient. Everything naming a model needs a token.
// `patientContext`: metadata, readiness and counters hold no patient data (`any`); inference is for
// the launch patient only (the pipeline checks each row); load and unload change every patient's service.
const open: RoutePolicy = { access: 'public', rate: 'public', audit: 'handler', patientContext: 'any' }
const meta: RoutePolicy = { access: read, rate: 'read', audit: 'middleware', patientContext: 'any' }
const infer: RoutePolicy = { access: { anyOf: PREDICT_ACCESS }, rate: 'predict', audit: 'handler', patientContext: 'own' }
const control: RoutePolicy = { access: write, rate: 'write', audit: 'middleware', patientContext: 'refuse' }

/** The OIP rows of the route table (Hono `:param` syntax), merged into the one table by createNexora. */
export const oipPolicies: Record<string, RoutePolicy> = {
  'GET /v2/health/live': open,
  'GET /v2/health/ready': open,
  'GET /v2': open,
  // The REST spec's path for server metadata (rest_predict_v2.yaml names `/v2/`); clients send either.
  'GET /v2/': open,
  'GET /v2/models/:name': meta,
  'GET /v2/models/:name/versions/:version': meta,
  'GET /v2/models/:name/ready': meta,
  'GET /v2/models/:name/versions/:version/ready': meta,
  // The pipeline writes the request and response audit events itself.
  'POST /v2/models/:name/infer': infer,
  'POST /v2/models/:name/versions/:version/infer': infer,
  'POST /v2/repository/index': meta,
  'POST /v2/repository/models/:name/load': control,
  'POST /v2/repository/models/:name/unload': control,
  // Same access as metadata: the security layer looks up the last matching pattern, which for
  // `/v2/models/stats` is `/v2/models/:name`, so the two must not differ.
  'GET /v2/models/stats': meta,
  'GET /v2/models/:name/stats': meta,
  'GET /v2/models/:name/versions/:version/stats': meta,
}
