import { seededRandom } from '../../core/index.ts'

/**
 * The synthetic readmission cohort: every number comes from a seeded PRNG, so the same
 * seed always gives the same patients, and no real person is behind any row.
 *
 * Ground truth (documented in README.md): the 30-day readmission probability is
 *   sigmoid(-1.6 + 0.035·(age−65) + 0.45·prior_admissions + 0.09·(length_of_stay−4)
 *           + 0.30·(hba1c−6.5) − 0.018·(egfr−75) + 0.35·on_anticoagulant + 0.15·[sex = M]
 *           + 0.008·(systolic_bp−130))
 */
export const FEATURES = [
  { name: 'age', type: 'number', min: 18, max: 110, unit: 'a', description: 'Age at discharge in years' },
  { name: 'sex', type: 'category', categories: ['F', 'M'], description: 'Administrative sex' },
  { name: 'systolic_bp', type: 'number', min: 50, max: 260, unit: 'mm[Hg]', description: 'Last systolic blood pressure' },
  { name: 'hba1c', type: 'number', min: 3, max: 20, unit: '%', description: 'Last HbA1c' },
  { name: 'egfr', type: 'number', min: 1, max: 150, unit: 'mL/min/1.73m2', description: 'Last eGFR' },
  { name: 'prior_admissions', type: 'number', min: 0, max: 50, description: 'Admissions in the previous 12 months' },
  { name: 'length_of_stay', type: 'number', min: 0, max: 365, unit: 'd', description: 'Length of the index stay in days' },
  { name: 'on_anticoagulant', type: 'boolean', description: 'Discharged on an anticoagulant' },
] as const

export interface CohortRow {
  age: number
  sex: 'F' | 'M'
  systolic_bp: number
  hba1c: number
  egfr: number
  prior_admissions: number
  length_of_stay: number
  on_anticoagulant: boolean
  readmitted_30d: 0 | 1
}

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t))
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))

/** The documented ground-truth risk for one patient. */
export function trueRisk(r: Omit<CohortRow, 'readmitted_30d'>): number {
  return sigmoid(
    -1.6 +
      0.035 * (r.age - 65) +
      0.45 * r.prior_admissions +
      0.09 * (r.length_of_stay - 4) +
      0.3 * (r.hba1c - 6.5) -
      0.018 * (r.egfr - 75) +
      0.35 * Number(r.on_anticoagulant) +
      0.15 * Number(r.sex === 'M') +
      0.008 * (r.systolic_bp - 130),
  )
}

export function generateCohort(n: number, seed = 20261126): CohortRow[] {
  const random = seededRandom(seed)
  const normal = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next())
  const poisson = (lambda: number) => {
    let k = 0
    for (let p = random.next(); p > Math.exp(-lambda); p *= random.next()) k++
    return k
  }
  return Array.from({ length: n }, () => {
    const age = round(clamp(64 + 15 * normal(), 18, 100), 0)
    const patient = {
      age,
      sex: random.next() < 0.5 ? ('F' as const) : ('M' as const),
      systolic_bp: round(clamp(128 + 0.3 * (age - 64) + 18 * normal(), 80, 220), 0),
      hba1c: round(clamp(6.2 + 1.1 * normal() + (random.next() < 0.25 ? 1.5 : 0), 4, 14), 1),
      egfr: round(clamp(95 - 0.6 * (age - 40) + 15 * normal(), 5, 130), 0),
      prior_admissions: poisson(0.8),
      length_of_stay: Math.max(1, poisson(3.5) + 1),
      on_anticoagulant: random.next() < 0.22,
    }
    return { ...patient, readmitted_30d: random.next() < trueRisk(patient) ? (1 as const) : (0 as const) }
  })
}
