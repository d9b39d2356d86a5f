import type { FhirResource } from '../../core/index.ts'

export const ICD10_SYSTEMS = new Set(['http://hl7.org/fhir/sid/icd-10-cm', 'http://hl7.org/fhir/sid/icd-10'])
export const SNOMED = 'http://snomed.info/sct'
export const LOINC = 'http://loinc.org'
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm'

interface Coding {
  system?: string
  code?: string
}

export function codingsOf(resource: FhirResource, element = 'code'): Coding[] {
  return ((resource[element] as { coding?: Coding[] } | undefined)?.coding ?? []).filter((c) => typeof c.code === 'string')
}

/**
 * A condition's ICD-10 codes; a condition coded only in SNOMED CT gives its SNOMED codes
 * instead, passed through as their own `SNOMED:<code>` tokens.
 */
export function conditionCodes(condition: FhirResource): { icd10: string[]; other: string[] } {
  const codings = codingsOf(condition)
  const icd10 = codings.filter((c) => c.system && ICD10_SYSTEMS.has(c.system)).map((c) => c.code!)
  const other = icd10.length ? [] : codings.filter((c) => c.system === SNOMED).map((c) => `SNOMED:${c.code}`)
  return { icd10, other }
}
