/**
 * The documented ground truth of the synthetic FHIR cohort: 30-day readmission after the index
 * discharge is drawn with probability
 *
 *   p = sigmoid(−3.0
 *               + 0.04 · (age − 65)
 *               + 0.55 · prior_admissions_12m
 *               + 0.12 · (length_of_stay − 4)
 *               + 0.45 · max(0, hba1c − 7)
 *               + 0.035 · max(0, 60 − egfr)
 *               + 0.90 · heart_failure + 0.60 · copd + 0.40 · ckd
 *               + 0.60 · anticoagulant)
 *
 * Every feature is computable from the record alone, as `truthFeatures` does, with data only
 * up to the index discharge (no leakage):
 * - the index admission is the last inpatient (class IMP) Encounter; discharge = its period.end;
 * - age: whole years from Patient.birthDate to the index admission's period.start;
 * - prior_admissions_12m: other inpatient Encounters starting in the 365 days before the index start;
 * - length_of_stay: (period.end − period.start) of the index admission in days, rounded;
 * - hba1c, egfr: the latest LOINC 4548-4 (%) / 33914-3 (mL/min/1.73 m²) value at or before the
 *   discharge; an observation without a value is skipped; none at all → the term is 0;
 * - heart_failure, copd, ckd: a Condition recorded at or before the discharge, coded ICD-10-CM
 *   I50.* / J44.* / N18.*, or SNOMED CT 84114007 / 13645005 / 433144002 or 431857002 (some are
 *   coded in SNOMED CT only, so an ICD-10-only feature extractor under-counts);
 * - anticoagulant: an `active` MedicationRequest for warfarin, apixaban or rivaroxaban (RxNorm
 *   11289, 1364430, 1114195) authored at or before the discharge (a `stopped` one does not count).
 * Future-dated observations and those after Patient.deceasedDateTime all fall after the
 * discharge, so they never reach these features.
 */
import { ANTICOAGULANT_RXNORM, LABS, SYSTEMS, TRUTH_DIAGNOSES } from './codes.ts'
import { sigmoid } from './random.ts'

export interface TruthFeatures {
  age: number
  priorAdmissions12m: number
  lengthOfStayDays: number
  /** Latest HbA1c (%) up to discharge; null when never measured. */
  hba1c: number | null
  /** Latest eGFR (mL/min/1.73 m²) up to discharge; null when never measured. */
  egfr: number | null
  heartFailure: boolean
  copd: boolean
  ckd: boolean
  anticoagulant: boolean
}

export const TRUTH_COEFFICIENTS = {
  intercept: -3.0,
  agePer1yAbove65: 0.04,
  priorAdmission12m: 0.55,
  lengthOfStayPerDayAbove4: 0.12,
  hba1cPerPointAbove7: 0.45,
  egfrPerPointBelow60: 0.035,
  heartFailure: 0.9,
  copd: 0.6,
  ckd: 0.4,
  anticoagulant: 0.6,
} as const

export const TRUTH_FORMULA =
  'p = sigmoid(−3.0 + 0.04·(age − 65) + 0.55·prior_admissions_12m + 0.12·(length_of_stay − 4) + 0.45·max(0, hba1c − 7) + 0.035·max(0, 60 − egfr) + ' +
  '0.90·heart_failure + 0.60·copd + 0.40·ckd + 0.60·anticoagulant)'

/** The true probability of a 30-day readmission for one patient's features. */
export function readmissionProbability(f: TruthFeatures): number {
  const c = TRUTH_COEFFICIENTS
  return sigmoid(
    c.intercept +
      c.agePer1yAbove65 * (f.age - 65) +
      c.priorAdmission12m * f.priorAdmissions12m +
      c.lengthOfStayPerDayAbove4 * (f.lengthOfStayDays - 4) +
      c.hba1cPerPointAbove7 * Math.max(0, (f.hba1c ?? 0) - 7) +
      c.egfrPerPointBelow60 * Math.max(0, 60 - (f.egfr ?? 60)) +
      c.heartFailure * Number(f.heartFailure) +
      c.copd * Number(f.copd) +
      c.ckd * Number(f.ckd) +
      c.anticoagulant * Number(f.anticoagulant),
  )
}

const DAY = 86_400_000

// Loose views of the few elements read here: the features must come from plain JSON, as a client would see it.
interface Json {
  resourceType: string
  id?: string
  [k: string]: unknown
}
interface CodingJson {
  system?: string
  code?: string
}
const codings = (concept: unknown): CodingJson[] => (concept as { coding?: CodingJson[] } | undefined)?.coding ?? []
const time = (value: unknown) => (typeof value === 'string' ? Date.parse(value) : Number.NaN)

/** The index admission of a record: the inpatient Encounter that starts last. */
export function indexAdmission(resources: readonly Json[]): { id: string; start: number; end: number } | undefined {
  let best: { id: string; start: number; end: number } | undefined
  for (const r of resources) {
    if (r.resourceType !== 'Encounter' || (r.class as CodingJson | undefined)?.code !== 'IMP') continue
    const period = r.period as { start?: string; end?: string } | undefined
    const start = time(period?.start)
    if (!best || start > best.start) best = { id: r.id ?? '', start, end: time(period?.end) }
  }
  return best
}

/** Whole years between a birth date and a moment, by calendar (as age is told). */
function ageAt(birthDate: string, at: number): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number]
  const d = new Date(at)
  const beforeBirthday = d.getUTCMonth() + 1 < bm || (d.getUTCMonth() + 1 === bm && d.getUTCDate() < bd)
  return d.getUTCFullYear() - by - (beforeBirthday ? 1 : 0)
}

function latestValue(resources: readonly Json[], loinc: string, until: number): number | null {
  let best: { at: number; value: number } | null = null
  for (const r of resources) {
    if (r.resourceType !== 'Observation' || !codings(r.code).some((c) => c.system === SYSTEMS.loinc && c.code === loinc)) continue
    const value = (r.valueQuantity as { value?: unknown } | undefined)?.value
    const at = time(r.effectiveDateTime)
    if (typeof value !== 'number' || !(at <= until)) continue
    if (!best || at > best.at) best = { at, value }
  }
  return best?.value ?? null
}

function hasDiagnosis(resources: readonly Json[], rule: { icd10Prefixes: readonly string[]; snomed: readonly string[] }, until: number): boolean {
  return resources.some(
    (r) =>
      r.resourceType === 'Condition' &&
      time(r.recordedDate) <= until &&
      codings(r.verificationStatus).every((c) => c.code !== 'entered-in-error') &&
      codings(r.code).some(
        (c) =>
          (c.system === SYSTEMS.icd10cm && rule.icd10Prefixes.some((p) => c.code?.startsWith(p))) ||
          (c.system === SYSTEMS.snomed && rule.snomed.includes(c.code ?? '')),
      ),
  )
}

/** The ground-truth features of one patient's record (the Patient and every resource about them). */
export function truthFeatures(resources: readonly Json[]): TruthFeatures {
  const patient = resources.find((r) => r.resourceType === 'Patient')
  const index = indexAdmission(resources)
  if (!patient || !index) throw new Error('truthFeatures needs a Patient and at least one inpatient Encounter')
  const discharge = index.end
  const priorAdmissions12m = resources.filter((r) => {
    if (r.resourceType !== 'Encounter' || r.id === index.id || (r.class as CodingJson | undefined)?.code !== 'IMP') return false
    const start = time((r.period as { start?: string } | undefined)?.start)
    return start >= index.start - 365 * DAY && start < index.start
  }).length
  return {
    age: ageAt(String(patient.birthDate), index.start),
    priorAdmissions12m,
    lengthOfStayDays: Math.round((index.end - index.start) / DAY),
    hba1c: latestValue(resources, LABS.hba1c.loinc, discharge),
    egfr: latestValue(resources, LABS.egfr.loinc, discharge),
    heartFailure: hasDiagnosis(resources, TRUTH_DIAGNOSES.heartFailure, discharge),
    copd: hasDiagnosis(resources, TRUTH_DIAGNOSES.copd, discharge),
    ckd: hasDiagnosis(resources, TRUTH_DIAGNOSES.ckd, discharge),
    anticoagulant: resources.some(
      (r) =>
        r.resourceType === 'MedicationRequest' &&
        r.status === 'active' &&
        time(r.authoredOn) <= discharge &&
        codings(r.medicationCodeableConcept).some((c) => c.system === SYSTEMS.rxnorm && ANTICOAGULANT_RXNORM.has(c.code ?? '')),
    ),
  }
}
