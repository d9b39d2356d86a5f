import type { ClinicalEvent, FhirResource } from '../../core/index.ts'
import { codingsOf, conditionCodes, LOINC, RXNORM } from './codes.ts'
import { deathTime } from './deceased.ts'
import { normalizeIcd10 } from './icd10/index.ts'
import type { FeatureSpec } from './spec.ts'
import { defaultTime, fhirTime } from './time.ts'

const DAY = 86_400_000
const YEAR = 365.2425 * DAY

export interface SequenceEvent extends ClinicalEvent {
  /** Age in years at the event. */
  age: number | null
  /** Days from the event to the index time (≥ 0). */
  deltaDays: number
}

/** An observation's bucket: its interpretation (H/L/N…) when given, else relative to its reference range. */
function bucket(resource: FhirResource): string {
  const r = resource as Record<string, any>
  const flag = r.interpretation?.[0]?.coding?.[0]?.code
  if (typeof flag === 'string') return flag
  const value = r.valueQuantity?.value
  const range = r.referenceRange?.[0]
  if (typeof value !== 'number') return 'present'
  if (typeof range?.low?.value === 'number' && value < range.low.value) return 'L'
  if (typeof range?.high?.value === 'number' && value > range.high.value) return 'H'
  return range ? 'N' : 'present'
}

function tokens(resource: FhirResource): string[] {
  switch (resource.resourceType) {
    case 'Condition': {
      const { icd10, other } = conditionCodes(resource)
      return [...icd10.map((c) => `ICD10:${normalizeIcd10(c)?.category ?? c}`), ...other]
    }
    case 'Observation':
      return codingsOf(resource)
        .filter((c) => c.system === LOINC)
        .slice(0, 1)
        .map((c) => `LOINC:${c.code}:${bucket(resource)}`)
    case 'MedicationRequest':
      return codingsOf(resource, 'medicationCodeableConcept')
        .filter((c) => c.system === RXNORM)
        .slice(0, 1)
        .map((c) => `RXNORM:${c.code}`)
    case 'Encounter':
      return [`ENC:${(resource as Record<string, any>).class?.code ?? 'unknown'}`]
    default:
      return []
  }
}

/**
 * A patient's record as an event sequence for sequence models (BEHRT-style): one token per
 * condition (ICD-10 category, or SNOMED when no ICD-10), observation (LOINC + bucket),
 * medication (RxNorm) or encounter (class), with age and days before the index time, oldest
 * first. Only events before the index count; truncation keeps the most recent `maxLength`.
 */
export function buildSequence(resources: FhirResource[], sequence: NonNullable<FeatureSpec['sequence']>, indexTime: number, now: number): SequenceEvent[] {
  const patient = resources.find((r) => r.resourceType === 'Patient') as Record<string, any> | undefined
  const born = fhirTime(patient?.birthDate)
  const death = deathTime(patient as FhirResource | undefined)
  const include = new Set<string>(sequence.include)
  const events: SequenceEvent[] = []
  for (const resource of resources) {
    if (!include.has(resource.resourceType)) continue
    const at = fhirTime(defaultTime(resource))
    if (Number.isNaN(at) || at > indexTime || at > now || (!Number.isNaN(death) && at > death)) continue
    if (sequence.windowDays !== undefined && at < indexTime - sequence.windowDays * DAY) continue
    for (const code of tokens(resource)) {
      events.push({
        code,
        time: new Date(at).toISOString(),
        age: Number.isNaN(born) ? null : Math.round(((at - born) / YEAR) * 100) / 100,
        deltaDays: Math.round(((indexTime - at) / DAY) * 100) / 100,
      })
    }
  }
  events.sort((a, b) => a.time.localeCompare(b.time) || a.code.localeCompare(b.code))
  return events.slice(-sequence.maxLength)
}
