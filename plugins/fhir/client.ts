import { NexoraError, systemClock, type Clock, type FhirResource, type FhirSource } from '../../core/index.ts'
import { baseUrl, onBase } from './base-url.ts'
import { attachBulkExport, type BulkExport, type BulkExportRequest, bulkExport } from './bulk-export.ts'
import { bundleResources } from './bundle.ts'
import { parseResource } from './parse.ts'
import { smartBackendAuth, type SmartBackendOptions } from './smart-backend.ts'
import { createTransport, type FhirResponse, type Request } from './transport.ts'

export interface FhirClientOptions {
  baseUrl: string
  fetch?: typeof fetch
  auth?: { type: 'static'; token: string } | ({ type: 'smart-backend' } & SmartBackendOptions)
  timeoutMs?: number
  retries?: number
  clock?: Clock
  random?: () => number
  sleep?: (ms: number) => Promise<void>
  /** Types gathered when the server has no `$everything`. */
  everythingTypes?: string[]
}

export interface FhirClient extends FhirSource {
  vread(type: string, id: string, versionId: string): Promise<FhirResource>
  /** POST a transaction Bundle (all or nothing); never retried. */
  transaction(bundle: FhirResource): Promise<FhirResource>
  /** POST a batch Bundle (each entry on its own); never retried. */
  batch(bundle: FhirResource): Promise<FhirResource>
  /** Bulk Data `$export`: kick off, wait for the manifest, then stream the NDJSON (bulk-export.ts). */
  bulkExport(request: BulkExportRequest, options?: Parameters<typeof bulkExport>[2]): Promise<BulkExport>
  /** An export kicked off before, by its status URL (on this server's origin): another process's, say. */
  bulkExportAt(statusUrl: string, options?: Parameters<typeof bulkExport>[2]): Promise<BulkExport>
}

interface SearchBundle extends FhirResource {
  link?: { relation: string; url: string }[]
  entry?: { resource?: FhirResource; search?: { mode?: string } }[]
}

const DEFAULT_TYPES = ['Condition', 'Observation', 'Encounter', 'MedicationRequest', 'Procedure', 'AllergyIntolerance']
const segment = (s: string) => encodeURIComponent(s)

/**
 * A FHIR R4 client on `fetch` (injected, so it runs on every runtime), implementing the
 * FhirSource port: read, vread, search (following `Bundle.link[next]` exactly as given, but
 * only on the base URL: a link elsewhere is `fhir.untrusted_link` and is never requested, so the
 * credentials stay with the server they were issued for), `$everything` with a per-type
 * fallback, create, update, transaction and batch.
 * @example
 * const fhir = createFhirClient({ baseUrl: 'https://ehr.example/fhir', auth: { type: 'static', token } })
 * for await (const obs of fhir.search('Observation', { patient: '123', code: 'http://loinc.org|4548-4' })) …
 */
export function createFhirClient(options: FhirClientOptions): FhirClient {
  const clock = options.clock ?? systemClock
  const base = baseUrl(options.baseUrl)
  const doFetch = options.fetch ?? fetch
  const auth =
    options.auth?.type === 'smart-backend' ? { type: 'provider' as const, provider: smartBackendAuth(options.auth, base.href, doFetch, clock) } : options.auth
  const request: Request = createTransport({
    baseUrl: options.baseUrl,
    fetch: doFetch,
    clock,
    random: options.random ?? Math.random,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    sleep: options.sleep,
    auth,
  })

  const exportDeps = {
    request,
    base,
    fetch: doFetch,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    now: () => clock.now(),
  }

  /** The page after this Bundle, checked against the base URL before anything is sent to it. */
  const nextOf = (bundle: { link?: { relation: string; url: string }[] }) => {
    const link = bundle.link?.find((l) => l.relation === 'next')?.url
    return link === undefined ? undefined : onBase(base, link, 'a next link')
  }

  async function* pages(first: string, operation = 'search'): AsyncIterable<FhirResource> {
    let next: string | undefined = first
    const seen = new Set<string>()
    while (next) {
      // A server that links a page to itself would loop forever; stop instead.
      if (seen.has(next)) throw new NexoraError('fhir.request_failed', { detail: 'search paging loops back to a page already read' })
      seen.add(next)
      const page: FhirResponse = await request('GET', next, { operation })
      const bundle = parseResource<SearchBundle>(page.body)
      for (const entry of bundle.entry ?? []) {
        if (entry.resource && entry.search?.mode !== 'outcome') yield parseResource(entry.resource)
      }
      next = nextOf(bundle)
    }
  }

  const query = (params: Record<string, string>) => new URLSearchParams(params).toString()

  return {
    async read(type, id) {
      return parseResource((await request('GET', `${segment(type)}/${segment(id)}`, { operation: 'read' })).body)
    },
    async vread(type, id, versionId) {
      return parseResource((await request('GET', `${segment(type)}/${segment(id)}/_history/${segment(versionId)}`, { operation: 'vread' })).body)
    },
    search(type, params) {
      return pages(`${segment(type)}?${query(params)}`)
    },
    async everything(patientId) {
      const probe = await request('GET', `Patient/${segment(patientId)}/$everything`, { accept: [400, 404, 405, 501], operation: 'everything' })
      if (probe.status < 300) {
        const out = bundleResources(parseResource(probe.body) as never).map((r) => parseResource(r))
        const next = nextOf(probe.body as { link?: { relation: string; url: string }[] })
        if (next) for await (const r of pages(next, 'everything')) out.push(r)
        return out
      }
      // No $everything here: the patient plus a search per type gathers the same record.
      const out: FhirResource[] = [await this.read('Patient', patientId)]
      for (const type of options.everythingTypes ?? DEFAULT_TYPES) {
        for await (const r of pages(`${type}?${query({ patient: patientId, _count: '200' })}`)) out.push(r)
      }
      return out
    },
    async create(resource) {
      return parseResource((await request('POST', segment(resource.resourceType), { body: resource, operation: 'create' })).body)
    },
    async update(resource) {
      if (!resource.id) throw new NexoraError('request.invalid', { detail: 'update needs a resource id' })
      const path = `${segment(resource.resourceType)}/${segment(resource.id)}`
      return parseResource((await request('PUT', path, { body: resource, operation: 'update' })).body)
    },
    async transaction(bundle) {
      return parseResource((await request('POST', '', { body: { ...bundle, type: 'transaction' }, operation: 'transaction' })).body)
    },
    bulkExport: (exportRequest, exportOptions) => bulkExport(exportDeps, exportRequest, exportOptions),
    bulkExportAt: (statusUrl, exportOptions) => attachBulkExport(exportDeps, statusUrl, exportOptions),
    async batch(bundle) {
      return parseResource((await request('POST', '', { body: { ...bundle, type: 'batch' }, operation: 'batch' })).body)
    },
  }
}
