/**
 * A seeded synthetic cohort of clinical event sequences for 1-year mortality, in the ETL's token
 * format (`ICD10:I50`, `LOINC:33762-6:H`, `RXNORM:4603`, `ENC:IMP`, oldest first).
 *
 * Ground truth (documented, so the model has something real to learn): the outcome is drawn
 * from Bernoulli(sigmoid(logit)), with the logit a function of age and of the *sequence*:
 *
 *   logit = −4.2 + 0.045·(age − 65)
 *         + 1.3·[ICD10:I50 in the last 180 days] + 0.4·[ICD10:I50 only earlier]
 *         + 0.7·[ICD10:N18 ever] + 0.8·[I50 and N18 both in the last 365 days]
 *         + 0.5·min(inpatient stays (ENC:IMP) in the last 365 days, 4)
 *         + 0.9·[NT-proBNP high (LOINC:33762-6:H) in the last 90 days]
 *         + 0.6·[haemoglobin low (LOINC:718-7:L) in the last 90 days]
 *         + 1.4·[ICD10:C34 ever] + 0.9·[ICD10:F03 ever]
 *
 * Everything else (diabetes, hypertension, COPD, AF, routine labs and drugs, outpatient visits)
 * is realistic noise that co-occurs with the risk factors but carries no extra risk.
 */
import { seededRandom, type ClinicalEvent, type Random, type Row } from '../../core/index.ts'

const DAY = 86_400_000
export const INDEX_TIME = Date.parse('2026-01-01T00:00:00Z')
export const HISTORY_DAYS = 730

/** What `plugins/etl/sequence.ts` emits: a ClinicalEvent plus age and days before the index. */
export interface SequenceLikeEvent extends ClinicalEvent {
  age: number
  deltaDays: number
}

export interface CohortPatient {
  row: Row
  label: number
  /** The ground-truth probability of the outcome. */
  risk: number
}

const CONDITIONS = [
  { code: 'ICD10:I50', base: 0.12, frail: 0.25 }, // heart failure
  { code: 'ICD10:N18', base: 0.1, frail: 0.2 }, // chronic kidney disease
  { code: 'ICD10:E11', base: 0.2, frail: 0.1 }, // type 2 diabetes (noise)
  { code: 'ICD10:I10', base: 0.35, frail: 0.1 }, // hypertension (noise)
  { code: 'ICD10:J44', base: 0.08, frail: 0.12 }, // COPD (noise)
  { code: 'ICD10:I48', base: 0.08, frail: 0.12 }, // atrial fibrillation (noise)
  { code: 'ICD10:C34', base: 0.03, frail: 0.05 }, // lung cancer
  { code: 'ICD10:F03', base: 0.03, frail: 0.08 }, // dementia
] as const
const DRUGS: Record<string, string> = {
  'ICD10:I50': 'RXNORM:4603',
  'ICD10:E11': 'RXNORM:6809',
  'ICD10:I10': 'RXNORM:29046',
  'ICD10:I48': 'RXNORM:11289',
  'ICD10:J44': 'RXNORM:1649',
}

const pick = <T>(random: Random, xs: readonly T[]) => xs[Math.floor(random.next() * xs.length)]!
const chance = (random: Random, p: number) => random.next() < p

/**
 * The true logit of the documented ground truth, from the age and the sequence alone.
 * @example
 * trueLogit(80, row.sequence!)
 */
export function trueLogit(age: number, sequence: ClinicalEvent[]): number {
  const within = (code: string, days: number) => sequence.some((e) => e.code === code && INDEX_TIME - Date.parse(e.time) <= days * DAY)
  const ever = (code: string) => sequence.some((e) => e.code === code)
  const hfRecent = within('ICD10:I50', 180)
  const stays = sequence.filter((e) => e.code === 'ENC:IMP' && INDEX_TIME - Date.parse(e.time) <= 365 * DAY).length
  return (
    -4.2 +
    0.045 * (age - 65) +
    (hfRecent ? 1.3 : ever('ICD10:I50') ? 0.4 : 0) +
    (ever('ICD10:N18') ? 0.7 : 0) +
    (within('ICD10:I50', 365) && within('ICD10:N18', 365) ? 0.8 : 0) +
    0.5 * Math.min(stays, 4) +
    (within('LOINC:33762-6:H', 90) ? 0.9 : 0) +
    (within('LOINC:718-7:L', 90) ? 0.6 : 0) +
    (ever('ICD10:C34') ? 1.4 : 0) +
    (ever('ICD10:F03') ? 0.9 : 0)
  )
}

function patient(random: Random): CohortPatient {
  const age = Math.round(40 + 55 * Math.sqrt(random.next()))
  // A latent frailty drives both the number of conditions and how often the patient is seen.
  const frailty = random.next() * (0.5 + (age - 40) / 110)
  const conditions = CONDITIONS.filter((c) => chance(random, c.base + c.frail * frailty)).map((c) => ({
    code: c.code,
    onset: Math.floor(random.next() * HISTORY_DAYS * 1.5),
  }))
  const visits = 2 + Math.floor(random.next() * (3 + 10 * frailty + conditions.length * 1.5))
  const events: ClinicalEvent[] = []
  for (let v = 0; v < visits; v++) {
    const daysBefore = Math.floor(HISTORY_DAYS * random.next() ** (1 + frailty))
    // A visit starts at 08:00 on its day, at least a day before the index, and its events follow within the hour.
    const time = (extraMinutes: number) => new Date(INDEX_TIME - (daysBefore + 1) * DAY + (8 * 60 + extraMinutes) * 60_000).toISOString()
    const kind = chance(random, 0.1 + 0.3 * frailty) ? 'IMP' : chance(random, 0.15) ? 'EMER' : 'AMB'
    events.push({ code: `ENC:${kind}`, time: time(0) })
    // Conditions are coded at a visit only once they have started (onset counts back from the index).
    const active = conditions.filter((c) => c.onset >= daysBefore && chance(random, kind === 'AMB' ? 0.6 : 0.85))
    active.forEach((c, i) => events.push({ code: c.code, time: time(1 + i) }))
    const has = (code: string) => active.some((c) => c.code === code)
    const lab = (loinc: string, pHigh: number, pLow: number, minute: number) => {
      const u = random.next()
      events.push({ code: `LOINC:${loinc}:${u < pHigh ? 'H' : u < pHigh + pLow ? 'L' : 'N'}`, time: time(minute) })
    }
    lab('2160-0', has('ICD10:N18') ? 0.7 : 0.08, 0.02, 20) // creatinine
    lab('718-7', 0.02, has('ICD10:N18') || has('ICD10:C34') ? 0.5 : 0.1, 21) // haemoglobin
    if (has('ICD10:I50') || chance(random, 0.1)) lab('33762-6', has('ICD10:I50') ? 0.75 : 0.1, 0, 22) // NT-proBNP
    if (has('ICD10:E11') || chance(random, 0.1)) lab('4548-4', has('ICD10:E11') ? 0.6 : 0.05, 0, 23) // HbA1c
    active.forEach((c, i) => {
      if (DRUGS[c.code] && chance(random, 0.7)) events.push({ code: DRUGS[c.code]!, time: time(40 + i) })
    })
    if (chance(random, 0.05)) events.push({ code: pick(random, ['ICD10:J18', 'ICD10:R07', 'ICD10:M54', 'ICD10:K21']), time: time(30) })
  }
  events.sort((a, b) => a.time.localeCompare(b.time) || a.code.localeCompare(b.code))
  const risk = 1 / (1 + Math.exp(-trueLogit(age, events)))
  // The ETL's SequenceEvent shape: age at the event and days before the index, rounded to 0.01.
  const sequence: SequenceLikeEvent[] = events.map((e) => {
    const days = (INDEX_TIME - Date.parse(e.time)) / DAY
    return { ...e, age: Math.round((age - days / 365.2425) * 100) / 100, deltaDays: Math.round(days * 100) / 100 }
  })
  return { row: { features: { age }, sequence }, label: Number(random.next() < risk), risk }
}

/**
 * `n` patients from `seed`; the same seed gives the same cohort on every runtime.
 * @example
 * const cohort = generateSequenceCohort(4000, 20261126)
 */
export function generateSequenceCohort(n: number, seed = 20261126): CohortPatient[] {
  const random = seededRandom(seed)
  return Array.from({ length: n }, () => patient(random))
}

/** The one plain input beside the sequence. */
export const INPUTS = [{ name: 'age', type: 'number' as const, min: 18, max: 110, unit: 'a', description: 'Age at the index time in years' }]
