import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../../core/index.ts'
import { infer } from '../core.ts'
import { InferRequestSchema, InferResponseSchema, NameParams, oipErrors, VersionParams } from '../schemas.ts'
import type { OipDeps } from './deps.ts'

const inferRoute = (versioned: boolean) =>
  createRoute({
    method: 'post',
    path: versioned ? '/v2/models/{name}/versions/{version}/infer' : '/v2/models/{name}/infer',
    tags: ['oip'],
    summary: versioned ? 'OIP inference on one version (or alias)' : 'OIP inference on the production version, else the latest',
    description:
      'Tensors map to rows (one tensor per feature, or one packed [batch, n] tensor in manifest order; `sequence` BYTES for sequence models), then run ' +
      'through the prediction pipeline: audit, compliance stages, metrics. Outputs: `score` FP64, `label` BYTES, `explanation` BYTES (JSON per row, when ' +
      'requested). See docs/oip.md.',
    request: { params: versioned ? VersionParams : NameParams, body: { content: { 'application/json': { schema: InferRequestSchema } }, required: true } },
    responses: {
      200: { content: { 'application/json': { schema: InferResponseSchema } }, description: 'The output tensors' },
      ...oipErrors(400, 401, 403, 404, 409, 413, 422, 429, 503),
    },
  })

/** `POST /v2/models/{name}[/versions/{version}]/infer`, through the shared core and so the one pipeline. */
export function inferRoutes(app: OpenAPIHono<AppEnv>, deps: OipDeps) {
  for (const versioned of [false, true]) {
    app.openapi(inferRoute(versioned), async (c) => {
      const { name, version } = c.req.valid('param') as { name: string; version?: string }
      const caller = { ...c.get('caller'), via: 'oip' as const }
      const response = await infer(deps.ctx, caller, c.get('requestId'), name, version, c.req.valid('json'), deps.state)
      return c.json(response, 200)
    })
  }
}
