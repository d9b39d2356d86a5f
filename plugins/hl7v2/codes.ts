/**
 * The vocabulary maps of the HL7 v2-to-FHIR IG (https://build.fhir.org/ig/HL7/v2-to-fhir/) that the
 * mapping uses, copied as data: table 0001 → AdministrativeGender, 0004 → Encounter.class, 0085 →
 * Observation.status, and the table 0396 coding-system names → FHIR system URIs.
 */

/** ConceptMap "AdministrativeSex": HL7 table 0001 → FHIR administrative-gender. */
export const GENDER: Readonly<Record<string, 'male' | 'female' | 'other' | 'unknown'>> = {
  F: 'female',
  M: 'male',
  O: 'other',
  U: 'unknown',
  A: 'other',
  N: 'other',
}

const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode'
const V2_0004 = 'http://terminology.hl7.org/CodeSystem/v2-0004'

/** ConceptMap "PatientClass[EncounterClass]": HL7 table 0004 → v3 ActCode where one exists, else the v2 table itself. */
export const PATIENT_CLASS: Readonly<Record<string, { system: string; code: string; display: string }>> = {
  E: { system: ACT_CODE, code: 'EMER', display: 'emergency' },
  I: { system: ACT_CODE, code: 'IMP', display: 'inpatient encounter' },
  O: { system: ACT_CODE, code: 'AMB', display: 'ambulatory' },
  P: { system: ACT_CODE, code: 'PRENC', display: 'pre-admission' },
  R: { system: V2_0004, code: 'R', display: 'Recurring patient' },
  B: { system: V2_0004, code: 'B', display: 'Obstetrics' },
  C: { system: V2_0004, code: 'C', display: 'Commercial Account' },
  N: { system: V2_0004, code: 'N', display: 'Not Applicable' },
  U: { system: V2_0004, code: 'U', display: 'Unknown' },
}

/** Table 0004 is user-defined: a site's own class keeps its code, in the v2 table's system. */
export const patientClass = (code: string) => PATIENT_CLASS[code] ?? { system: V2_0004, code }

/**
 * ConceptMap "table-hl70085-to-observation-status". The IG leaves B, I, N, O, R and S unmapped;
 * Observation.status is required, so they (and an empty OBX-11) become `unknown` rather than a guess.
 */
const RESULT_STATUS: Readonly<Record<string, string>> = {
  A: 'amended',
  C: 'corrected',
  D: 'entered-in-error',
  F: 'final',
  P: 'preliminary',
  W: 'entered-in-error',
  X: 'cancelled',
}
export const resultStatus = (code: string): string => RESULT_STATUS[code] ?? 'unknown'

/** HL7 table 0396 names → FHIR system URIs (terminology.hl7.org's external code systems). */
const CODING_SYSTEMS: Readonly<Record<string, string>> = {
  LN: 'http://loinc.org',
  SCT: 'http://snomed.info/sct',
  SNM: 'http://snomed.info/sct',
  UCUM: 'http://unitsofmeasure.org',
  I10: 'http://hl7.org/fhir/sid/icd-10',
  I10C: 'http://hl7.org/fhir/sid/icd-10-cm',
  I9C: 'http://hl7.org/fhir/sid/icd-9-cm',
  RXNORM: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  C4: 'http://www.ama-assn.org/go/cpt',
  CPT: 'http://www.ama-assn.org/go/cpt',
  NDC: 'http://hl7.org/fhir/sid/ndc',
  CVX: 'http://hl7.org/fhir/sid/cvx',
}

/**
 * The FHIR system of a coding-system name: the table above, `HL7nnnn` → the v2 table's code system,
 * and undefined for a local system (`L`, `99zzz`) or one this list does not know: a coding with a
 * code and no system is honest, an invented URI is not.
 */
export function codingSystem(name: string): string | undefined {
  const upper = name.toUpperCase()
  if (CODING_SYSTEMS[upper]) return CODING_SYSTEMS[upper]
  const table = /^HL7(\d{4})$/.exec(upper)
  return table ? `http://terminology.hl7.org/CodeSystem/v2-${table[1]}` : undefined
}

/**
 * HL7 table 0211 (MSH-18) → WHATWG encoding labels (TextDecoder). UTF-16/32 and the ISO 2022 sets are
 * left out: their bytes can collide with MLLP's frame bytes, or they need escape switching.
 */
export const CHARSETS: Readonly<Record<string, string>> = {
  ASCII: 'ascii',
  'UNICODE UTF-8': 'utf-8',
  'UTF-8': 'utf-8',
  '8859/1': 'iso-8859-1',
  '8859/2': 'iso-8859-2',
  '8859/3': 'iso-8859-3',
  '8859/4': 'iso-8859-4',
  '8859/5': 'iso-8859-5',
  '8859/6': 'iso-8859-6',
  '8859/7': 'iso-8859-7',
  '8859/8': 'iso-8859-8',
  '8859/9': 'iso-8859-9',
  '8859/15': 'iso-8859-15',
  'GB 18030-2000': 'gb18030',
  'KS X 1001': 'euc-kr',
  'BIG-5': 'big5',
}
