import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { SOURCE_ATTRIBUTES_RULE } from '../../registry/source-attributes.ts'
import { sourceAttributesToFhir } from '../../registry/source-attributes-fhir.ts'
import { sourceAttributesReport } from '../../registry/source-attributes-report.ts'
import type { AppEnv, HttpDeps } from '../env.ts'
import { problem } from '../schemas.ts'

const Status = z.enum(['provided', 'not-available', 'missing'])
const ReportSchema = z
  .object({
    model: z.object({ name: z.string(), version: z.string() }),
    rule: z.string().openapi({ example: SOURCE_ATTRIBUTES_RULE }),
    complete: z.boolean().openapi({ description: 'All 31 attributes provided (or "not available" where the rule allows): the version may serve patients' }),
    counts: z.object({ provided: z.number().int(), notAvailable: z.number().int(), missing: z.number().int() }),
    missing: z.array(z.string()).openapi({ description: 'The missing attributes, as `<group>.<attribute>`', example: ['performance.internalFairness'] }),
    groups: z.array(
      z.object({
        id: z.string(),
        paragraph: z.string(),
        title: z.string(),
        attributes: z.array(
          z.object({
            key: z.string(),
            paragraph: z.string().openapi({ example: `${SOURCE_ATTRIBUTES_RULE}(2)(i)` }),
            title: z.string(),
            status: Status,
            value: z
              .unknown()
              .optional()
              .openapi({ description: 'The manifest\'s value (text, or a structured value; `{"status":"not-available","reason"}`)' }),
          }),
        ),
      }),
    ),
  })
  .openapi('SourceAttributesReport')

const route = createRoute({
  method: 'get',
  path: '/models/{name}/source-attributes',
  tags: ['models'],
  summary: 'The ONC HTI-1 source attributes of a version (45 CFR 170.315(b)(11)(iv)(B)), grouped as the rule groups them, missing ones flagged',
  description:
    'JSON by default; a FHIR R4 DocumentReference (HL7 AI Transparency on FHIR, AI Model-Card) for `Accept: application/fhir+json` or `_format=fhir`.',
  request: {
    params: z.object({
      name: z
        .string()
        .min(1)
        .max(128)
        .openapi({ param: { name: 'name', in: 'path' }, example: 'readmission-risk' }),
    }),
    query: z.object({
      version: z.string().min(1).max(64).optional().openapi({ description: 'An exact version; default the serving one (production, else latest)' }),
      _format: z.enum(['json', 'fhir']).optional().openapi({ description: '`fhir` for the DocumentReference, whatever `Accept` says' }),
    }),
  },
  responses: {
    200: {
      content: {
        'application/json': { schema: ReportSchema },
        'application/fhir+json': { schema: z.object({ resourceType: z.literal('DocumentReference') }).passthrough() },
      },
      description: 'Every attribute with its status (`provided`, `not-available`, `missing`)',
    },
    400: problem('Bad query'),
    401: problem('No valid token'),
    403: problem('Needs nexora/models.read, nexora/predict or nexora/models.write'),
    404: problem('No such model, version or serving version'),
  },
})

/** `GET /models/{name}/source-attributes`: what § 170.315(b)(11)(v) has users read before they rely on a model. */
export function sourceAttributeRoutes(app: OpenAPIHono<AppEnv>, deps: HttpDeps) {
  app.openapi(route, async (c) => {
    const { name } = c.req.valid('param')
    const { version, _format } = c.req.valid('query')
    const stored = await deps.registry.resolve(name, version ? { version } : {})
    // `_format` wins over Accept, as FHIR's own `_format` does.
    const fhir = _format ? _format === 'fhir' : /application\/fhir\+json/i.test(c.req.header('accept') ?? '')
    if (fhir) {
      const resource = sourceAttributesToFhir(stored.manifest, { date: stored.createdAt })
      return c.body(JSON.stringify(resource), 200, { 'content-type': 'application/fhir+json' }) as never
    }
    return c.json(sourceAttributesReport(stored.manifest), 200)
  })
}
