import type { FhirResource, FhirSource } from '../../core/index.ts'
import { parseResource, patientIdOf, resolveBundleReferences } from '../fhir/index.ts'
import { skip, type EtlReport } from './report.ts'

/** One patient's resources. */
export interface PatientRecord {
  patientId: string
  resources: FhirResource[]
}

/** Group resources by patient; resources that name no patient are counted and dropped. */
export function groupByPatient(resources: Iterable<FhirResource>, report: EtlReport): PatientRecord[] {
  const groups = new Map<string, FhirResource[]>()
  for (const resource of resources) {
    const id = patientIdOf(resource)
    if (!id) {
      skip(report, 'no_patient')
      continue
    }
    groups.set(id, [...(groups.get(id) ?? []), resource])
  }
  return [...groups].map(([patientId, list]) => ({ patientId, resources: list }))
}

/** Validate each resource; an invalid one is counted and dropped, never fatal. */
export function validResources(resources: unknown[], report: EtlReport): FhirResource[] {
  return resources.flatMap((json) => {
    try {
      return [parseResource(json)]
    } catch {
      skip(report, 'invalid_resource')
      return []
    }
  })
}

/** A Bundle of any type (transaction, collection, searchset), references resolved, grouped by patient. */
export function recordsFromBundle(bundle: { entry?: { fullUrl?: string; resource?: FhirResource }[] }, report: EtlReport): PatientRecord[] {
  return groupByPatient(validResources(resolveBundleReferences(bundle), report), report)
}

/** Each patient's record from a FHIR server, one `$everything` at a time. */
export async function* recordsFromServer(source: FhirSource, patientIds: Iterable<string>, report: EtlReport): AsyncIterable<PatientRecord> {
  for (const patientId of patientIds) {
    yield { patientId, resources: validResources(await source.everything(patientId), report) }
  }
}

/**
 * NDJSON lines (a Bulk Data export) as patient records. Lines are parsed one at a time, so raw
 * text never accumulates. With `grouped: true` (lines already grouped by patient, as a
 * per-patient export writes them) each record is emitted as soon as the patient changes and
 * memory stays flat; otherwise resources are held until the end of the input.
 */
export async function* recordsFromNdjson(lines: AsyncIterable<string>, report: EtlReport, grouped = false): AsyncIterable<PatientRecord> {
  let current: PatientRecord | undefined
  const held = new Map<string, FhirResource[]>()
  for await (const line of lines) {
    if (!line.trim()) continue
    let resource: FhirResource
    try {
      resource = parseResource(JSON.parse(line))
    } catch {
      skip(report, 'invalid_resource')
      continue
    }
    const patientId = patientIdOf(resource)
    if (!patientId) {
      skip(report, 'no_patient')
      continue
    }
    if (!grouped) {
      held.set(patientId, [...(held.get(patientId) ?? []), resource])
      continue
    }
    if (current && current.patientId !== patientId) {
      yield current
      current = undefined
    }
    current ??= { patientId, resources: [] }
    current.resources.push(resource)
  }
  if (current) yield current
  for (const [patientId, resources] of held) yield { patientId, resources }
}
