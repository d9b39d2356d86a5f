import type { FhirResource } from '../../core/index.ts'
import { patientIdOf } from '../fhir/index.ts'
import { resolveDetect } from './detector.ts'
import { KeyedHmac, withDigests } from './keyed.ts'
import { REDACTED_LABEL, safeHarborElement, safeHarborResource, type SafeHarborPass } from './safe-harbor.ts'
import { pseudoResourceId } from './surrogates.ts'
import type { DeidCounts, DeidOptions } from './types.ts'

export interface DeidResourceOptions extends DeidOptions {
  /** Whose record it is, when the resource does not say (its own id for a Patient, else subject/patient). */
  patientId?: string
}

/** Run a Safe Harbor transform in two passes (record HMAC labels, then apply), sharing one detector cache. */
async function runPass<T>(options: DeidOptions, fn: (pass: SafeHarborPass) => T): Promise<{ value: T; counts: DeidCounts }> {
  const detect = resolveDetect(options)
  const keys = await KeyedHmac.create(options.key, options.hmac)
  const spans = new Map()
  const counts: DeidCounts = {}
  const value = await withDigests(keys, (keyed, final) => fn({ keyed, options, detect, spans, counts: final ? counts : undefined }))
  return { value, counts }
}

/**
 * De-identify one FHIR resource under the Safe Harbor profile (see docs/deid.md). The input is
 * not modified. Its id and references are pseudonymised exactly as `deidentifyBundle` would.
 * @example
 * const { resource, counts } = await deidentifyResource(patient, { key })
 */
export async function deidentifyResource<T extends FhirResource>(resource: T, options: DeidResourceOptions): Promise<{ resource: T; counts: DeidCounts }> {
  if (resource.resourceType === 'Bundle') {
    const { bundle, counts } = await deidentifyBundle(resource as BundleLike, options)
    return { resource: bundle as unknown as T, counts }
  }
  const patientId = options.patientId ?? patientIdOf(resource)
  const { value, counts } = await runPass(options, (pass) => safeHarborResource(pass, resource, patientId))
  return { resource: value, counts }
}

interface Entry {
  fullUrl?: string
  resource?: FhirResource
  [k: string]: unknown
}
export interface BundleLike extends FhirResource {
  resourceType: 'Bundle'
  entry?: Entry[]
}

const TYPE_ID = /([A-Z][A-Za-z]+\/[A-Za-z0-9.-]{1,64})$/

/**
 * Each entry's patient (raw id): a Patient is its own; anything else follows subject/patient,
 * whether that names `Patient/123`, a fullUrl or a `urn:uuid:`, so one patient gets one shift.
 */
function patientKeys(entries: Entry[]): (string | undefined)[] {
  const byRef = new Map<string, FhirResource>()
  for (const e of entries) {
    if (!e.resource) continue
    if (e.fullUrl) byRef.set(e.fullUrl, e.resource)
    if (e.resource.id) byRef.set(`${e.resource.resourceType}/${e.resource.id}`, e.resource)
  }
  const keyOf = (patient: FhirResource, fullUrl?: string) => patient.id ?? fullUrl?.replace(/^urn:uuid:/i, '')
  const fullUrlOf = new Map(entries.filter((e) => e.resource && e.fullUrl).map((e) => [e.resource!, e.fullUrl!]))
  return entries.map((e) => {
    const r = e.resource
    if (!r) return undefined
    if (r.resourceType === 'Patient') return keyOf(r, e.fullUrl)
    const ref = ((r.subject ?? r.patient ?? r.beneficiary) as { reference?: string } | undefined)?.reference
    const target = ref ? (byRef.get(ref) ?? byRef.get(TYPE_ID.exec(ref)?.[1] ?? '')) : undefined
    return target?.resourceType === 'Patient' ? keyOf(target, fullUrlOf.get(target)) : patientIdOf(r)
  })
}

/**
 * De-identify a Bundle: every resource under the Safe Harbor profile, with one pseudonym and one
 * date shift per patient across all entries, and every id, fullUrl and reference rewritten the
 * same way so the Bundle's references still resolve. Search links (which carry query parameters)
 * and transaction responses are dropped.
 * @example
 * const { bundle } = await deidentifyBundle(bundle, { key })
 */
export async function deidentifyBundle<B extends BundleLike>(bundle: B, options: DeidOptions): Promise<{ bundle: B; counts: DeidCounts }> {
  const entries = bundle.entry ?? []
  const patients = patientKeys(entries)
  const { value, counts } = await runPass(options, (pass) => {
    const out: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(bundle)) {
      if (key === 'entry' || key === 'link' || key === 'signature') continue
      if (key === 'id' && typeof v === 'string') {
        out.id = pseudoResourceId(pass.keyed, 'Bundle', v)
        continue
      }
      const r = safeHarborElement(pass, key, v, bundle)
      if (r !== undefined) out[key] = r
    }
    if (bundle.entry) out.entry = entries.map((entry, i) => deidEntry(pass, entry, patients[i]))
    const meta = (out.meta ?? {}) as Record<string, unknown>
    out.meta = { ...meta, security: [...((meta.security as unknown[]) ?? []), REDACTED_LABEL] }
    return out as B
  })
  return { bundle: value, counts }
}

function deidEntry(pass: SafeHarborPass, entry: Entry, patientId: string | undefined): Entry {
  const out: Entry = {}
  for (const [key, v] of Object.entries(entry)) {
    if (key === 'response' || v === undefined) continue
    if (key === 'resource') out.resource = safeHarborResource(pass, v as FhirResource, patientId)
    else if (key === 'fullUrl' && typeof v === 'string') {
      const u = safeHarborElement(pass, 'reference', v, {})
      if (typeof u === 'string') out.fullUrl = u
    } else if (key === 'request') out.request = deidRequest(pass, v as Record<string, unknown>)
    else {
      const r = safeHarborElement(pass, key, v, entry, patientId)
      if (r !== undefined) out[key] = r
    }
  }
  return out
}

/** A transaction request: `PUT Patient/123` keeps its shape; conditional queries lose their parameters. */
function deidRequest(pass: SafeHarborPass, request: Record<string, unknown>): Record<string, unknown> {
  const { ifNoneExist: _a, ifMatch: _b, ifNoneMatch: _c, ifModifiedSince: _d, ...rest } = request
  if (typeof rest.url === 'string') {
    const u = rest.url
    rest.url = /^[A-Z][A-Za-z]+$/.test(u) ? u : (safeHarborElement(pass, 'reference', u, {}) ?? u.split('?')[0])
  }
  return rest
}
