/**
 * A synthetic patient's latent state (age, sex, chronic conditions, kidney function, HbA1c,
 * height and weight) and the plan of their visits, drawn from the cohort's seeded stream.
 */
import type { Reference } from 'fhir/r4.js'
import type { ConditionKey, EncounterKind } from './codes.ts'
import { clamp, sigmoid, type Draw } from './random.ts'

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** Times are whole minutes, so the ISO strings in the record are exactly the instants used. */
export const minute = (ms: number) => Math.round(ms / MINUTE) * MINUTE
export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')
export const ref = (type: string, id: string): Reference => ({ reference: `${type}/${id}` })
export const pad = (n: number, width: number) => String(n).padStart(width, '0')

/** The latent state a patient's record is rendered from. */
export interface Profile {
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

export interface Visit {
  id: string
  kind: EncounterKind
  start: number
  end: number
  isIndex: boolean
  /** Acute diagnoses made at this visit (they raise temperature and white cells). */
  acute: ConditionKey[]
}

export function drawProfile(draw: Draw, n: number): Profile {
  const g = draw.next()
  const gender = g < 0.505 ? 'female' : g < 0.995 ? 'male' : 'unknown'
  const age = Math.round(clamp(draw.normal(67, 14), 19, 97))
  const a = (age - 65) / 10
  const has = new Set<ConditionKey>()
  const maybe = (key: ConditionKey, p: number) => {
    if (draw.chance(p)) has.add(key)
  }
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
  const egfrBase = clamp(
    draw.normal(98 - 0.9 * (age - 40), 14) - (has.has('diabetes') ? 8 : 0) - (has.has('heartFailure') ? 8 : 0) - (has.has('hypertension') ? 4 : 0),
    8,
    125,
  )
  if (egfrBase < 30) maybe('ckd4', 0.9)
  else if (egfrBase < 60) maybe('ckd3', 0.8)
  maybe('anemia', 0.08 + (has.has('ckd3') || has.has('ckd4') ? 0.2 : 0))
  const hba1cBase = has.has('diabetes')
    ? clamp(draw.normal(7.7, 1.3), 6.0, 13)
    : has.has('prediabetes')
      ? clamp(draw.normal(6.0, 0.15), 5.7, 6.4)
      : clamp(draw.normal(5.3, 0.3), 4.5, 5.8)
  const female = gender === 'female'
  const heightM = clamp(draw.normal(female ? 1.63 : 1.77, 0.07), 1.45, 2.0)
  const weightKg = clamp(draw.normal(female ? 70 : 84, 11) + (has.has('obesity') ? 24 : 0), 42, 190)
  return { id: `pt-${pad(n, 4)}`, n, gender, age, conditions: has, egfrBase, hba1cBase, heightM, weightKg }
}

/** 3–10 encounters over up to three years; the index admission is the last, discharged ≥ 31 days before `now`. */
export function planVisits(draw: Draw, p: Profile, now: number): Visit[] {
  const c = p.conditions
  const los = clamp(1 + draw.poisson(2.2 + (c.has('heartFailure') ? 1.2 : 0) + (c.has('copd') ? 0.6 : 0)), 1, 21)
  const indexStart = minute(now - (los + 32 + draw.uniform(0, 380)) * DAY)
  const stay = (start: number, days: number) => minute(start + days * DAY + draw.uniform(-3, 3) * HOUR)
  const visits: Omit<Visit, 'id'>[] = [{ kind: 'inpatient', start: indexStart, end: stay(indexStart, los), isIndex: true, acute: [] }]

  const ckd = c.has('ckd3') || c.has('ckd4')
  const prior12m = Math.min(
    4,
    draw.poisson(0.3 + (c.has('heartFailure') ? 0.8 : 0) + (c.has('copd') ? 0.5 : 0) + (ckd ? 0.3 : 0) + (c.has('diabetes') ? 0.2 : 0)),
  )
  const total = Math.min(10, Math.max(clamp(3 + draw.poisson(2.5), 3, 10), prior12m + 2))
  // Stays must not overlap: try a few start dates, keep the first that is clear of the others.
  const admit = (fromDays: number, toDays: number) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const start = minute(indexStart - draw.uniform(fromDays, toDays) * DAY)
      const end = stay(start, clamp(1 + draw.poisson(2.2), 1, 10))
      if (visits.every((v) => v.kind !== 'inpatient' || end + 2 * DAY < v.start || start > v.end + 2 * DAY))
        return visits.push({ kind: 'inpatient', start, end, isIndex: false, acute: [] })
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
      for (const [key, chance] of [
        ['viralSinusitis', 0.08],
        ['ankleSprain', 0.05],
        ['acuteBronchitis', 0.06],
      ] as const)
        if (draw.chance(chance)) v.acute.push(key)
    } else {
      for (const [key, chance] of [
        ['pneumonia', 0.22],
        ['uti', 0.12],
      ] as const)
        if (draw.chance(chance)) v.acute.push(key)
    }
  }
  return visits.sort((x, y) => x.start - y.start).map((v, i) => ({ ...v, id: `${p.id}-enc-${pad(i + 1, 2)}` }))
}
