/**
 * FHIR Subscriptions as a feed: the rest-hook endpoint a FHIR server notifies, and `subscribe`,
 * which asks the server for the Subscriptions a model's feature spec needs. R4 rest-hook (`PUT
 * {endpoint}/{type}/{id}` with the resource, or an empty `POST`) and the R4 Subscriptions Backport
 * IG's notification Bundles (full-resource, or id-only: the resource is then read from the
 * configured FHIR server by type and id, never from the URL the notification names).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { type AppEnv, type FhirResource, NexoraError, SCOPES } from '../../core/index.ts'
import { patientIdOf } from '../fhir/index.ts'
import type { ExportingSource } from './engine.ts'
import type { ChangeEvent } from './rescore.ts'

export const NOTIFY_PATH = '/fhir/notify'
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/
const TYPE = /^[A-Z][A-Za-z]{1,63}$/
const Resource = z.object({ resourceType: z.string() }).passthrough()
const fhirError = (description: string) => ({ content: { 'application/fhir+json': { schema: Resource } }, description })
const accepted = { content: { 'application/fhir+json': { schema: Resource } }, description: 'Accepted: the patients named are re-scored' }

/** `{type}/{id}` at the end of a notification's fullUrl, or nothing. */
function typeAndId(fullUrl: unknown): [string, string] | undefined {
  if (typeof fullUrl !== 'string') return undefined
  const [id, type] = fullUrl.split('/').reverse()
  return type && id && TYPE.test(type) && FHIR_ID.test(id) ? [type, id] : undefined
}

/** The resources a notification carries (or names), those of a Subscription status left out. */
async function notified(body: FhirResource, fhir: ExportingSource | undefined): Promise<FhirResource[]> {
  if (body.resourceType !== 'Bundle') return [body]
  const out: FhirResource[] = []
  for (const entry of (body.entry as { fullUrl?: string; resource?: FhirResource }[] | undefined) ?? []) {
    const r = entry.resource
    if (r && (r.resourceType === 'Parameters' || r.resourceType === 'SubscriptionStatus')) continue
    if (r) out.push(r)
    else {
      const named = typeAndId(entry.fullUrl)
      // id-only: read it from the FHIR server this Nexora is configured for, with its own credentials.
      if (named && fhir) out.push(await fhir.read(...named))
    }
  }
  return out
}

function byPatient(resources: FhirResource[]): Map<string, FhirResource[]> {
  const out = new Map<string, FhirResource[]>()
  for (const r of resources) {
    const patient = r.resourceType === 'Patient' ? r.id : patientIdOf(r)
    if (patient && FHIR_ID.test(patient)) out.set(patient, [...(out.get(patient) ?? []), r])
  }
  return out
}

export function subscriptionRoutes(app: OpenAPIHono<AppEnv>, accept: (event: ChangeEvent) => Promise<void>, fhir: () => ExportingSource | undefined) {
  const take = async (resources: FhirResource[]) => {
    const patients = byPatient(resources)
    for (const [patientId, list] of patients) await accept({ patientId, resources: list, source: 'fhir-subscription' })
    return patients.size
  }
  const ok = (patients: number): never =>
    new Response(
      JSON.stringify({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'information', code: 'informational', diagnostics: `${patients} patient(s) queued` }],
      }),
      { status: 200, headers: { 'content-type': 'application/fhir+json' } },
    ) as never
  app.openapi(
    createRoute({
      method: 'post',
      path: NOTIFY_PATH,
      tags: ['feeds'],
      summary: 'FHIR Subscription rest-hook: a notification Bundle (Backport IG), a resource, or an empty ping',
      description: 'Each patient the notification names is re-scored once its debounce window closes (docs/population.md). Answers once queued.',
      request: { body: { content: { 'application/fhir+json': { schema: Resource }, 'application/json': { schema: Resource } }, required: false } },
      responses: { 200: accepted, 400: fhirError('Not a FHIR resource'), 401: fhirError('No valid token'), 403: fhirError('Missing scope') },
    }),
    async (c) => {
      const text = await c.req.text()
      if (text.trim() === '') return ok(0) // R4 with no payload: a ping naming nothing
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        throw new NexoraError('request.invalid', { detail: 'the notification is not JSON' })
      }
      if (!Resource.safeParse(body).success) throw new NexoraError('request.invalid', { detail: 'the notification is not a FHIR resource' })
      return ok(await take(await notified(body as FhirResource, fhir())))
    },
  )
  app.openapi(
    createRoute({
      method: 'put',
      path: `${NOTIFY_PATH}/{type}/{id}`,
      tags: ['feeds'],
      summary: 'FHIR R4 rest-hook with a payload: the changed resource, PUT to the endpoint as a base URL',
      request: {
        params: z.object({ type: z.string().regex(TYPE), id: z.string().regex(FHIR_ID) }),
        body: { content: { 'application/fhir+json': { schema: Resource }, 'application/json': { schema: Resource } }, required: true },
      },
      responses: { 200: accepted, 400: fhirError('Not the resource the path names'), 401: fhirError('No valid token'), 403: fhirError('Missing scope') },
    }),
    async (c) => {
      const { type, id } = c.req.valid('param')
      const resource = (await c.req.json()) as FhirResource
      if (resource.resourceType !== type || resource.id !== id)
        throw new NexoraError('request.invalid', { detail: 'the body is not the resource the path names' })
      return ok(await take([resource]))
    },
  )
}

// The FHIR server's own credential: a scope of its own, and never a patient's business. Its notifications come at a
// hospital's rate of change (tens a second), so they take the predict bucket, not the write bucket's 2 a second.
const feed = { anyOf: [SCOPES.feeds] }
export const subscriptionPolicy = {
  [`POST ${NOTIFY_PATH}`]: { access: feed, rate: 'predict' as const, audit: 'middleware' as const, patientContext: 'refuse' as const },
  [`PUT ${NOTIFY_PATH}/:type/:id`]: { access: feed, rate: 'predict' as const, audit: 'middleware' as const, patientContext: 'refuse' as const },
}

export interface SubscribeOptions {
  /** This Nexora's notification endpoint as the FHIR server reaches it: `https://nexora.example/fhir/notify`. */
  endpoint: string
  /** Sent back as `Authorization: Bearer …` with each notification (a token with `nexora/feeds`). */
  token?: string
  /** Resource types to watch: those the models' feature specs read. */
  types: string[]
  /** Ask for Backport IG notification Bundles (full resources) rather than R4 PUTs. Default false. */
  backport?: boolean
}

/**
 * Create, on the FHIR server, one rest-hook Subscription per type (those already there for the same
 * endpoint and criteria are kept). Returns their ids.
 */
export async function subscribe(fhir: ExportingSource, options: SubscribeOptions): Promise<string[]> {
  const existing: FhirResource[] = []
  for await (const s of fhir.search('Subscription', {})) existing.push(s)
  const ids: string[] = []
  for (const type of options.types) {
    const have = existing.find(
      (s) => s.criteria === type && (s.channel as { endpoint?: string } | undefined)?.endpoint === options.endpoint && s.status !== 'off',
    )
    if (have?.id) {
      ids.push(have.id)
      continue
    }
    const channel = {
      type: 'rest-hook',
      endpoint: options.endpoint,
      payload: 'application/fhir+json',
      ...(options.token ? { header: [`Authorization: Bearer ${options.token}`] } : {}),
      ...(options.backport
        ? {
            _payload: {
              extension: [{ url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content', valueCode: 'full-resource' }],
            },
          }
        : {}),
    }
    const created = await fhir.create({
      resourceType: 'Subscription',
      ...(options.backport ? { meta: { profile: ['http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription'] } } : {}),
      status: 'requested',
      reason: 'Nexora re-scores a patient when their record changes',
      criteria: type,
      channel,
    })
    ids.push(created.id!)
  }
  return ids
}
