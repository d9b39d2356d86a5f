/**
 * Dataset drift report: one test per column, then a dataset-level verdict.
 *
 * Default test per column (in the spirit of Evidently's defaults):
 * - numeric, reference n ≤ 1000 → KS two-sample, drifted when p < 0.05;
 * - numeric, reference n > 1000 → Wasserstein-1 normed by the reference standard deviation,
 *   drifted when ≥ 0.1 (KS p-values become hair-trigger on large samples);
 * - categorical, reference n ≤ 1000 and ≤ 20 categories → chi-square (Yates when 2 categories),
 *   drifted when p < 0.05;
 * - categorical otherwise → Jensen–Shannon distance (base e) on category shares, drifted when ≥ 0.1.
 * A column is numeric when every non-null value on both sides is a finite number; otherwise
 * values are compared as strings. `null`, `undefined` and NaN are dropped before testing.
 * PSI and JS are always reported (numeric: reference-decile bins; categorical: categories).
 * Dataset verdict: drifted when the share of drifted columns ≥ `driftShare` (default 0.5).
 *
 * @example
 * const r = driftReport({ age: [60, 70, 80] }, { age: [20, 25, 30] })
 * r.columns.age?.test // 'ks'
 */
import { binProportions, quantileEdges } from './bins.ts'
import { chiSquare, countCategories } from './chi-square.ts'
import { jensenShannonDistance } from './jensen-shannon.ts'
import { ksTwoSample } from './ks.ts'
import { psiFromProportions } from './psi.ts'
import { wasserstein } from './wasserstein.ts'

export type DriftTest = 'ks' | 'wasserstein' | 'chi-square' | 'jensen-shannon'
export type Cell = number | string | null | undefined

export interface DriftOptions {
  /** PSI/JS bins for numeric columns (default 10: reference deciles). */
  bins?: number
  /** Reference size above which the large-sample tests are used (default 1000). */
  largeSample?: number
  /** Categorical columns with more categories use JS (default 20). */
  maxChiSquareCategories?: number
  /** p-value threshold for KS and chi-square (default 0.05). */
  pValueThreshold?: number
  /** Normed Wasserstein threshold (default 0.1). */
  wassersteinThreshold?: number
  /** JS distance threshold (default 0.1). */
  jensenShannonThreshold?: number
  /** Share of drifted columns that makes the dataset drifted (default 0.5). */
  driftShare?: number
  /** Force a test for named columns (a numeric test on a categorical column is ignored). */
  tests?: Record<string, DriftTest>
}

export interface ColumnDrift {
  test: DriftTest
  /** The chosen test's statistic (for 'wasserstein': the normed distance). */
  statistic: number
  pValue?: number
  psi: number
  /** Raw Wasserstein-1 distance (numeric columns only). */
  wasserstein?: number
  jensenShannon: number
  drifted: boolean
}

export interface DriftReport {
  columns: Record<string, ColumnDrift>
  drift: { drifted: boolean; share: number; count: number }
  /** Columns missing or empty (after dropping nulls) on either side: not tested, not counted. */
  skipped: string[]
}

const present = (v: Cell): v is number | string => v !== null && v !== undefined && !(typeof v === 'number' && Number.isNaN(v))

function stdDev(xs: readonly number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length)
}

function numericColumn(ref: number[], cur: number[], o: Required<Omit<DriftOptions, 'tests'>>, forced?: DriftTest): ColumnDrift {
  const edges = quantileEdges(ref, o.bins)
  const pr = binProportions(ref, edges)
  const pc = binProportions(cur, edges)
  const w = wasserstein(ref, cur)
  const base = { psi: psiFromProportions(pr, pc), wasserstein: w, jensenShannon: jensenShannonDistance(pr, pc) }
  const test: DriftTest = forced ?? (ref.length <= o.largeSample ? 'ks' : 'wasserstein')
  if (test === 'ks') {
    const ks = ksTwoSample(ref, cur)
    return { test, statistic: ks.statistic, pValue: ks.pValue, ...base, drifted: ks.pValue < o.pValueThreshold }
  }
  if (test === 'jensen-shannon') return { test, statistic: base.jensenShannon, ...base, drifted: base.jensenShannon >= o.jensenShannonThreshold }
  if (test === 'chi-square') {
    const chi = chiSquare(ref.map(String), cur.map(String))
    return { test, statistic: chi.statistic, pValue: chi.pValue, ...base, drifted: chi.pValue < o.pValueThreshold }
  }
  // A constant reference has σ = 0: any movement at all is drift.
  const sd = stdDev(ref)
  const normed = sd > 0 ? w / sd : w > 0 ? Infinity : 0
  return { test, statistic: normed, ...base, drifted: normed >= o.wassersteinThreshold }
}

function categoricalColumn(ref: string[], cur: string[], o: Required<Omit<DriftOptions, 'tests'>>, forced?: DriftTest): ColumnDrift {
  const rc = countCategories(ref)
  const cc = countCategories(cur)
  const cats = [...new Set([...rc.keys(), ...cc.keys()])]
  const pr = cats.map((c) => (rc.get(c) ?? 0) / ref.length)
  const pc = cats.map((c) => (cc.get(c) ?? 0) / cur.length)
  const base = { psi: psiFromProportions(pr, pc), jensenShannon: jensenShannonDistance(pr, pc) }
  const auto: DriftTest = ref.length <= o.largeSample && cats.length <= o.maxChiSquareCategories ? 'chi-square' : 'jensen-shannon'
  const test = forced === 'chi-square' || forced === 'jensen-shannon' ? forced : auto
  if (test === 'chi-square') {
    const chi = chiSquare(ref, cur)
    return { test, statistic: chi.statistic, pValue: chi.pValue, ...base, drifted: chi.pValue < o.pValueThreshold }
  }
  return { test, statistic: base.jensenShannon, ...base, drifted: base.jensenShannon >= o.jensenShannonThreshold }
}

/** Compare `current` against `reference`, column by column (columns of `reference` are tested). */
export function driftReport(reference: Record<string, readonly Cell[]>, current: Record<string, readonly Cell[]>, options: DriftOptions = {}): DriftReport {
  const o = {
    bins: options.bins ?? 10,
    largeSample: options.largeSample ?? 1000,
    maxChiSquareCategories: options.maxChiSquareCategories ?? 20,
    pValueThreshold: options.pValueThreshold ?? 0.05,
    wassersteinThreshold: options.wassersteinThreshold ?? 0.1,
    jensenShannonThreshold: options.jensenShannonThreshold ?? 0.1,
    driftShare: options.driftShare ?? 0.5,
  }
  const columns: Record<string, ColumnDrift> = {}
  const skipped: string[] = []
  for (const name of Object.keys(reference)) {
    const ref = (reference[name] ?? []).filter(present)
    const cur = (current[name] ?? []).filter(present)
    if (ref.length === 0 || cur.length === 0) {
      skipped.push(name)
      continue
    }
    const forced = options.tests?.[name]
    const numeric = [...ref, ...cur].every((v) => typeof v === 'number' && Number.isFinite(v))
    columns[name] = numeric ? numericColumn(ref as number[], cur as number[], o, forced) : categoricalColumn(ref.map(String), cur.map(String), o, forced)
  }
  const tested = Object.values(columns)
  const count = tested.filter((c) => c.drifted).length
  const share = tested.length === 0 ? 0 : count / tested.length
  return { columns, drift: { drifted: tested.length > 0 && share >= o.driftShare, share, count }, skipped }
}
