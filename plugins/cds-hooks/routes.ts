import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { NexoraError, type AppEnv, type Caller, type FrontDoorContext } from '../../core/index.ts'
import { assess } from './assess.ts'
import type { TrustedClient } from './auth/key-sets.ts'
import { CdsResponseSchema, DiscoverySchema } from './card-schema.ts'
import { recordFeedback } from './feedback.ts'
import { fhirAccess, type FhirAccessOptions } from './fhir-access.ts'
import { FeedbackRequest, HookRequest } from './request-schema.ts'
import type { ServiceCatalog } from './services.ts'

const Id = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'readmission-fhir' }),
})
const Outcome = z.object({ resourceType: z.literal('OperationOutcome'), issue: z.array(z.record(z.string(), z.unknown())) }).openapi('CdsOperationOutcome')
const error = (description: string) => ({ content: { 'application/json': { schema: Outcome } }, description })
const errors = {
  400: error('The request breaks the CDS Hooks schema'),
  401: error('No valid CDS Client JWT'),
  403: error('The client lacks the scope'),
  404: error('No such CDS service'),
}
const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description })
const tags = ['cds-hooks']

const discovery = createRoute({
  method: 'get',
  path: '/cds-services',
  tags,
  summary: 'CDS Hooks discovery: one service per model that opts in through its manifest',
  responses: { 200: json(DiscoverySchema, 'The services, with their prefetch templates'), 401: errors[401] },
})
const service = createRoute({
  method: 'post',
  path: '/cds-services/{id}',
  tags,
  summary: 'Call a CDS service: score the patient in context and answer cards',
  description:
    'Uses the prefetched FHIR data, fetches what is missing from `fhirServer` with the `fhirAuthorization` token, scores through the prediction pipeline ' +
    "(audit, compliance stages, metrics) and answers one card per assessed outcome, or no card below the model's reporting threshold. 412 when required " +
    'data is neither prefetched nor fetchable.',
  request: { params: Id, body: { content: { 'application/json': { schema: HookRequest } }, required: true } },
  responses: { 200: json(CdsResponseSchema, 'Cards'), ...errors, 412: error('Required FHIR data is missing and cannot be fetched') },
})
const feedback = createRoute({
  method: 'post',
  path: '/cds-services/{id}/feedback',
  tags,
  summary: 'Feedback on cards: accepted suggestions and overrides, stored in the audit trail',
  request: { params: Id, body: { content: { 'application/json': { schema: FeedbackRequest } }, required: true } },
  responses: { 200: json(z.object({ recorded: z.number().int(), unknownCards: z.number().int() }), 'Recorded'), ...errors },
})

export interface RouteDeps {
  catalog: ServiceCatalog
  clients: Map<string, TrustedClient>
  fhir: FhirAccessOptions
  links: { modelCard(name: string, version: string): string; sourceAttributes(name: string, version: string): string; launch: string }
}

/** The CDS Hooks 2.0 endpoints: discovery, service calls and feedback. */
export function cdsHooksRoutes(app: OpenAPIHono<AppEnv>, ctx: FrontDoorContext, deps: RouteDeps) {
  const callerOf = (caller: Caller): Caller => ({ ...caller, via: 'cds-hooks' })
  const serviceOr404 = async (id: string) => {
    const found = await deps.catalog.get(id)
    if (!found) throw new NexoraError('route.not_found', { detail: 'no such CDS service' })
    return found
  }

  app.openapi(discovery, async (c) => c.json({ services: await deps.catalog.list() }, 200))

  app.openapi(service, async (c) => {
    const found = await serviceOr404(c.req.valid('param').id)
    const request = c.req.valid('json')
    if (!found.section.hooks.includes(request.hook))
      throw new NexoraError('request.invalid', { issues: [{ path: 'hook', message: 'this service does not answer this hook' }] })
    // A fresh id, never the client's X-Request-Id: it becomes the card's uuid, which must be unique.
    const requestId = crypto.randomUUID()
    c.set('requestId', requestId)
    c.header('X-Request-Id', requestId)
    const caller = callerOf(c.get('caller'))
    const cards = await assess(ctx, {
      service: found,
      request,
      caller,
      requestId,
      access: () => fhirAccess(request, deps.clients.get(caller.subject), deps.fhir),
      links: {
        modelCard: deps.links.modelCard(found.manifest.name, found.manifest.version),
        sourceAttributes: deps.links.sourceAttributes(found.manifest.name, found.manifest.version),
        launch: deps.links.launch,
      },
    })
    return c.json({ cards }, 200)
  })

  app.openapi(feedback, async (c) => {
    const { id } = c.req.valid('param')
    const found = await serviceOr404(id)
    const result = await recordFeedback(ctx, {
      service: id,
      caller: callerOf(c.get('caller')),
      requestId: c.get('requestId'),
      items: c.req.valid('json').feedback,
      offered: found.section.overrideReasons ?? [],
    })
    return c.json(result, 200)
  })
}
