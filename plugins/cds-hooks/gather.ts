import { NexoraError, toNexoraError, type FhirResource } from '../../core/index.ts'
import './errors.ts'
import { bundleEntries, nextLink, type Bundle, type FhirReader } from './fhir-reader.ts'
import type { HookRequest } from './request-schema.ts'
import { PATIENT_KEY } from './templates.ts'
import { instantiate } from './tokens.ts'

export interface GatherInput {
  /** The service's prefetch templates, by key: every key is required. */
  templates: Record<string, string>
  request: HookRequest
  now: number
  /** A reader on the request's FHIR server, or why there is none (no token, not https, not allowed). */
  reader: FhirReader | { unavailable: string }
}

export interface Gathered {
  resources: FhirResource[]
  /** Keys by where their data came from: counts go to the audit trail, never the data. */
  sources: { prefetch: string[]; fetched: string[]; none: string[] }
}

/** A Patient read comes without a Bundle; an id-less one is the patient in context (the template read it by that id). */
function ownPatient(resource: FhirResource, patientId: string): FhirResource {
  if (resource.resourceType !== 'Patient') return resource
  if (resource.id === undefined) return { ...resource, id: patientId }
  if (resource.id !== patientId) throw new NexoraError('request.invalid', { issues: [{ path: 'prefetch.patient.id', message: 'is not context.patientId' }] })
  return resource
}

/**
 * The FHIR data for one call, key by key: prefetched data where the client sent it (a `null`
 * key means it has none), the remaining pages of a paginated prefetch Bundle, and a fetch of
 * each missing key from `fhirServer` with the client's bearer token, exactly as the template
 * says. A key that is neither there nor fetchable makes the call fail with the spec's 412.
 */
export async function gather(input: GatherInput): Promise<Gathered> {
  const { request } = input
  const patientId = request.context.patientId as string
  const sources: Gathered['sources'] = { prefetch: [], fetched: [], none: [] }
  const missing: string[] = []
  const reader = 'unavailable' in input.reader ? undefined : input.reader
  const why = 'unavailable' in input.reader ? input.reader.unavailable : undefined

  const one = async (key: string, template: string): Promise<FhirResource[]> => {
    const value = request.prefetch?.[key] as Bundle | null | undefined
    if (value === null) {
      sources.none.push(key)
      return []
    }
    // An OperationOutcome in place of data is the client's error: fetch the data ourselves.
    if (value !== undefined && value.resourceType !== 'OperationOutcome') {
      if (value.resourceType !== 'Bundle') {
        sources.prefetch.push(key)
        return [value]
      }
      const first = bundleEntries(value)
      if (!nextLink(value)) {
        sources.prefetch.push(key)
        return first
      }
      if (!reader) {
        missing.push(`${key} (next page: ${why})`)
        return []
      }
      try {
        const rest = await reader.rest(value)
        sources.prefetch.push(key)
        return [...first, ...rest]
      } catch (error) {
        missing.push(`${key} (next page: ${toNexoraError(error).code})`)
        return []
      }
    }
    const url = instantiate(template, request.context, input.now)
    if (!url) {
      missing.push(`${key} (no context value for its template)`)
      return []
    }
    if (!reader) {
      missing.push(`${key} (${why})`)
      return []
    }
    try {
      const fetched = await reader.read(url)
      sources.fetched.push(key)
      return fetched
    } catch (error) {
      missing.push(`${key} (${toNexoraError(error).code})`)
      return []
    }
  }

  const lists = await Promise.all(
    Object.entries(input.templates).map(async ([key, template]) => {
      const found = await one(key, template)
      return key === PATIENT_KEY ? found.map((r) => ownPatient(r, patientId)) : found
    }),
  )
  if (missing.length) throw new NexoraError('cds.prefetch_missing', { detail: missing.sort().join('; ') })
  if (sources.none.includes(PATIENT_KEY)) throw new NexoraError('cds.prefetch_missing', { detail: 'patient (null: the client has no Patient)' })
  // Keys finish in any order; the audit trail gets them sorted.
  for (const list of Object.values(sources)) list.sort()
  return { resources: lists.flat(), sources }
}
