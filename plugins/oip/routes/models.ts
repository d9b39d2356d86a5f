import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../../core/index.ts'
import { modelMetadata, modelReady } from '../core.ts'
import { ModelMetadataSchema, NameParams, oipErrors, VersionParams } from '../schemas.ts'
import type { OipDeps } from './deps.ts'

const Ready = z.object({ name: z.string(), ready: z.boolean() }).openapi('OipModelReady')

const metadataRoute = (versioned: boolean) =>
  createRoute({
    method: 'get',
    path: versioned ? '/v2/models/{name}/versions/{version}' : '/v2/models/{name}',
    tags: ['oip'],
    summary: versioned ? 'OIP model metadata of one version (or alias)' : 'OIP model metadata (the production version, else the latest)',
    request: { params: versioned ? VersionParams : NameParams },
    responses: {
      200: { content: { 'application/json': { schema: ModelMetadataSchema } }, description: 'Tensors, platform and versions' },
      ...oipErrors(400, 401, 403, 404, 429),
    },
  })
const readyRoute = (versioned: boolean) =>
  createRoute({
    method: 'get',
    path: versioned ? '/v2/models/{name}/versions/{version}/ready' : '/v2/models/{name}/ready',
    tags: ['oip'],
    summary: 'OIP model ready: loads the version into the cache; 400 with ready false when it is archived, unloaded or fails to load',
    request: { params: versioned ? VersionParams : NameParams },
    responses: {
      200: { content: { 'application/json': { schema: Ready } }, description: 'Ready' },
      ...oipErrors(401, 403, 404, 429),
      400: { content: { 'application/json': { schema: Ready.or(z.object({ error: z.string() })) } }, description: 'Not ready, or a bad name' },
    },
  })

/** Model metadata and model readiness, with and without a version in the path. */
export function modelRoutes(app: OpenAPIHono<AppEnv>, deps: OipDeps) {
  for (const versioned of [false, true]) {
    app.openapi(metadataRoute(versioned), async (c) => {
      const { name, version } = c.req.valid('param') as { name: string; version?: string }
      return c.json(await modelMetadata(deps.ctx.registry, name, version, deps.state), 200)
    })
    app.openapi(readyRoute(versioned), async (c) => {
      const { name, version } = c.req.valid('param') as { name: string; version?: string }
      const ready = await modelReady(deps.ctx.registry, name, version, deps.state)
      return c.json({ name, ready }, ready ? 200 : 400)
    })
  }
}
