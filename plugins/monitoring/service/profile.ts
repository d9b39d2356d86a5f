import { seededRandom, type FeatureValue, type Row } from '../../../core/index.ts'

/**
 * A model version's training profile: a seeded sample of training rows (columns kept aligned) and
 * of the model's scores on them, stored as `profile.json` among the version's artifact files.
 * The drift report compares live traffic against it. A sample, not summary statistics, because
 * KS, Wasserstein and chi-square need values, and 1000 rows keep KS's resolution near 0.04.
 */
export interface TrainingProfile {
  format: 'nexora.profile/1'
  /** Training rows the sample was drawn from. */
  rows: number
  seed: number
  columns: Record<string, FeatureValue[]>
  score: number[]
}

export const PROFILE_FILE = 'profile.json'

/**
 * @example
 * files['profile.json'] = new TextEncoder().encode(JSON.stringify(buildProfile(trainRows, trainScores)))
 */
export function buildProfile(rows: Row[], scores: number[], { sampleSize = 1000, seed = 1 }: { sampleSize?: number; seed?: number } = {}): TrainingProfile {
  const index = rows.map((_, i) => i)
  const rng = seededRandom(seed)
  const take = Math.min(sampleSize, rows.length)
  // Partial Fisher–Yates: the first `take` slots become a uniform sample without replacement.
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(rng.next() * (index.length - i))
    ;[index[i], index[j]] = [index[j]!, index[i]!]
  }
  const chosen = index.slice(0, take).sort((a, b) => a - b)
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.features)))]
  return {
    format: 'nexora.profile/1',
    rows: rows.length,
    seed,
    columns: Object.fromEntries(names.map((n) => [n, chosen.map((i) => rows[i]!.features[n] ?? null)])),
    score: chosen.map((i) => scores[i]!),
  }
}

/** Parse and check a stored profile; undefined when the bytes are not one. */
export function parseProfile(bytes: Uint8Array | undefined): TrainingProfile | undefined {
  if (!bytes) return undefined
  try {
    const p = JSON.parse(new TextDecoder().decode(bytes)) as TrainingProfile
    return p.format === 'nexora.profile/1' && Array.isArray(p.score) && typeof p.columns === 'object' ? p : undefined
  } catch {
    return undefined
  }
}
