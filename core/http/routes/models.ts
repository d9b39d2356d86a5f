import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { requireScope, SCOPES } from '../../security/scopes.ts'
import { ModelManifestSchema } from '../../registry/manifest-schema.ts'
import type { AppEnv, HttpDeps } from '../env.ts'
import { problem } from '../schemas.ts'

const StageSchema = z.enum(['none', 'staging', 'production', 'archived'])
const ModelSummarySchema = z
  .object({
    name: z.string(),
    versions: z.array(z.object({ version: z.string(), stage: StageSchema, createdAt: z.string(), kind: z.string() })),
    aliases: z.object({ production: z.string().optional(), staging: z.string().optional(), latest: z.string().optional() }),
  })
  .openapi('ModelSummary')
const VersionSchema = z
  .object({ name: z.string(), version: z.string(), stage: StageSchema, createdAt: z.string(), manifest: ModelManifestSchema })
  .openapi('ModelVersion')
const NameParam = z.object({
  name: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'name', in: 'path' }, example: 'readmission-risk' }),
})
const VersionParams = NameParam.extend({
  version: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'version', in: 'path' }, example: '1.0.0' }),
})
const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description })

const list = createRoute({
  method: 'get',
  path: '/models',
  tags: ['models'],
  summary: 'List registered models',
  responses: { 200: json(z.object({ models: z.array(ModelSummarySchema) }), 'All models') },
})
const one = createRoute({
  method: 'get',
  path: '/models/{name}',
  tags: ['models'],
  summary: 'A model with its versions and aliases',
  request: { params: NameParam },
  responses: { 200: json(ModelSummarySchema, 'The model'), 404: problem('No such model') },
})
const version = createRoute({
  method: 'get',
  path: '/models/{name}/versions/{version}',
  tags: ['models'],
  summary: 'One version with its manifest',
  request: { params: VersionParams },
  responses: { 200: json(VersionSchema, 'The version'), 404: problem('No such model or version') },
})
const promote = createRoute({
  method: 'post',
  path: '/models/{name}/versions/{version}/promote',
  tags: ['models'],
  summary: 'Point the staging or production alias at a version',
  request: {
    params: VersionParams,
    body: { content: { 'application/json': { schema: z.object({ stage: z.enum(['staging', 'production']) }) } }, required: true },
  },
  responses: {
    200: json(ModelSummarySchema, 'The model after promotion'),
    403: problem('Needs nexora/models.write'),
    404: problem('No such model or version'),
    409: problem('Archived, or production refused by governance: no approval by another principal, an incomplete card, no trusted signature'),
  },
})
const archive = createRoute({
  method: 'post',
  path: '/models/{name}/versions/{version}/archive',
  tags: ['models'],
  summary: 'Retire a version: it loses its aliases and serves no more predictions',
  request: { params: VersionParams },
  responses: {
    200: json(ModelSummarySchema, 'The model after archiving'),
    403: problem('Needs nexora/models.write'),
    404: problem('No such model or version'),
  },
})

export function modelRoutes(app: OpenAPIHono<AppEnv>, deps: HttpDeps) {
  app.openapi(list, async (c) => c.json({ models: await deps.registry.list() }, 200))
  app.openapi(one, async (c) => c.json(await deps.registry.get(c.req.valid('param').name), 200))
  app.openapi(version, async (c) => {
    const { name, version: v } = c.req.valid('param')
    return c.json(await deps.registry.getVersion(name, v), 200)
  })
  app.openapi(promote, async (c) => {
    const caller = c.get('caller')
    requireScope(caller, SCOPES.modelsWrite)
    const { name, version: v } = c.req.valid('param')
    await deps.lifecycle.promote(name, v, c.req.valid('json').stage, caller.subject)
    return c.json(await deps.registry.get(name), 200)
  })
  app.openapi(archive, async (c) => {
    const caller = c.get('caller')
    requireScope(caller, SCOPES.modelsWrite)
    const { name, version: v } = c.req.valid('param')
    await deps.lifecycle.archive(name, v, caller.subject)
    return c.json(await deps.registry.get(name), 200)
  })
}
