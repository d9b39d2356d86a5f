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
import type { CodeableConcept, Condition, Encounter, MedicationRequest, Observation, Patient, Quantity, Reference } from 'fhir/r4.js'
import type { FhirResource } from '../../core/index.ts'
import {
  CONDITIONS, ENCOUNTER_CLASSES, ENCOUNTER_TYPES, FAKE, GLUCOSE_MG_DL_PER_MMOL_L, LABS, MEDICATIONS, SYSTEMS, VITALS, concept,
  type ConditionKey, type EncounterKind, type MedicationKey, type ObservationCode,
} from './codes.ts'
import { clamp, createDraw, round, sigmoid, type Draw } from './random.ts'
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

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Times are whole minutes, so the ISO strings in the record are exactly the instants used. */
const minute = (ms: number) => Math.round(ms / MINUTE) * MINUTE
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')
const ref = (type: string, id: string): Reference => ({ reference: `${type}/${id}` })
const pad = (n: number, width: number) => String(n).padStart(width, '0')

/** The latent state a patient's record is rendered from. */
interface Profile {
  id: string
  n: number
  gender: 'female' | 'male' | 'unknown'
  age: number
  conditions: Set<ConditionKey>
  egfrBase: number
  hba1cBase: number
  heightM: number
  weightKg: number
}

interface Visit {
  id: string
  kind: EncounterKind
  start: number
  end: number
  isIndex: boolean
  /** Acute diagnoses made at this visit (they raise temperature and white cells). */
  acute: ConditionKey[]
}

function drawProfile(draw: Draw, n: number): Profile {
  const g = draw.next()
  const gender = g < 0.505 ? 'female' : g < 0.995 ? 'male' : 'unknown'
  const age = Math.round(clamp(draw.normal(67, 14), 19, 97))
  const a = (age - 65) / 10
  const has = new Set<ConditionKey>()
  const maybe = (key: ConditionKey, p: number) => { if (draw.chance(p)) has.add(key) }
  maybe('hypertension', sigmoid(0.2 + 0.6 * a))
  maybe('diabetes', sigmoid(-1.0 + 0.25 * a))
  maybe('heartFailure', sigmoid(-1.9 + 0.55 * a))
  maybe('copd', sigmoid(-2.0 + 0.35 * a))
  maybe('atrialFibrillation', sigmoid(-2.3 + 0.6 * a + (has.has('heartFailure') ? 1 : 0)))
  maybe('hyperlipidemia', 0.35)
  maybe('obesity', 0.25)
  maybe('depression', 0.15)
  maybe('osteoarthritisKnee', sigmoid(-1.8 + 0.5 * a))
  maybe('lowBackPain', 0.12)
  maybe('cirrhosis', 0.03)
  if (!has.has('diabetes')) maybe('prediabetes', 0.12)
  if (gender === 'female') maybe('breastCancer', 0.05)
  if (has.has('breastCancer')) maybe('lungMetastasis', 0.3)
  // Kidney function falls with age, diabetes, heart failure and hypertension; CKD is coded for most with a low eGFR.
  const egfrBase = clamp(draw.normal(98 - 0.9 * (age - 40), 14) - (has.has('diabetes') ? 8 : 0) - (has.has('heartFailure') ? 8 : 0) - (has.has('hypertension') ? 4 : 0), 8, 125)
  if (egfrBase < 30) maybe('ckd4', 0.9)
  else if (egfrBase < 60) maybe('ckd3', 0.8)
  maybe('anemia', 0.08 + (has.has('ckd3') || has.has('ckd4') ? 0.2 : 0))
  const hba1cBase = has.has('diabetes') ? clamp(draw.normal(7.7, 1.3), 6.0, 13) : has.has('prediabetes') ? clamp(draw.normal(6.0, 0.15), 5.7, 6.4) : clamp(draw.normal(5.3, 0.3), 4.5, 5.8)
  const female = gender === 'female'
  const heightM = clamp(draw.normal(female ? 1.63 : 1.77, 0.07), 1.45, 2.0)
  const weightKg = clamp(draw.normal(female ? 70 : 84, 11) + (has.has('obesity') ? 24 : 0), 42, 190)
  return { id: `pt-${pad(n, 4)}`, n, gender, age, conditions: has, egfrBase, hba1cBase, heightM, weightKg }
}

/** 3–10 encounters over up to three years; the index admission is the last, discharged ≥ 31 days before `now`. */
function planVisits(draw: Draw, p: Profile, now: number): Visit[] {
  const c = p.conditions
  const los = clamp(1 + draw.poisson(2.2 + (c.has('heartFailure') ? 1.2 : 0) + (c.has('copd') ? 0.6 : 0)), 1, 21)
  const indexStart = minute(now - (los + 32 + draw.uniform(0, 380)) * DAY)
  const stay = (start: number, days: number) => minute(start + days * DAY + draw.uniform(-3, 3) * HOUR)
  const visits: Omit<Visit, 'id'>[] = [{ kind: 'inpatient', start: indexStart, end: stay(indexStart, los), isIndex: true, acute: [] }]

  const ckd = c.has('ckd3') || c.has('ckd4')
  const prior12m = Math.min(4, draw.poisson(0.3 + (c.has('heartFailure') ? 0.8 : 0) + (c.has('copd') ? 0.5 : 0) + (ckd ? 0.3 : 0) + (c.has('diabetes') ? 0.2 : 0)))
  const total = Math.min(10, Math.max(clamp(3 + draw.poisson(2.5), 3, 10), prior12m + 2))
  // Stays must not overlap: try a few start dates, keep the first that is clear of the others.
  const admit = (fromDays: number, toDays: number) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const start = minute(indexStart - draw.uniform(fromDays, toDays) * DAY)
      const end = stay(start, clamp(1 + draw.poisson(2.2), 1, 10))
      if (visits.every((v) => v.kind !== 'inpatient' || end + 2 * DAY < v.start || start > v.end + 2 * DAY)) return visits.push({ kind: 'inpatient', start, end, isIndex: false, acute: [] })
    }
    return 0
  }
  // Prior admissions start 15–358 days before the index: well inside the 365-day window of the truth.
  for (let i = 0; i < prior12m; i++) admit(15, 358)
  while (visits.length < total) {
    const r = draw.next()
    if (r < 0.13) {
      if (!admit(372, 1095)) break
    } else {
      const kind = r < 0.75 ? 'ambulatory' : 'emergency'
      const start = minute(indexStart - draw.uniform(3, 1095) * DAY + draw.uniform(8, 17) * HOUR)
      const end = minute(start + (kind === 'ambulatory' ? draw.uniform(20, 60) * MINUTE : draw.uniform(3, 11) * HOUR))
      visits.push({ kind, start, end, isIndex: false, acute: [] })
    }
  }
  for (const v of visits) {
    if (v.kind === 'ambulatory') {
      for (const [key, chance] of [['viralSinusitis', 0.08], ['ankleSprain', 0.05], ['acuteBronchitis', 0.06]] as const) if (draw.chance(chance)) v.acute.push(key)
    } else {
      for (const [key, chance] of [['pneumonia', 0.22], ['uti', 0.12]] as const) if (draw.chance(chance)) v.acute.push(key)
    }
  }
  return visits.sort((x, y) => x.start - y.start).map((v, i) => ({ ...v, id: `${p.id}-enc-${pad(i + 1, 2)}` }))
}

/** Renders one patient's resources; `id` counters keep resource ids readable and stable. */
class RecordBuilder {
  readonly observations: Observation[] = []
  readonly conditions: Condition[] = []
  readonly medications: MedicationRequest[] = []
  readonly subject: Reference

  constructor(private readonly draw: Draw, private readonly p: Profile) {
    this.subject = ref('Patient', p.id)
  }

  private quantity(value: number, code: ObservationCode, unit = code.unit): Quantity {
    return { value: round(value, code.decimals), unit, system: SYSTEMS.ucum, code: unit }
  }

  private observation(code: ObservationCode, at: number, visit: Visit | undefined): Observation {
    return {
      resourceType: 'Observation',
      id: `${this.p.id}-obs-${pad(this.observations.length + 1, 4)}`,
      status: 'final',
      category: [{ coding: [{ system: SYSTEMS.observationCategory, code: code.category, display: code.category === 'laboratory' ? 'Laboratory' : 'Vital Signs' }] }],
      code: concept(SYSTEMS.loinc, { code: code.loinc, display: code.display }),
      subject: this.subject,
      ...(visit ? { encounter: ref('Encounter', visit.id) } : {}),
      effectiveDateTime: iso(at),
      ...(code.category === 'laboratory' ? { issued: iso(minute(at + 2 * HOUR)) } : {}),
    }
  }

  /** A quantity observation; about 1 % lose their value (most with a dataAbsentReason, some with nothing). */
  measure(code: ObservationCode, at: number, visit: Visit | undefined, value: number, unit?: string): Observation {
    const obs = this.observation(code, at, visit)
    if (this.draw.chance(0.01)) {
      if (this.draw.chance(0.75)) obs.dataAbsentReason = { coding: [{ system: SYSTEMS.dataAbsentReason, code: 'error', display: 'Error' }] }
    } else {
      obs.valueQuantity = this.quantity(value, code, unit)
    }
    this.observations.push(obs)
    return obs
  }

  bloodPressure(at: number, visit: Visit, systolic: number, diastolic: number) {
    this.observations.push({
      ...this.observation(VITALS.bloodPressure, at, visit),
      component: [
        { code: concept(SYSTEMS.loinc, { code: VITALS.systolic.loinc, display: VITALS.systolic.display }), valueQuantity: this.quantity(systolic, VITALS.systolic) },
        { code: concept(SYSTEMS.loinc, { code: VITALS.diastolic.loinc, display: VITALS.diastolic.display }), valueQuantity: this.quantity(diastolic, VITALS.diastolic) },
      ],
    })
  }

  condition(key: ConditionKey, visit: Visit, recordedAt: number, coding: 'both' | 'icd10' | 'snomed') {
    const entry = CONDITIONS[key]
    const codes = [
      ...(entry.icd10 && coding !== 'snomed' ? [{ system: SYSTEMS.icd10cm, code: entry.icd10.code, display: entry.icd10.display }] : []),
      ...(entry.snomed && (coding !== 'icd10' || !entry.icd10) ? [{ system: SYSTEMS.snomed, code: entry.snomed.code, display: entry.snomed.display }] : []),
    ]
    const resolved = !entry.chronic
    this.conditions.push({
      resourceType: 'Condition',
      id: `${this.p.id}-cond-${pad(this.conditions.length + 1, 2)}`,
      clinicalStatus: { coding: [{ system: SYSTEMS.conditionClinical, code: resolved ? 'resolved' : 'active' }] },
      verificationStatus: { coding: [{ system: SYSTEMS.conditionVerification, code: 'confirmed' }] },
      category: [{ coding: [{ system: SYSTEMS.conditionCategory, code: resolved ? 'encounter-diagnosis' : 'problem-list-item' }] }],
      code: { coding: codes, text: (entry.icd10 ?? entry.snomed)!.display } satisfies CodeableConcept,
      subject: this.subject,
      encounter: ref('Encounter', visit.id),
      // Chronic disease usually began before it reached the record; acute problems began days before the visit.
      onsetDateTime: iso(minute(recordedAt - (resolved ? this.draw.uniform(1, 6) : this.draw.uniform(0, 1000)) * DAY)),
      ...(resolved ? { abatementDateTime: iso(minute(visit.end + this.draw.uniform(5, 20) * DAY)) } : {}),
      recordedDate: iso(recordedAt),
    })
  }

  prescribe(key: MedicationKey, at: number, visit: Visit, status: MedicationRequest['status']) {
    const med = MEDICATIONS[key]
    this.medications.push({
      resourceType: 'MedicationRequest',
      id: `${this.p.id}-med-${pad(this.medications.length + 1, 2)}`,
      status,
      intent: 'order',
      medicationCodeableConcept: concept(SYSTEMS.rxnorm, med),
      subject: this.subject,
      encounter: ref('Encounter', visit.id),
      authoredOn: iso(at),
      dosageInstruction: [{ text: med.dose }],
    })
  }
}

/** Vital signs: every 6 h during a stay, twice in the emergency department, once in clinic. */
function renderVitals(draw: Draw, b: RecordBuilder, p: Profile, v: Visit) {
  const c = p.conditions
  const infection = v.acute.length > 0 && v.kind !== 'ambulatory'
  const times = v.kind === 'inpatient'
    ? Array.from({ length: Math.floor((v.end - v.start) / (6 * HOUR)) }, (_, i) => v.start + 30 * MINUTE + i * 6 * HOUR)
    : v.kind === 'emergency' ? [v.start + 15 * MINUTE, v.start + 2 * HOUR] : [v.start + 10 * MINUTE]
  times.forEach((t, i) => {
    const at = minute(t + draw.uniform(0, 20) * MINUTE)
    b.measure(VITALS.heartRate, at, v, clamp(draw.normal(74 + (v.kind === 'inpatient' ? 6 : 0) + (c.has('heartFailure') ? 4 : 0) + (infection ? 12 : 0), 9), 38, 170))
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
  const style = (): 'both' | 'icd10' | 'snomed' => { const r = draw.next(); return r < 0.6 ? 'both' : r < 0.87 ? 'icd10' : 'snomed' }
  for (const key of [...p.conditions].sort()) {
    const visit = key === 'heartFailure' && draw.chance(0.25) ? index : draw.pick(before)
    b.condition(key, visit, minute(visit.start + draw.uniform(30, 180) * MINUTE), style())
    recordedAt.set(key, visit)
  }
  for (const v of visits) for (const key of v.acute) b.condition(key, v, minute(v.start + draw.uniform(30, 180) * MINUTE), 'both')
  return recordedAt
}

const THERAPY: Partial<Record<ConditionKey, [MedicationKey, number][]>> = {
  diabetes: [['metformin', 0.8], ['empagliflozin', 0.15]],
  heartFailure: [['furosemide', 0.9], ['carvedilol', 0.7], ['spironolactone', 0.4]],
  hypertension: [['lisinopril', 0.6], ['amlodipine', 0.4], ['hydrochlorothiazide', 0.25]],
  atrialFibrillation: [['metoprolol', 0.6]],
  hyperlipidemia: [['atorvastatin', 0.8]],
  copd: [['albuterol', 0.9], ['tiotropium', 0.6]],
  depression: [['sertraline', 0.7]],
  cirrhosis: [['lactulose', 0.6], ['spironolactone', 0.5]],
  breastCancer: [['tamoxifen', 0.45], ['letrozole', 0.45]],
}

/**
 * Prescriptions are renewed at later visits (the old order `completed`, the newest `active`),
 * and at the index discharge. Anticoagulation: most patients with atrial fibrillation, a few
 * others; some warfarin users are switched to apixaban; some stop altogether (status `stopped`).
 */
function renderMedications(draw: Draw, b: RecordBuilder, p: Profile, visits: Visit[], diagnosedAt: Map<ConditionKey, Visit>) {
  const index = visits.find((v) => v.isIndex)!
  const plan = new Map<MedicationKey, Visit>()
  const start = (key: MedicationKey, visit: Visit) => { if (!plan.has(key) || plan.get(key)!.start > visit.start) plan.set(key, visit) }
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
    address: [{ use: 'home', line: [`${draw.int(1, 999)} ${draw.pick(FAKE.streets)}`], city: FAKE.city, state: FAKE.state, postalCode: '00000', country: 'ZZ' }],
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
    ...(v.kind === 'inpatient' ? { hospitalization: { dischargeDisposition: { coding: [{ system: SYSTEMS.dischargeDisposition, code: 'home', display: 'Home' }] } } } : {}),
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
