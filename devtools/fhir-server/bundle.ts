/**
 * `POST /` with a batch or transaction Bundle: each entry is planned (parsed and checked), then run
 * through the same interactions as the server's HTTP routes.
 */
import type { Bundle, BundleEntry } from 'fhir/r4.js'
import { allows, type Grant, type Interaction } from './auth.ts'
import { failure, forbidden, operationOutcome, statusLine, type Result } from './outcome.ts'
import type { FhirJson, FhirStore } from './store.ts'

export const TYPE = /^[A-Z][A-Za-z]{1,63}$/
export const ID = /^[A-Za-z0-9\-.]{1,64}$/

/** The server's interactions, as Results: its HTTP routes and the entries of a Bundle share them. */
export interface Interactions {
  read(grant: Grant, type: string, id: string): Result
  vread(grant: Grant, type: string, id: string, versionId: string): Result
  history(grant: Grant, base: string, type: string, id: string): Result
  search(grant: Grant, base: string, type: string, url: URL, strict: boolean): Result
  everything(grant: Grant, base: string, id: string, url: URL): Result
  /** A resource body the interaction can store, or why not. */
  check(type: string, body: FhirJson, id?: string): Result | undefined
  create(grant: Grant, base: string, type: string, body: FhirJson, assignedId?: string): Result
  update(grant: Grant, base: string, type: string, id: string, body: FhirJson, ifMatch?: string): Result
}

/** Replace `reference`s to a transaction's `urn:uuid:` fullUrls with the ids assigned to those entries. */
function resolveReferences(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, ids))
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === 'reference' && typeof v === 'string' && ids.has(v) ? ids.get(v) : resolveReferences(v, ids)]),
  )
}

interface PlannedEntry {
  method: 'GET' | 'POST' | 'PUT'
  type: string
  segments: string[]
  url: URL
  resource?: FhirJson
  ifMatch?: string
  /** The id a transaction assigns to a created resource before any entry runs. */
  assignedId?: string
}

export function createBundleProcessor(ops: Interactions, store: Pick<FhirStore, 'read'>, strictSearch: boolean) {
  /** Understand a Bundle entry's request; the error is what the entry (or the whole transaction) answers. */
  function planEntry(base: string, entry: BundleEntry, index: number): PlannedEntry | Result {
    const where = `entry[${index}]`
    const method = entry.request?.method
    const rawUrl = entry.request?.url
    if (!rawUrl || (method !== 'GET' && method !== 'POST' && method !== 'PUT'))
      return failure(400, 'not-supported', `${where}: request.method must be GET, POST or PUT, with a request.url`)
    const url = new URL(rawUrl.startsWith(base) ? rawUrl.slice(base.length) || '/' : rawUrl, `${base}/`)
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
    const type = segments[0] ?? ''
    if (!TYPE.test(type) || segments.slice(1, 2).some((id) => !ID.test(id) && !id.startsWith('$')))
      return failure(400, 'invalid', `${where}: request.url ${rawUrl} does not name a resource type (and id)`)
    const resource = entry.resource as FhirJson | undefined
    if (method !== 'GET') {
      if (!resource || typeof resource !== 'object') return failure(400, 'invalid', `${where}: ${method} needs a resource`)
      if (entry.request?.ifNoneExist) return failure(400, 'not-supported', `${where}: conditional create is not supported`)
      if (method === 'POST' && segments.length !== 1) return failure(400, 'invalid', `${where}: POST goes to the type, e.g. ${type}`)
      if (method === 'PUT' && (segments.length !== 2 || url.search))
        return failure(400, 'not-supported', `${where}: PUT goes to ${type}/<id> (conditional update is not supported)`)
      const invalid = ops.check(type, resource, method === 'PUT' ? segments[1] : undefined)
      if (invalid)
        return { ...invalid, body: operationOutcome('invalid', `${where}: ${(invalid.body as { issue: { diagnostics: string }[] }).issue[0]!.diagnostics}`) }
    }
    return { method, type, segments, url, ...(resource ? { resource } : {}), ...(entry.request?.ifMatch ? { ifMatch: entry.request.ifMatch } : {}) }
  }

  function runEntry(grant: Grant, base: string, plan: PlannedEntry): Result {
    const [type, id, op, version] = [plan.type, plan.segments[1], plan.segments[2], plan.segments[3]]
    if (plan.method === 'POST') return ops.create(grant, base, type, plan.resource!, plan.assignedId)
    if (plan.method === 'PUT') return ops.update(grant, base, type, id!, plan.resource!, plan.ifMatch)
    if (id === undefined) return ops.search(grant, base, type, new URL(`${base}/${type}${plan.url.search}`), strictSearch)
    if (op === undefined) return ops.read(grant, type, id)
    if (op === '_history' && version !== undefined) return ops.vread(grant, type, id, version)
    if (op === '_history') return ops.history(grant, base, type, id)
    if (op === '$everything' && type === 'Patient') return ops.everything(grant, base, id, new URL(`${base}/Patient/${id}/$everything${plan.url.search}`))
    return failure(400, 'not-supported', `GET ${plan.url.pathname} is not supported in a Bundle`)
  }

  const responseEntry = (base: string, result: Result): BundleEntry => {
    const ok = result.status < 300
    const r = result.body as FhirJson
    return {
      ...(ok && r?.id ? { fullUrl: `${base}/${r.resourceType}/${r.id}` } : {}),
      ...(ok ? { resource: r as never } : {}),
      response: {
        status: statusLine(result.status),
        ...(result.headers?.location ? { location: result.headers.location.slice(base.length + 1) } : {}),
        ...(result.headers?.etag ? { etag: result.headers.etag } : {}),
        ...(ok && r?.meta?.lastUpdated ? { lastModified: r.meta.lastUpdated } : {}),
        ...(ok ? {} : { outcome: r as never }),
      },
    }
  }

  /**
   * POST / with a batch (each entry on its own) or a transaction (all or nothing: every entry is
   * checked first; creates get their ids up front so `urn:uuid:` references resolve; then POSTs,
   * PUTs and GETs run in that order, as the spec orders them).
   */
  return function processBundle(grant: Grant, base: string, body: FhirJson): Result {
    if (body.resourceType !== 'Bundle' || (body.type !== 'batch' && body.type !== 'transaction'))
      return failure(400, 'invalid', 'POST / takes a Bundle of type batch or transaction')
    const entries = (Array.isArray(body.entry) ? body.entry : []) as BundleEntry[]
    const plans = entries.map((e, i) => planEntry(base, e, i))

    if (body.type === 'batch') {
      const results = plans.map((p) => ('status' in p ? p : runEntry(grant, base, p)))
      return { status: 200, body: { resourceType: 'Bundle', type: 'batch-response', entry: results.map((r) => responseEntry(base, r)) } satisfies Bundle }
    }

    const refused = plans.find((p): p is Result => 'status' in p)
    if (refused) return refused
    const planned = plans as PlannedEntry[]
    for (const p of planned) {
      const interaction: Interaction = p.method === 'POST' ? 'create' : p.method === 'PUT' ? 'update' : p.segments.length === 1 ? 'search' : 'read'
      if (!allows(grant, p.type, interaction)) return forbidden(p.type, interaction)
      if (p.method === 'PUT' && p.ifMatch !== undefined && p.ifMatch !== `W/"${store.read(p.type, p.segments[1]!)?.meta?.versionId}"`)
        return failure(412, 'conflict', `${p.type}/${p.segments[1]} does not match If-Match ${p.ifMatch}`)
    }
    const ids = new Map<string, string>()
    planned.forEach((p, i) => {
      const fullUrl = entries[i]!.fullUrl
      if (p.method === 'POST') p.assignedId = crypto.randomUUID()
      if (fullUrl && p.method !== 'GET') ids.set(fullUrl, `${p.type}/${p.assignedId ?? p.segments[1]}`)
    })
    for (const p of planned) if (p.resource) p.resource = resolveReferences(p.resource, ids) as FhirJson
    const results = new Array<Result>(planned.length)
    for (const method of ['POST', 'PUT', 'GET'] as const)
      planned.forEach((p, i) => {
        if (p.method === method) results[i] = runEntry(grant, base, p)
      })
    return { status: 200, body: { resourceType: 'Bundle', type: 'transaction-response', entry: results.map((r) => responseEntry(base, r)) } satisfies Bundle }
  }
}
