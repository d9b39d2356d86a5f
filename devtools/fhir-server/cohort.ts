/**
 * A deterministic synthetic FHIR R4 cohort: per patient a Patient, 3–10 Encounters (the last
 * inpatient one is the index admission), coded Conditions, vital-sign and lab Observations and
 * MedicationRequests — a few hundred resources each — plus a drawn 30-day readmission outcome
 * whose ground truth is documented in truth.ts. Every number comes from one seeded stream, so
 * a seed always gives the same JSON; no real person is behind any record.
 *
 * A little bad data is there on purpose, as in any EHR extract: ~1 % of observations without a
 * value, a few future-dated observations (~5 % of patients) and, for the ~3 % who died, lab
 * results dated after Patient.deceasedDateTime.
 */
import type { Encounter, MedicationRequest, Patient } from 'fhir/r4.js'
import type { FhirResource } from '../../core/index.ts'
import {
  CONDITIONS,
  ENCOUNTER_CLASSES,
  ENCOUNTER_TYPES,
  FAKE,
  GLUCOSE_MG_DL_PER_MMOL_L,
  LABS,
  SYSTEMS,
  VITALS,
  concept,
  type ConditionKey,
  type MedicationKey,
} from './codes.ts'
import { DAY, drawProfile, HOUR, iso, MINUTE, minute, pad, planVisits, ref, type Profile, type Visit } from './profile.ts'
import { clamp, createDraw, round, type Draw } from './random.ts'
import { RecordBuilder } from './record-builder.ts'
import { readmissionProbability, truthFeatures, type TruthFeatures } from './truth.ts'

export interface GenerateFhirCohortOptions {
  /** Default 200. */
  patients?: number
  /** Default 20261126. */
  seed?: number
  /** The extract date: every index discharge is at least 31 days before it. Default 2026-06-30T00:00:00Z. */
  now?: string
}

export interface PatientOutcome {
  readmitted30d: 0 | 1
  /** The index admission's period.end. */
  indexDischarge: string
  /** `Encounter/<id>` of the index admission. */
  indexEncounter: string
  /** The true probability the outcome was drawn with. */
  probability: number
  /** The features of the ground truth, as computed from the record. */
  features: TruthFeatures
}

export interface FhirCohort {
  /** Plain R4 JSON: per patient the Patient first, then Encounters, Conditions, Observations, MedicationRequests. */
  resources: FhirResource[]
  outcomes: Record<string, PatientOutcome>
  /** The documented ground truth: features → probability of a 30-day readmission (see truth.ts). */
  truth: (features: TruthFeatures) => number
  seed: number
  now: string
}

/** Vital signs: every 6 h during a stay, twice in the emergency department, once in clinic. */
function renderVitals(draw: Draw, b: RecordBuilder, p: Profile, v: Visit) {
  const c = p.conditions
  const infection = v.acute.length > 0 && v.kind !== 'ambulatory'
  const times =
    v.kind === 'inpatient'
      ? Array.from({ length: Math.floor((v.end - v.start) / (6 * HOUR)) }, (_, i) => v.start + 30 * MINUTE + i * 6 * HOUR)
      : v.kind === 'emergency'
        ? [v.start + 15 * MINUTE, v.start + 2 * HOUR]
        : [v.start + 10 * MINUTE]
  times.forEach((t, i) => {
    const at = minute(t + draw.uniform(0, 20) * MINUTE)
    b.measure(
      VITALS.heartRate,
      at,
      v,
      clamp(draw.normal(74 + (v.kind === 'inpatient' ? 6 : 0) + (c.has('heartFailure') ? 4 : 0) + (infection ? 12 : 0), 9), 38, 170),
    )
    const systolic = clamp(draw.normal(122 + (c.has('hypertension') ? 14 : 0) + 0.3 * (p.age - 65), 13), 80, 220)
    b.bloodPressure(at, v, systolic, clamp(draw.normal(0.5 * systolic + 12, 6), 40, 130))
    b.measure(VITALS.temperature, at, v, clamp(draw.normal(36.8 + (infection ? 1.3 : 0), 0.3), 35, 41))
    b.measure(VITALS.respiratoryRate, at, v, clamp(draw.normal(16 + (c.has('copd') ? 3 : 0) + (infection ? 3 : 0), 2), 8, 40))
    b.measure(VITALS.spo2, at, v, clamp(draw.normal(97 - (c.has('copd') ? 4 : 0) - (infection ? 2 : 0), 1.3), 78, 100))
    if (i === 0) {
      const weight = p.weightKg + draw.normal(0, 1.2)
      b.measure(VITALS.weight, at, v, weight)
      b.measure(VITALS.bmi, at, v, weight / p.heightM ** 2)
    }
  })
}

/**
 * One lab panel. Creatinine is derived from eGFR by inverting CKD-EPI 2021 (approximately: the
 * low-creatinine branch is ignored) so the two agree; glucose follows HbA1c (eAG) and is sometimes
 * reported in mmol/L, as some labs do.
 */
function renderLabs(draw: Draw, b: RecordBuilder, p: Profile, v: Visit | undefined, at: number, withHba1c: boolean) {
  const c = p.conditions
  const female = p.gender === 'female'
  const infection = v !== undefined && v.acute.length > 0 && v.kind !== 'ambulatory'
  const ckd = c.has('ckd3') || c.has('ckd4')
  const egfr = Math.round(clamp(draw.normal(p.egfrBase - (v?.kind === 'inpatient' ? 6 : 0), 4), 5, 140))
  const creatinine = (female ? 0.7 : 0.9) * (egfr / (142 * 0.9938 ** p.age * (female ? 1.012 : 1))) ** (-1 / 1.2)
  b.measure(LABS.creatinine, at, v, clamp(creatinine, 0.3, 12))
  b.measure(LABS.egfr, at, v, egfr)
  b.measure(LABS.sodium, at, v, clamp(draw.normal(139 - (c.has('heartFailure') ? 2 : 0), 2.5), 120, 160))
  b.measure(LABS.potassium, at, v, clamp(draw.normal(4.2 + (ckd ? 0.4 : 0), 0.35), 2.5, 7))
  const glucose = clamp(draw.normal(28.7 * p.hba1cBase - 46.7, 20), 55, 450)
  if (draw.chance(0.06)) b.measure(LABS.glucose, at, v, round(glucose / GLUCOSE_MG_DL_PER_MMOL_L, 1), 'mmol/L')
  else b.measure(LABS.glucose, at, v, glucose)
  b.measure(LABS.hemoglobin, at, v, clamp(draw.normal((female ? 13.2 : 14.6) - (c.has('anemia') ? 2.5 : 0) - (ckd ? 0.8 : 0), 1), 6, 19))
  b.measure(LABS.wbc, at, v, clamp(draw.normal(7.2 + (infection ? 5 : 0), 1.8), 1.5, 30))
  if (withHba1c) b.measure(LABS.hba1c, minute(at + 5 * MINUTE), v, clamp(draw.normal(p.hba1cBase, 0.35), 4.2, 14))
}

/** Labs every morning of a stay, once in the emergency department, sometimes in clinic. */
function renderVisitLabs(draw: Draw, b: RecordBuilder, p: Profile, v: Visit) {
  const diabetic = p.conditions.has('diabetes')
  if (v.kind === 'inpatient') {
    const days = Math.max(1, Math.round((v.end - v.start) / DAY))
    const a1c = draw.chance(diabetic ? 0.9 : p.conditions.has('prediabetes') ? 0.5 : 0.25) ? draw.int(0, days - 1) : -1
    for (let d = 0; d < days; d++) renderLabs(draw, b, p, v, minute(v.start + HOUR + d * DAY + draw.uniform(0, 30) * MINUTE), d === a1c)
  } else if (v.kind === 'emergency') {
    renderLabs(draw, b, p, v, minute(v.start + 45 * MINUTE), false)
  } else if (draw.chance(0.65)) {
    renderLabs(draw, b, p, v, minute(v.start + 20 * MINUTE), draw.chance(diabetic ? 0.6 : 0.1))
  }
}

/** Chronic conditions each get recorded once; heart failure is sometimes first diagnosed at the index admission. */
function renderConditions(draw: Draw, b: RecordBuilder, p: Profile, visits: Visit[]): Map<ConditionKey, Visit> {
  const before = visits.filter((v) => !v.isIndex)
  const index = visits.find((v) => v.isIndex)!
  const recordedAt = new Map<ConditionKey, Visit>()
  const style = (): 'both' | 'icd10' | 'snomed' => {
    const r = draw.next()
    return r < 0.6 ? 'both' : r < 0.87 ? 'icd10' : 'snomed'
  }
  for (const key of [...p.conditions].sort()) {
    const visit = key === 'heartFailure' && draw.chance(0.25) ? index : draw.pick(before)
    b.condition(key, visit, minute(visit.start + draw.uniform(30, 180) * MINUTE), style())
    recordedAt.set(key, visit)
  }
  for (const v of visits) for (const key of v.acute) b.condition(key, v, minute(v.start + draw.uniform(30, 180) * MINUTE), 'both')
  return recordedAt
}

const THERAPY: Partial<Record<ConditionKey, [MedicationKey, number][]>> = {
  diabetes: [
    ['metformin', 0.8],
    ['empagliflozin', 0.15],
  ],
  heartFailure: [
    ['furosemide', 0.9],
    ['carvedilol', 0.7],
    ['spironolactone', 0.4],
  ],
  hypertension: [
    ['lisinopril', 0.6],
    ['amlodipine', 0.4],
    ['hydrochlorothiazide', 0.25],
  ],
  atrialFibrillation: [['metoprolol', 0.6]],
  hyperlipidemia: [['atorvastatin', 0.8]],
  copd: [
    ['albuterol', 0.9],
    ['tiotropium', 0.6],
  ],
  depression: [['sertraline', 0.7]],
  cirrhosis: [
    ['lactulose', 0.6],
    ['spironolactone', 0.5],
  ],
  breastCancer: [
    ['tamoxifen', 0.45],
    ['letrozole', 0.45],
  ],
}

/**
 * Prescriptions are renewed at later visits (the old order `completed`, the newest `active`),
 * and at the index discharge. Anticoagulation: most patients with atrial fibrillation, a few
 * others; some warfarin users are switched to apixaban; some stop altogether (status `stopped`).
 */
function renderMedications(draw: Draw, b: RecordBuilder, p: Profile, visits: Visit[], diagnosedAt: Map<ConditionKey, Visit>) {
  const index = visits.find((v) => v.isIndex)!
  const plan = new Map<MedicationKey, Visit>()
  const start = (key: MedicationKey, visit: Visit) => {
    if (!plan.has(key) || plan.get(key)!.start > visit.start) plan.set(key, visit)
  }
  for (const [condition, visit] of diagnosedAt) {
    for (const [key, chance] of THERAPY[condition] ?? []) if (draw.chance(chance)) start(key, visit)
  }
  if (p.conditions.has('diabetes') && draw.chance(p.hba1cBase > 8.5 ? 0.8 : 0.15)) start('insulinGlargine', diagnosedAt.get('diabetes')!)
  const anyVisit = () => draw.pick(visits)
  if (draw.chance(0.2)) start('omeprazole', anyVisit())
  const anticoagulated = draw.chance(p.conditions.has('atrialFibrillation') ? 0.8 : 0.03)
  if (!anticoagulated && p.age > 50 && draw.chance(0.25)) start('aspirin', anyVisit())

  /** The orders of one drug from `from` on; the last gets `lastStatus`, earlier ones `completed`. */
  const course = (key: MedicationKey, from: Visit, until: number, lastStatus: MedicationRequest['status']) => {
    const renewals = visits.filter((v) => v.start > from.start && v.start < until && v.kind !== 'emergency' && !v.isIndex && draw.chance(0.5))
    const orders = [from, ...renewals].map((v) => ({ v, at: minute(v.start + draw.uniform(30, 120) * MINUTE) }))
    if (until > index.end && draw.chance(0.75)) orders.push({ v: index, at: minute(index.end - draw.uniform(1, 3) * HOUR) })
    orders.forEach((o, i) => b.prescribe(key, o.at, o.v, i === orders.length - 1 ? lastStatus : 'completed'))
  }
  for (const [key, from] of plan) course(key, from, Number.POSITIVE_INFINITY, 'active')

  if (anticoagulated) {
    const from = diagnosedAt.get('atrialFibrillation') ?? anyVisit()
    const r = draw.next()
    const drug: MedicationKey = r < 0.3 ? 'warfarin' : r < 0.8 ? 'apixaban' : 'rivaroxaban'
    const later = visits.filter((v) => v.start > from.start && !v.isIndex && v.kind !== 'emergency')
    if (drug === 'warfarin' && later.length > 0 && draw.chance(0.3)) {
      const switchAt = draw.pick(later)
      course('warfarin', from, switchAt.start, 'stopped')
      course('apixaban', switchAt, Number.POSITIVE_INFINITY, 'active')
    } else {
      course(drug, from, Number.POSITIVE_INFINITY, draw.chance(0.12) ? 'stopped' : 'active')
    }
  }
}

/**
 * Deliberate data errors: a lab keyed with a wrong (future) date, and results filed after death.
 * Both fall after the index discharge, so the ground truth never sees them; an extractor must still
 * drop them.
 */
function renderBadData(draw: Draw, b: RecordBuilder, p: Profile, index: Visit, now: number, death: number | undefined) {
  if (draw.chance(0.05)) {
    const at = minute(now + draw.uniform(20, 800) * DAY)
    b.measure(draw.chance(0.5) ? LABS.sodium : LABS.potassium, at, index, draw.chance(0.5) ? draw.normal(139, 2) : draw.normal(4.3, 0.3))
  }
  if (death !== undefined) {
    for (let i = draw.int(1, 3); i > 0; i--) {
      const at = minute(death + Math.min(draw.uniform(1, 120) * HOUR, (now - death) * 0.9))
      renderLabs(draw, b, p, undefined, at, false)
    }
  }
}

function renderPatient(draw: Draw, p: Profile, index: Visit, death: number | undefined): Patient {
  // Born `age` years and up to 364 days before the index admission: age there is exactly `age`.
  const birth = new Date(index.start)
  birth.setUTCFullYear(birth.getUTCFullYear() - p.age)
  const birthDate = iso(birth.getTime() - draw.int(1, 364) * DAY).slice(0, 10)
  const given = p.gender === 'male' ? draw.pick(FAKE.givenMale) : draw.pick(FAKE.givenFemale)
  return {
    resourceType: 'Patient',
    id: p.id,
    meta: { tag: [{ system: SYSTEMS.actReason, code: 'HTEST', display: 'test health data' }] },
    identifier: [{ use: 'usual', system: FAKE.mrnSystem, value: `SYN-${pad(p.n, 6)}` }],
    active: true,
    name: [{ use: 'official', family: draw.pick(FAKE.family), given: [given], text: 'Synthetic patient — not a real person' }],
    // 555-0100 to 555-0199 are reserved for fiction.
    telecom: [{ system: 'phone', value: `555-01${pad(draw.int(0, 99), 2)}`, use: 'home' }],
    gender: p.gender,
    birthDate,
    ...(death !== undefined ? { deceasedDateTime: iso(death) } : {}),
    address: [
      { use: 'home', line: [`${draw.int(1, 999)} ${draw.pick(FAKE.streets)}`], city: FAKE.city, state: FAKE.state, postalCode: '00000', country: 'ZZ' },
    ],
  }
}

function renderEncounter(p: Profile, v: Visit): Encounter {
  const reason = v.acute[0] && CONDITIONS[v.acute[0]]
  return {
    resourceType: 'Encounter',
    id: v.id,
    status: 'finished',
    class: ENCOUNTER_CLASSES[v.kind],
    type: [{ coding: [ENCOUNTER_TYPES[v.kind]], text: ENCOUNTER_TYPES[v.kind].display }],
    subject: ref('Patient', p.id),
    period: { start: iso(v.start), end: iso(v.end) },
    ...(reason?.snomed ? { reasonCode: [concept(SYSTEMS.snomed, reason.snomed)] } : {}),
    ...(v.kind === 'inpatient'
      ? { hospitalization: { dischargeDisposition: { coding: [{ system: SYSTEMS.dischargeDisposition, code: 'home', display: 'Home' }] } } }
      : {}),
  }
}

function generatePatient(draw: Draw, n: number, now: number): { resources: FhirResource[]; index: Visit } {
  const p = drawProfile(draw, n)
  const visits = planVisits(draw, p, now)
  const index = visits.find((v) => v.isIndex)!
  // ~3 % died, always more than 30 days after the index discharge, so the 30-day outcome is observed.
  const death = draw.chance(0.03) ? minute(index.end + 31 * DAY + draw.next() * (now - index.end - 32 * DAY)) : undefined
  const patient = renderPatient(draw, p, index, death)
  const b = new RecordBuilder(draw, p)
  for (const v of visits) {
    renderVitals(draw, b, p, v)
    renderVisitLabs(draw, b, p, v)
  }
  const diagnosedAt = renderConditions(draw, b, p, visits)
  renderMedications(draw, b, p, visits, diagnosedAt)
  renderBadData(draw, b, p, index, now, death)
  const resources = [patient, ...visits.map((v) => renderEncounter(p, v)), ...b.conditions, ...b.observations, ...b.medications]
  // R4-typed above; handed out as plain JSON (the loose port type every Nexora FHIR consumer takes).
  return { resources: resources as unknown as FhirResource[], index }
}

/**
 * @example
 * const { resources, outcomes } = generateFhirCohort({ patients: 50 })
 * outcomes['pt-0001'] // { readmitted30d: 0, indexDischarge: '2026-…', probability: 0.12, features: {…} }
 */
export function generateFhirCohort(options: GenerateFhirCohortOptions = {}): FhirCohort {
  const { patients = 200, seed = 20261126, now = '2026-06-30T00:00:00Z' } = options
  const nowMs = Date.parse(now)
  if (Number.isNaN(nowMs)) throw new Error(`generateFhirCohort: now is not a date-time: ${now}`)
  if (!Number.isInteger(patients) || patients < 0) throw new Error(`generateFhirCohort: patients must be a non-negative integer, got ${patients}`)
  const draw = createDraw(seed)
  const resources: FhirResource[] = []
  const outcomes: Record<string, PatientOutcome> = {}
  for (let n = 1; n <= patients; n++) {
    const record = generatePatient(draw, n, nowMs)
    const features = truthFeatures(record.resources)
    const probability = readmissionProbability(features)
    outcomes[record.resources[0]!.id!] = {
      readmitted30d: draw.next() < probability ? 1 : 0,
      indexDischarge: iso(record.index.end),
      indexEncounter: `Encounter/${record.index.id}`,
      probability,
      features,
    }
    resources.push(...record.resources)
  }
  return { resources, outcomes, truth: readmissionProbability, seed, now }
}
