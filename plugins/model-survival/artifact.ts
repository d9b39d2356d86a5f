import { NexoraError } from '../../core/index.ts'
import type { Column } from './columns.ts'
import type { Ties } from './partial-likelihood.ts'

/** `model.json`: a fitted Cox model in plain JSON, enough to score and explain in any runtime. */
export interface CoxArtifact {
  format: 'nexora-cox-v1'
  columns: Column[]
  /** Training means of the columns: contributions and the centred baseline are relative to them. */
  mean: number[]
  coef: number[]
  ties: Ties
  /** The horizon (in the unit of the training times, days) at which `score` is the event probability. */
  horizon: number
  /** H₀(horizon) at the means (centred baseline), cached so scoring needs no step lookup. */
  baselineAtHorizon: number
  /** The centred baseline cumulative hazard at each distinct training time. */
  baseline: { times: number[]; cumulativeHazard: number[] }
}

export const ARTIFACT_FILE = 'model.json'

export function encodeArtifact(artifact: CoxArtifact): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(artifact))
}

const isNumbers = (a: unknown, length?: number): a is number[] =>
  Array.isArray(a) && (length === undefined || a.length === length) && a.every((v) => typeof v === 'number' && Number.isFinite(v))

/** Parse and validate `model.json`; anything else is a coded `model.load_failed`. */
export function decodeArtifact(bytes: Uint8Array | undefined): CoxArtifact {
  if (!bytes) throw new NexoraError('model.load_failed', { detail: `the artifact has no ${ARTIFACT_FILE}` })
  let parsed: CoxArtifact
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes)) as CoxArtifact
  } catch (cause) {
    throw new NexoraError('model.load_failed', { detail: `${ARTIFACT_FILE} is not JSON`, cause })
  }
  const width = Array.isArray(parsed?.columns) ? parsed.columns.length : -1
  const ok =
    parsed?.format === 'nexora-cox-v1' &&
    width >= 0 &&
    isNumbers(parsed.mean, width) &&
    isNumbers(parsed.coef, width) &&
    (parsed.ties === 'efron' || parsed.ties === 'breslow') &&
    typeof parsed.horizon === 'number' &&
    typeof parsed.baselineAtHorizon === 'number' &&
    parsed.baselineAtHorizon > 0 &&
    isNumbers(parsed.baseline?.times) &&
    isNumbers(parsed.baseline?.cumulativeHazard, parsed.baseline.times.length)
  if (!ok) throw new NexoraError('model.load_failed', { detail: `${ARTIFACT_FILE} is not a nexora-cox-v1 artifact` })
  return parsed
}
