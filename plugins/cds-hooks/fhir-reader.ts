import { NexoraError, type Clock, type FhirResource } from '../../core/index.ts'
import { baseUrl, createTransport, onBase } from '../fhir/index.ts'

export interface Bundle extends FhirResource {
  link?: { relation?: string; url?: string }[]
  entry?: { resource?: FhirResource; search?: { mode?: string } }[]
}

export interface ReaderOptions {
  /** The request's `fhirServer`. */
  baseUrl: string
  /** `fhirAuthorization.access_token`: granted by the EHR for this call only. */
  token: string
  fetch: typeof fetch
  clock: Clock
  timeoutMs: number
}

/** Pages followed per key at most: a client paging without end must not hold the call. */
const MAX_PAGES = 100

/** A Bundle's resources, minus search outcomes (warnings the server attached). */
export function bundleEntries(bundle: Bundle): FhirResource[] {
  return (bundle.entry ?? []).flatMap((e) => (e.resource && e.search?.mode !== 'outcome' && e.resource.resourceType !== 'OperationOutcome' ? [e.resource] : []))
}

export const nextLink = (bundle: Bundle) => bundle.link?.find((l) => l.relation === 'next')?.url

/**
 * Reads from the CDS Client's FHIR server with the bearer token it handed over: a template's
 * URL (a read or a search, every page), or the remaining pages of a prefetched Bundle. Next
 * links (and redirects) are followed only under `fhirServer`, by the FHIR client's one rule
 * (`fhir.untrusted_link` otherwise), so the token never goes to another host or path.
 */
export function fhirReader(options: ReaderOptions) {
  const base = baseUrl(options.baseUrl)
  const request = createTransport({
    baseUrl: base.href,
    fetch: options.fetch,
    clock: options.clock,
    random: Math.random,
    timeoutMs: options.timeoutMs,
    retries: 1,
    auth: { type: 'static', token: options.token },
  })

  async function follow(bundle: Bundle, into: FhirResource[]): Promise<FhirResource[]> {
    const seen = new Set<string>()
    for (let next = nextLink(bundle); next; next = nextLink(bundle)) {
      const url = onBase(base, next, 'a next link')
      if (seen.has(url) || seen.size >= MAX_PAGES) throw new NexoraError('fhir.request_failed', { detail: 'paging loops or does not end' })
      seen.add(url)
      bundle = (await request('GET', url)).body as Bundle
      if (bundle?.resourceType !== 'Bundle') throw new NexoraError('fhir.invalid_resource', { detail: 'a next page is not a Bundle' })
      into.push(...bundleEntries(bundle))
    }
    return into
  }

  return {
    /** Every resource a relative URL (`Patient/1`, `Observation?patient=1&…`) yields. */
    async read(path: string): Promise<FhirResource[]> {
      const body = (await request('GET', path)).body as Bundle
      if (body?.resourceType === 'Bundle') return follow(body, bundleEntries(body))
      if (typeof body?.resourceType !== 'string') throw new NexoraError('fhir.invalid_resource', { detail: 'the answer is not a resource' })
      return [body]
    },
    /** The resources on the pages after a prefetched Bundle's first. */
    rest: (bundle: Bundle) => follow(bundle, []),
  }
}

export type FhirReader = ReturnType<typeof fhirReader>
