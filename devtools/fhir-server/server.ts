/**
 * A small FHIR R4 server for demos and client tests, serving the synthetic cohort (or any
 * resources) from memory: read, vread, history, search with paging, `$everything`, create,
 * update, transaction and batch, asynchronous Bulk Data `$export`, SMART Backend Services auth, and fault injection.
 * Web standards only (Hono, fetch, Web Crypto): it runs wherever Nexora runs.
 */
import { Hono, type Context } from 'hono'
import type { DevFhirServer, DevFhirServerOptions } from './server-options.ts'
import type { Bundle, BundleEntry, BundleLink } from 'fhir/r4.js'
import { allows, ASSERTION_ALGORITHMS, createClientRegistry, createTokenService, FULL_ACCESS, type Grant } from './auth.ts'
import { createBundleProcessor, ID, TYPE, type Interactions } from './bundle.ts'
import { registerBulkExport } from './bulk-export.ts'
import { capabilityStatement } from './capability.ts'
import { generateFhirCohort, type FhirCohort } from './cohort.ts'
import { createFaults } from './faults.ts'
import { failure, forbidden, operationOutcome, toResponse, type Result } from './outcome.ts'
import { populationCohort, populationStore } from './population.ts'
import { parseSearch, runSearch, SearchError } from './search.ts'
import { createFhirStore, type FhirJson } from './store.ts'
import { withSubscriptions } from './subscriptions.ts'
import { CORS, createSmartApp, SMART_APP_PATHS } from './smart-app.ts'

export type { DevFhirServer, DevFhirServerOptions } from './server-options.ts'

const PUBLIC_PATHS = new Set(['/metadata', '/.well-known/smart-configuration', '/auth/token'])
const COHORT_TYPES = ['Patient', 'Encounter', 'Condition', 'Observation', 'MedicationRequest']
const SCOPES_SUPPORTED = [
  'system/*.rs',
  'system/*.read',
  'system/*.cruds',
  'system/*.*',
  ...COHORT_TYPES.map((t) => `system/${t}.rs`),
  'system/RiskAssessment.c',
]

const isCohort = (value: DevFhirServerOptions['cohort']): value is FhirCohort => value !== undefined && 'resources' in value && 'outcomes' in value
const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } })

/** `ETag`/`Last-Modified` of a stored version. */
const versionHeaders = (r: FhirJson): Record<string, string> => ({
  etag: `W/"${r.meta?.versionId}"`,
  'last-modified': new Date(r.meta?.lastUpdated ?? 0).toUTCString(),
})

/**
 * @example
 * const { app, faults } = createDevFhirServer({ cohort: { patients: 20 }, staticTokens: ['dev'] })
 * serve({ fetch: app.fetch, port: 8080 })
 */
export function createDevFhirServer(options: DevFhirServerOptions = {}): DevFhirServer {
  const clock = options.clock ?? { now: () => Date.now() }
  const { groups, patientsPerFile, ...generate } = options.population ?? { patients: 0 }
  const population = options.population
    ? populationCohort({ ...generate, now: generate.now ?? new Date(clock.now() - (clock.now() % 86_400_000)).toISOString() })
    : undefined
  const cohort =
    options.resources || (population && !options.cohort) ? undefined : isCohort(options.cohort) ? options.cohort : generateFhirCohort(options.cohort)
  // The base URL notifications name: the configured one, else the last request's origin.
  let seenBase = options.baseUrl?.replace(/\/$/, '') ?? 'http://localhost'
  const subscriptions = withSubscriptions(createFhirStore(options.resources ?? ((cohort?.resources ?? []) as FhirJson[]), clock), {
    base: () => seenBase,
    now: () => clock.now(),
    fetch: options.notificationFetch,
  })
  const store = population ? populationStore(population, subscriptions.store) : subscriptions.store
  const clients = createClientRegistry(options.clients)
  const faults = createFaults()
  const tokens = createTokenService({ clients, staticTokens: options.staticTokens, lifetimeSeconds: options.tokenLifetimeSeconds, clock })
  const authEnabled = options.auth ?? ((options.clients?.length ?? 0) > 0 || (options.staticTokens?.length ?? 0) > 0)
  const pageSize = options.pageSize ?? 50
  const maxPageSize = options.maxPageSize ?? 500
  const supportsEverything = options.supportsEverything ?? true
  const baseOf = (requestUrl: string) => options.baseUrl?.replace(/\/$/, '') ?? new URL(requestUrl).origin
  const smart = options.smartApp ? createSmartApp(options.smartApp, { clock, patientExists: (id) => store.read('Patient', id) !== undefined }) : undefined
  const isPublic = (path: string) => PUBLIC_PATHS.has(path) || (smart !== undefined && SMART_APP_PATHS.includes(path))

  const entryOf = (base: string, r: FhirJson): BundleEntry => ({
    fullUrl: `${base}/${r.resourceType}/${r.id}`,
    resource: r as never,
    search: { mode: 'match' },
  })

  /** One page of a searchset: `self`, and `next`/`previous` as absolute URLs built from the request URL. */
  function searchset(base: string, matches: FhirJson[], count: number, offset: number, url: URL, warnings: string[] = []): Bundle {
    const pageUrl = (at: number) => {
      const u = new URL(url.href)
      u.searchParams.set('_count', String(count))
      u.searchParams.set('_offset', String(at))
      return u.href
    }
    const link: BundleLink[] = [{ relation: 'self', url: url.href }]
    if (count > 0 && offset + count < matches.length) link.push({ relation: 'next', url: pageUrl(offset + count) })
    if (count > 0 && offset > 0) link.push({ relation: 'previous', url: pageUrl(Math.max(0, offset - count)) })
    const entry = matches.slice(offset, offset + count).map((r) => entryOf(base, r))
    if (warnings.length) entry.push({ resource: operationOutcome('processing', warnings.join('; '), 'warning'), search: { mode: 'outcome' } })
    return {
      resourceType: 'Bundle',
      id: crypto.randomUUID(),
      meta: { lastUpdated: new Date(clock.now()).toISOString() },
      type: 'searchset',
      total: matches.length,
      link,
      entry,
    }
  }

  // The interactions, as Results: the HTTP routes and the entries of a batch/transaction share them.
  const ops: Interactions = {
    read(grant: Grant, type: string, id: string): Result {
      if (!allows(grant, type, 'read')) return forbidden(type, 'read')
      const r = store.read(type, id)
      return r ? { status: 200, body: r, headers: versionHeaders(r) } : failure(404, 'not-found', `${type}/${id} is not known`)
    },

    vread(grant: Grant, type: string, id: string, versionId: string): Result {
      if (!allows(grant, type, 'read')) return forbidden(type, 'read')
      const r = store.vread(type, id, versionId)
      return r ? { status: 200, body: r, headers: versionHeaders(r) } : failure(404, 'not-found', `${type}/${id} has no version ${versionId}`)
    },

    history(grant: Grant, base: string, type: string, id: string): Result {
      if (!allows(grant, type, 'read')) return forbidden(type, 'read')
      const versions = store.history(type, id)
      if (versions.length === 0) return failure(404, 'not-found', `${type}/${id} is not known`)
      const bundle: Bundle = {
        resourceType: 'Bundle',
        type: 'history',
        total: versions.length,
        entry: versions.map((r) => ({
          fullUrl: `${base}/${type}/${id}`,
          resource: r as never,
          request: { method: r.meta?.versionId === '1' ? 'POST' : 'PUT', url: r.meta?.versionId === '1' ? type : `${type}/${id}` },
          response: { status: '200', etag: `W/"${r.meta?.versionId}"`, lastModified: r.meta?.lastUpdated },
        })),
      }
      return { status: 200, body: bundle }
    },

    search(grant: Grant, base: string, type: string, url: URL, strict: boolean): Result {
      if (!allows(grant, type, 'search')) return forbidden(type, 'search')
      try {
        const parsed = parseSearch([...url.searchParams], { pageSize, maxPageSize, strict })
        const warnings = parsed.ignored.length ? [`ignored unsupported search parameters: ${parsed.ignored.join(', ')}`] : []
        return { status: 200, body: searchset(base, runSearch(store, type, parsed), parsed.count, parsed.offset, url, warnings) }
      } catch (error) {
        if (error instanceof SearchError) return failure(400, 'invalid', error.message)
        throw error
      }
    },

    everything(grant: Grant, base: string, id: string, url: URL): Result {
      if (!supportsEverything)
        return failure(404, 'not-supported', 'Patient/$everything is not supported by this server: search each resource type with patient=<id>')
      if (!allows(grant, 'Patient', 'read')) return forbidden('Patient', 'read')
      const count = url.searchParams.get('_count')
      const offset = url.searchParams.get('_offset')
      if ((count !== null && !/^\d+$/.test(count)) || (offset !== null && !/^\d+$/.test(offset)))
        return failure(400, 'invalid', '_count and _offset must be non-negative integers')
      const types = url.searchParams.get('_type')?.split(',').filter(Boolean)
      const record = store.compartment(id)
      if (record.length === 0) return failure(404, 'not-found', `Patient/${id} is not known`)
      // Only what the token may read, as the operation's definition asks.
      const visible = record.filter((r) => (!types || types.includes(r.resourceType)) && allows(grant, r.resourceType, 'read'))
      return {
        status: 200,
        body: searchset(base, visible, count === null ? pageSize : Math.min(Number(count), maxPageSize), offset === null ? 0 : Number(offset), url),
      }
    },

    /** A resource body the interaction can store, or why not. */
    check(type: string, body: FhirJson, id?: string): Result | undefined {
      if (body.resourceType !== type) return failure(400, 'invalid', `the resource is a ${String(body.resourceType)}, the URL names ${type}`)
      if (id !== undefined && body.id !== id)
        return failure(
          400,
          'invalid',
          body.id === undefined ? 'an update needs the resource id in the body' : `the body's id ${String(body.id)} does not match the URL's ${id}`,
        )
      return undefined
    },

    create(grant: Grant, base: string, type: string, body: FhirJson, assignedId?: string): Result {
      if (!allows(grant, type, 'create')) return forbidden(type, 'create')
      const invalid = ops.check(type, body)
      if (invalid) return invalid
      // The server picks the id of a created resource; one in the body is ignored, as the spec says.
      const { id: _ignored, ...resource } = body
      const stored = store.create(resource as FhirJson, assignedId)
      return { status: 201, body: stored, headers: { location: `${base}/${type}/${stored.id}/_history/1`, ...versionHeaders(stored) } }
    },

    update(grant: Grant, base: string, type: string, id: string, body: FhirJson, ifMatch?: string): Result {
      if (!allows(grant, type, 'update')) return forbidden(type, 'update')
      const invalid = ops.check(type, body, id)
      if (invalid) return invalid
      const current = store.read(type, id)
      if (ifMatch !== undefined && ifMatch !== `W/"${current?.meta?.versionId}"`)
        return failure(412, 'conflict', `${type}/${id} is at version ${current?.meta?.versionId ?? 'none'}, not ${ifMatch}`)
      const { resource, created } = store.update({ ...body, id })
      const location = `${base}/${type}/${id}/_history/${resource.meta?.versionId}`
      return {
        status: created ? 201 : 200,
        body: resource,
        headers: { ...(created ? { location } : {}), 'content-location': location, ...versionHeaders(resource) },
      }
    },
  }

  const processBundle = createBundleProcessor(ops, store, options.strictSearch ?? false)
  const app = new Hono<{ Variables: { grant: Grant } }>()

  // Count every request and serve injected failures first, as a gateway in front would.
  app.use('*', async (c, next) => {
    seenBase = baseOf(c.req.url)
    const fault = faults.take(c.req.path)
    if (fault) {
      const code = fault.status === 429 ? 'throttled' : 'transient'
      return toResponse(
        failure(fault.status, code, `injected fault: ${fault.status}`, fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : undefined),
      )
    }
    await next()
  })

  app.use('*', async (c, next) => {
    if (isPublic(c.req.path)) return next()
    if (!authEnabled) {
      c.set('grant', FULL_ACCESS)
      return next()
    }
    const grant = tokens.authorize(c.req.header('authorization'))
    if ('error' in grant) return toResponse(failure(401, 'login', grant.error, { 'www-authenticate': 'Bearer realm="nexora-dev-fhir", error="invalid_token"' }))
    c.set('grant', grant)
    return next()
  })

  app.get('/metadata', (c) =>
    toResponse({
      status: 200,
      body: capabilityStatement({
        base: baseOf(c.req.url),
        types: [...new Set([...COHORT_TYPES, ...store.types()])].sort(),
        authEnabled,
        supportsEverything,
        now: clock.now(),
      }),
    }),
  )

  app.get('/.well-known/smart-configuration', (c) => {
    const base = baseOf(c.req.url)
    return json(
      {
        issuer: base,
        token_endpoint: `${base}/auth/token`,
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
        grant_types_supported: smart ? ['client_credentials', 'authorization_code'] : ['client_credentials'],
        scopes_supported: smart
          ? [...SCOPES_SUPPORTED, 'launch', 'openid', 'fhirUser', 'patient/*.rs', 'nexora/predict', 'nexora/models.read']
          : SCOPES_SUPPORTED,
        capabilities: smart
          ? [
              'client-confidential-asymmetric',
              'permission-v1',
              'permission-v2',
              'launch-ehr',
              'client-public',
              'context-ehr-patient',
              'sso-openid-connect',
              'permission-patient',
            ]
          : ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
        ...(smart ? { ...smart.configuration(base), token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'] } : {}),
      },
      200,
      smart ? CORS : {},
    )
  })
  smart?.register(app, baseOf)

  app.post('/auth/token', async (c) => {
    const noStore = { 'cache-control': 'no-store', pragma: 'no-cache', ...(smart ? CORS : {}) }
    if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.header('content-type') ?? '')) {
      return json({ error: 'invalid_request', error_description: 'the token request must be application/x-www-form-urlencoded' }, 400, noStore)
    }
    const form = new URLSearchParams(await c.req.text())
    if (smart && form.get('grant_type') === 'authorization_code') {
      const result = await smart.exchange(form, baseOf(c.req.url))
      return json(result.body, result.status, noStore)
    }
    const result = await tokens.exchange(form, `${baseOf(c.req.url)}/auth/token`)
    return json(result.body, result.status, noStore)
  })

  /** The JSON resource in a request body, or the OperationOutcome saying why there is none. */
  async function body(c: Context): Promise<FhirJson | Result> {
    if (!/^application\/(fhir\+)?json\b/i.test(c.req.header('content-type') ?? '')) return failure(415, 'not-supported', 'send application/fhir+json')
    try {
      const parsed: unknown = JSON.parse(await c.req.text())
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && typeof (parsed as FhirJson).resourceType === 'string')
        return parsed as FhirJson
    } catch {
      return failure(400, 'invalid', 'the body is not JSON')
    }
    return failure(400, 'invalid', 'the body is not a FHIR resource (no resourceType)')
  }
  const isResult = (value: FhirJson | Result): value is Result => 'status' in value && 'body' in value && !('resourceType' in value)

  /** Route parameters that are not a resource type / id answer 404 / 400 before any interaction. */
  const badPath = (type: string, id?: string): Result | undefined =>
    !TYPE.test(type)
      ? failure(404, 'not-found', `unknown resource type: ${type}`)
      : id !== undefined && !ID.test(id)
        ? failure(400, 'invalid', `not a valid id: ${id}`)
        : undefined

  // Bulk Data $export, before the generic `/:type/:id/:op` routes would take its paths.
  registerBulkExport(app, {
    store,
    clock,
    baseOf,
    authEnabled,
    options: options.bulkExport,
    ...(population ? { population: { cohort: population, groups, patientsPerFile } } : {}),
  })

  app.post('/', async (c) => {
    const parsed = await body(c)
    return toResponse(isResult(parsed) ? parsed : processBundle(c.get('grant'), baseOf(c.req.url), parsed))
  })

  app.get('/:type', (c) => {
    const type = c.req.param('type')
    return toResponse(
      badPath(type) ??
        ops.search(c.get('grant'), baseOf(c.req.url), type, new URL(c.req.url), options.strictSearch || /handling=strict/i.test(c.req.header('prefer') ?? '')),
    )
  })

  app.get('/:type/:id', (c) => {
    const { type, id } = c.req.param()
    return toResponse(badPath(type, id) ?? ops.read(c.get('grant'), type, id))
  })

  app.get('/:type/:id/:op', (c) => {
    const { type, id, op } = c.req.param()
    const invalid = badPath(type, id)
    if (invalid) return toResponse(invalid)
    if (op === '_history') return toResponse(ops.history(c.get('grant'), baseOf(c.req.url), type, id))
    if (op === '$everything' && type === 'Patient') return toResponse(ops.everything(c.get('grant'), baseOf(c.req.url), id, new URL(c.req.url)))
    return toResponse(failure(404, 'not-supported', `unknown operation: ${op}`))
  })

  app.get('/:type/:id/_history/:vid', (c) => {
    const { type, id, vid } = c.req.param()
    return toResponse(badPath(type, id) ?? ops.vread(c.get('grant'), type, id, vid))
  })

  app.post('/:type', async (c) => {
    const type = c.req.param('type')
    const parsed = await body(c)
    return toResponse(badPath(type) ?? (isResult(parsed) ? parsed : ops.create(c.get('grant'), baseOf(c.req.url), type, parsed)))
  })

  app.put('/:type/:id', async (c) => {
    const { type, id } = c.req.param()
    const parsed = await body(c)
    return toResponse(
      badPath(type, id) ?? (isResult(parsed) ? parsed : ops.update(c.get('grant'), baseOf(c.req.url), type, id, parsed, c.req.header('if-match'))),
    )
  })

  app.notFound((c) => toResponse(failure(404, 'not-found', `no route for ${c.req.method} ${c.req.path}`)))
  app.onError((error) => toResponse(failure(500, 'exception', error instanceof Error ? error.message : 'internal error')))

  return {
    app,
    store,
    clients,
    faults,
    subscriptions: { drain: subscriptions.drain },
    ...(cohort ? { cohort } : {}),
    ...(smart ? { smart } : {}),
    ...(population ? { population } : {}),
  }
}
