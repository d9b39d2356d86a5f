/**
 * A lean, seeded synthetic population for Bulk Data `$export` at scale: 100,000 patients and more,
 * never held in memory. Each patient's record is a pure function of (seed, index): a Patient, 1–4
 * inpatient Encounters, 0–4 Conditions, 7–16 Observations and 0–2 MedicationRequests (9–27
 * resources, ~17 on average), coded the way the `readmission-fhir` feature spec reads them
 * (ICD-10-CM / SNOMED CT, LOINC with UCUM units, RxNorm anticoagulants). Any patient, any range and any resource type can
 * be generated alone, in any order, and the same call always gives the same JSON.
 *
 * How: a patient's *plan* (latent profile from profile.ts, stays, which conditions are coded,
 * which drugs are ordered, how many observations) comes from one seeded stream derived from
 * (seed, index); each resource type is then rendered from its own stream derived from (seed,
 * index, type), so rendering Observations never needs the draws of Conditions. Counts per type
 * follow from the plan alone, so a Bulk Data manifest can state them without rendering anything.
 *
 * Every resource carries `meta: { versionId: '1', lastUpdated: <now> }` (fixed), so the record a
 * read returns is byte-identical to the exported one. The data are clean on purpose (no future or
 * after-death results; ~1 % of observations without a value, from record-builder.ts).
 */
import type { Encounter, Patient } from 'fhir/r4.js'
import { ENCOUNTER_CLASSES, ENCOUNTER_TYPES, FAKE, GLUCOSE_MG_DL_PER_MMOL_L, LABS, SYSTEMS, VITALS } from './codes.ts'
import type { ConditionKey, MedicationKey } from './codes.ts'
import { DAY, drawProfile, HOUR, iso, MINUTE, minute, pad, ref, type Profile, type Visit } from './profile.ts'
import { clamp, createDraw, round } from './random.ts'
import { RecordBuilder } from './record-builder.ts'
import {
  type NdjsonOptions,
  POPULATION_TYPES,
  type PopulationCohort,
  type PopulationCohortOptions,
  type PopulationRange,
  type PopulationType,
} from './population-types.ts'
import type { FhirJson } from './store.ts'
import { readmissionProbability, truthFeatures } from './truth.ts'

/** A 32-bit mix (murmur3's finaliser over a combination): independent streams per (seed, index, stream). */
function mix(a: number, b: number): number {
  let h = (a ^ Math.imul(b + 0x9e3779b9, 0x85ebca6b)) >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x7feb352d)
  h ^= h >>> 15
  h = Math.imul(h, 0x846ca68b)
  h ^= h >>> 16
  return h >>> 0
}

const STREAM = { plan: 1, Patient: 2, Encounter: 3, Condition: 4, Observation: 5, MedicationRequest: 6, outcome: 7 } as const

interface Order {
  key: MedicationKey
  visit: number
  status: 'active' | 'stopped' | 'completed'
}

interface Plan {
  n: number
  profile: Profile
  /** Oldest first; the last is the most recent stay. */
  visits: Visit[]
  death: number | undefined
  /** The conditions coded in the record (a subset of the profile's, at most 4). */
  conditions: ConditionKey[]
  orders: Order[]
  /** Visits (indices into `visits`, most recent first) whose labs include an HbA1c. */
  hba1c: Set<number>
  /** Observations per visit, most recent first, capped at 16 in all. */
  observationSlots: number[]
}

/** Conditions in the order they are coded when a record has room for only a few (the spec's first). */
const CODING_PRIORITY: ConditionKey[] = [
  'heartFailure',
  'copd',
  'ckd4',
  'ckd3',
  'diabetes',
  'atrialFibrillation',
  'hypertension',
  'cirrhosis',
  'breastCancer',
  'lungMetastasis',
  'depression',
  'anemia',
  'obesity',
  'hyperlipidemia',
  'prediabetes',
  'osteoarthritisKnee',
  'lowBackPain',
]

/** A non-anticoagulant drug per coded condition, with the chance it is ordered. */
const THERAPY: Partial<Record<ConditionKey, [MedicationKey, number]>> = {
  heartFailure: ['furosemide', 0.85],
  diabetes: ['metformin', 0.75],
  copd: ['tiotropium', 0.6],
  hypertension: ['lisinopril', 0.55],
  hyperlipidemia: ['atorvastatin', 0.7],
  depression: ['sertraline', 0.6],
  cirrhosis: ['lactulose', 0.5],
}

const ANTICOAGULANTS: MedicationKey[] = ['warfarin', 'apixaban', 'rivaroxaban']
const MAX_OBSERVATIONS = 16
const ENCODER = new TextEncoder()

export function populationCohort(options: PopulationCohortOptions): PopulationCohort {
  const { patients, seed = 20261207, now = '2026-06-30T00:00:00Z' } = options
  const nowMs = Date.parse(now)
  if (Number.isNaN(nowMs)) throw new Error(`populationCohort: now is not a date-time: ${now}`)
  if (!Number.isInteger(patients) || patients < 0) throw new Error(`populationCohort: patients must be a non-negative integer, got ${patients}`)
  if (!Number.isInteger(seed)) throw new Error(`populationCohort: seed must be an integer, got ${seed}`)
  const lastUpdated = iso(nowMs)
  const width = Math.max(6, String(patients).length)
  const base = mix(seed >>> 0, Math.floor(seed / 2 ** 32))
  const drawFor = (n: number, stream: number) => createDraw(mix(mix(base, n), stream))
  const idOf = (n: number) => `pp-${pad(n, width)}`
  const ID_PATTERN = new RegExp(`^pp-(\\d{${width}})(?:-|$)`)

  function check(n: number) {
    if (!Number.isInteger(n) || n < 1 || n > patients) throw new RangeError(`populationCohort: no patient ${n} (1 … ${patients})`)
  }
  function bounds(range: PopulationRange = {}): [number, number] {
    const from = Math.max(1, range.from ?? 1)
    const to = Math.min(patients, range.to ?? patients)
    return [from, to]
  }

  /** Everything that decides what a record holds, from the plan stream alone. */
  function plan(n: number): Plan {
    const draw = drawFor(n, STREAM.plan)
    const profile = { ...drawProfile(draw, n), id: idOf(n) }
    const c = profile.conditions
    const sick = (c.has('heartFailure') ? 0.7 : 0) + (c.has('copd') ? 0.5 : 0) + (c.has('ckd3') || c.has('ckd4') ? 0.3 : 0)
    const stays = Math.min(4, 1 + draw.poisson(0.5 + sick))
    const los = () => clamp(1 + draw.poisson(2 + (c.has('heartFailure') ? 1 : 0)), 1, 14)
    // The most recent stay: discharged within the last month for ~30 %, else up to two years ago; earlier stays 20–400 days apart.
    const visits: Visit[] = []
    let end = minute(nowMs - (draw.chance(0.3) ? draw.uniform(0.5, 28) : draw.uniform(30, 700)) * DAY)
    for (let i = 0; i < stays; i++) {
      const start = minute(end - los() * DAY + draw.uniform(-3, 3) * HOUR)
      visits.unshift({ id: '', kind: 'inpatient', start, end, isIndex: false, acute: [] })
      end = minute(start - draw.uniform(20, 400) * DAY)
    }
    visits.forEach((v, i) => {
      v.id = `${profile.id}-enc-${i + 1}`
    })
    visits[visits.length - 1]!.isIndex = true
    const last = visits[visits.length - 1]!.end
    const death = draw.chance(0.03) ? minute(last + draw.uniform(0.1, 0.9) * (nowMs - last)) : undefined

    const room = draw.chance(0.1) ? 0 : draw.int(1, 4)
    const conditions = CODING_PRIORITY.filter((k) => c.has(k)).slice(0, room)

    const orders: Order[] = []
    const recent = visits.length - 1
    if (draw.chance(c.has('atrialFibrillation') ? 0.75 : 0.06)) {
      // Ordered at the most recent stay; ~12 % of courses stopped.
      orders.push({ key: draw.pick(ANTICOAGULANTS), visit: recent, status: draw.chance(0.12) ? 'stopped' : 'active' })
    }
    for (const key of conditions) {
      const therapy = THERAPY[key]
      if (orders.length < 2 && therapy && draw.chance(therapy[1])) {
        const visit = draw.int(0, recent)
        orders.push({ key: therapy[0], visit, status: visit === recent || draw.chance(0.6) ? 'active' : 'completed' })
      }
    }
    if (orders.length < 2 && draw.chance(0.1)) orders.push({ key: 'omeprazole', visit: draw.int(0, recent), status: 'active' })

    // Per stay, most recent first: admission vitals (heart rate, BP panel), labs (creatinine, eGFR, glucose, sometimes HbA1c),
    // discharge vitals; the oldest stays are cut so that no record has more than 16.
    const diabetic = c.has('diabetes')
    const hba1c = new Set<number>()
    const observationSlots: number[] = []
    let total = 0
    for (let i = 0; i < visits.length && total < MAX_OBSERVATIONS; i++) {
      if (draw.chance(diabetic ? 0.85 : c.has('prediabetes') ? 0.5 : 0.2)) hba1c.add(i)
      const slots = Math.min(7 + (hba1c.has(i) ? 1 : 0), MAX_OBSERVATIONS - total)
      observationSlots.push(slots)
      total += slots
    }
    return { n, profile, visits, death, conditions, orders, hba1c, observationSlots }
  }

  const meta = () => ({ versionId: '1', lastUpdated })
  const withMeta = <T extends object>(r: T): FhirJson => Object.assign(r, { meta: meta() }) as unknown as FhirJson

  function renderPatient(p: Plan): FhirJson {
    const draw = drawFor(p.n, STREAM.Patient)
    const { profile } = p
    // `age` whole years at `now`, born on a drawn day of that year.
    const birth = new Date(nowMs)
    birth.setUTCFullYear(birth.getUTCFullYear() - profile.age)
    const given = profile.gender === 'male' ? draw.pick(FAKE.givenMale) : draw.pick(FAKE.givenFemale)
    const patient: Patient = {
      resourceType: 'Patient',
      id: profile.id,
      meta: { ...meta(), tag: [{ system: SYSTEMS.actReason, code: 'HTEST', display: 'test health data' }] },
      identifier: [{ use: 'usual', system: FAKE.mrnSystem, value: `SYN-P${pad(p.n, width)}` }],
      active: true,
      name: [{ use: 'official', family: draw.pick(FAKE.family), given: [given], text: 'Synthetic patient — not a real person' }],
      gender: profile.gender,
      birthDate: iso(birth.getTime() - draw.int(1, 364) * DAY).slice(0, 10),
      ...(p.death !== undefined ? { deceasedDateTime: iso(p.death) } : {}),
    }
    return patient as unknown as FhirJson
  }

  function renderEncounter(p: Plan, v: Visit): FhirJson {
    const encounter: Encounter = {
      resourceType: 'Encounter',
      id: v.id,
      meta: meta(),
      status: 'finished',
      class: ENCOUNTER_CLASSES.inpatient,
      type: [{ coding: [ENCOUNTER_TYPES.inpatient], text: ENCOUNTER_TYPES.inpatient.display }],
      subject: ref('Patient', p.profile.id),
      period: { start: iso(v.start), end: iso(v.end) },
      hospitalization: { dischargeDisposition: { coding: [{ system: SYSTEMS.dischargeDisposition, code: 'home', display: 'Home' }] } },
    }
    return encounter as unknown as FhirJson
  }

  function renderConditions(p: Plan): FhirJson[] {
    const draw = drawFor(p.n, STREAM.Condition)
    const b = new RecordBuilder(draw, p.profile)
    for (const key of p.conditions) {
      const visit = draw.pick(p.visits)
      const r = draw.next()
      b.condition(key, visit, minute(visit.start + draw.uniform(30, 180) * MINUTE), r < 0.6 ? 'both' : r < 0.87 ? 'icd10' : 'snomed')
    }
    return b.conditions.map(withMeta)
  }

  function renderObservations(p: Plan): FhirJson[] {
    const draw = drawFor(p.n, STREAM.Observation)
    const b = new RecordBuilder(draw, p.profile)
    const { profile } = p
    const c = profile.conditions
    const female = profile.gender === 'female'
    const vitals = (v: Visit, at: number) => {
      b.measure(VITALS.heartRate, at, v, clamp(draw.normal(80 + (c.has('heartFailure') ? 5 : 0) + (c.has('atrialFibrillation') ? 6 : 0), 11), 38, 170))
      const systolic = clamp(draw.normal(122 + (c.has('hypertension') ? 14 : 0) + 0.3 * (profile.age - 65), 13), 80, 220)
      b.bloodPressure(at, v, systolic, clamp(draw.normal(0.5 * systolic + 12, 6), 40, 130))
    }
    p.observationSlots.forEach((slots, i) => {
      const v = p.visits[p.visits.length - 1 - i]!
      const out: (() => void)[] = []
      const admitted = minute(v.start + draw.uniform(20, 60) * MINUTE)
      out.push(() => vitals(v, admitted)) // two observations
      const drawn = minute(v.start + HOUR + draw.uniform(0, 60) * MINUTE)
      out.push(() => {
        // Creatinine from eGFR by inverting CKD-EPI 2021 (as cohort.ts), glucose from HbA1c (eAG), ~6 % in mmol/L.
        const egfr = Math.round(clamp(draw.normal(profile.egfrBase - 6, 5), 5, 140))
        const creatinine = (female ? 0.7 : 0.9) * (egfr / (142 * 0.9938 ** profile.age * (female ? 1.012 : 1))) ** (-1 / 1.2)
        b.measure(LABS.creatinine, drawn, v, clamp(creatinine, 0.3, 12))
        b.measure(LABS.egfr, drawn, v, egfr)
        const glucose = clamp(draw.normal(28.7 * profile.hba1cBase - 46.7, 22), 55, 450)
        if (draw.chance(0.06)) b.measure(LABS.glucose, drawn, v, round(glucose / GLUCOSE_MG_DL_PER_MMOL_L, 1), 'mmol/L')
        else b.measure(LABS.glucose, drawn, v, glucose)
        if (p.hba1c.has(i)) b.measure(LABS.hba1c, minute(drawn + 5 * MINUTE), v, clamp(draw.normal(profile.hba1cBase, 0.35), 4.2, 14))
      })
      const leaving = minute(v.end - draw.uniform(1, 3) * HOUR)
      out.push(() => vitals(v, leaving))
      // Slots cut at the cap drop the discharge vitals, then labs.
      const before = b.observations.length
      for (const render of out) if (b.observations.length - before < slots) render()
      b.observations.length = before + slots
    })
    return b.observations.map(withMeta)
  }

  function renderMedications(p: Plan): FhirJson[] {
    const draw = drawFor(p.n, STREAM.MedicationRequest)
    const b = new RecordBuilder(draw, p.profile)
    for (const o of p.orders) {
      const v = p.visits[o.visit]!
      b.prescribe(o.key, minute(v.end - draw.uniform(1, 3) * HOUR), v, o.status)
    }
    return b.medications.map(withMeta)
  }

  function render(p: Plan, type: PopulationType): FhirJson[] {
    switch (type) {
      case 'Patient':
        return [renderPatient(p)]
      case 'Encounter':
        return p.visits.map((v) => renderEncounter(p, v))
      case 'Condition':
        return renderConditions(p)
      case 'Observation':
        return renderObservations(p)
      case 'MedicationRequest':
        return renderMedications(p)
    }
  }

  const isType = (type: string): type is PopulationType => (POPULATION_TYPES as readonly string[]).includes(type)

  /** Whole patients' lines, flushed at ~32 Ki characters: small enough to stay out of V8's large-object space (measurably faster). */
  function* chunks(type: PopulationType, options: NdjsonOptions = {}) {
    if (!isType(type)) throw new Error(`populationCohort: no resource type ${String(type)} in the population`)
    const [from, to] = bounds(options)
    const size = Math.max(1, options.chunkChars ?? 32_768)
    let text = ''
    for (let n = from; n <= to; n++) {
      for (const r of render(plan(n), type)) if (!options.keep || options.keep(r)) text += `${JSON.stringify(r)}\n`
      if (text.length >= size) {
        yield text
        text = ''
      }
    }
    if (text) yield text
  }

  const cohort: PopulationCohort = {
    patients,
    seed,
    now,
    lastUpdated,
    types: POPULATION_TYPES,
    id(n) {
      check(n)
      return idOf(n)
    },
    indexOf(patientId) {
      const digits = /^pp-(\d+)$/.exec(patientId)?.[1]
      const n = Number(digits)
      return digits?.length === width && n >= 1 && n <= patients ? n : undefined
    },
    *patientIds(range) {
      const [from, to] = bounds(range)
      for (let n = from; n <= to; n++) yield idOf(n)
    },
    record(n, type) {
      check(n)
      const p = plan(n)
      return type ? render(p, type) : POPULATION_TYPES.flatMap((t) => render(p, t))
    },
    read(type, id) {
      if (!isType(type)) return undefined
      const match = ID_PATTERN.exec(id)
      const n = match ? Number(match[1]) : Number.NaN
      if (!(n >= 1 && n <= patients)) return undefined
      return render(plan(n), type).find((r) => r.id === id)
    },
    counts(range) {
      const [from, to] = bounds(range)
      const counts: Record<PopulationType, number> = { Patient: 0, Encounter: 0, Condition: 0, Observation: 0, MedicationRequest: 0 }
      for (let n = from; n <= to; n++) {
        const p = plan(n)
        counts.Patient++
        counts.Encounter += p.visits.length
        counts.Condition += p.conditions.length
        counts.Observation += p.observationSlots.reduce((a, b) => a + b, 0)
        counts.MedicationRequest += p.orders.length
      }
      return counts
    },
    ndjson(type, options) {
      return {
        async *[Symbol.asyncIterator]() {
          yield* chunks(type, options)
        },
      }
    },
    stream(type, options) {
      const source = chunks(type, options)
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = source.next()
          if (next.done) controller.close()
          else controller.enqueue(ENCODER.encode(next.value))
        },
        cancel() {
          source.return(undefined)
        },
      })
    },
    outcome(n) {
      check(n)
      const features = truthFeatures(cohort.record(n))
      const probability = readmissionProbability(features)
      return { readmitted30d: drawFor(n, STREAM.outcome).next() < probability ? 1 : 0, probability, features }
    },
  }
  return cohort
}

export { populationStore } from './population-store.ts'
export * from './population-types.ts'
