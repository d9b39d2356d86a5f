import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv, HttpDeps } from '../env.ts'
import { storedRows } from '../../pipeline/stored-features.ts'
import { PredictRequestSchema, PredictResponseSchema, problem } from '../schemas.ts'

const route = createRoute({
  method: 'post',
  path: '/predict',
  tags: ['predict'],
  summary: 'Score rows with a registered model, optionally explained',
  description:
    'Resolves `model` at `version` or `alias` (default: production, else latest), validates every row against the model inputs, and answers only after ' +
    'the request and response audit events are committed.',
  request: { body: { content: { 'application/json': { schema: PredictRequestSchema } }, required: true } },
  responses: {
    200: { content: { 'application/json': { schema: PredictResponseSchema } }, description: 'One prediction per row' },
    400: problem('Malformed JSON, a schema violation, or an empty or oversized batch'),
    403: problem('The caller lacks nexora/predict'),
    404: problem('No such model, version or alias'),
    409: problem('The version is archived'),
    413: problem('The body exceeds the size limit'),
    422: problem('Unknown, missing or invalid features; stored features missing (`features.not_stored`) or too old (`features.stale`)'),
    503: problem('The audit trail or the model is unavailable'),
  },
})

export function predictRoutes(app: OpenAPIHono<AppEnv>, deps: HttpDeps) {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json')
    const rows = body.rows.map((r) => ({
      patientRef: r.patientId,
      features: r.features === 'store' ? {} : r.features,
      ...(r.sequence ? { sequence: r.sequence } : {}),
    }))
    const fromStore = body.rows.some((r) => r.features === 'store')
    const result = await deps.predict(
      { model: body.model, version: body.version, alias: body.alias, explain: body.explain, purpose: body.purpose, rows },
      c.get('caller'),
      c.get('requestId'),
      fromStore
        ? {
            // Read inside the pipeline, after the request event: the store read is audited with the prediction.
            loadRows: async () => {
              const stored = await deps.registry.resolve(body.model, { version: body.version, alias: body.alias })
              const inputs = (await deps.registry.load(stored)).describe().inputs.map((i) => i.name)
              const now = deps.now()
              const loaded = await Promise.all(
                rows.map(async (row, i) =>
                  body.rows[i]!.features === 'store' ? (await storedRows(deps.featureStore(), stored, inputs, [row], now, deps.featureMaxAgeMs))[0]! : row,
                ),
              )
              return { rows: loaded, context: { source: 'feature-store' } }
            },
          }
        : undefined,
    )
    return c.json({ model: result.model, predictions: result.predictions, requestId: result.requestId }, 200)
  })
}
