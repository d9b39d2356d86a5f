import type { SourceAttributesDraft } from '../registry/source-attributes.ts'
import type { Contribution, Prediction, Row } from './values.ts'

/** One model input, as declared in the manifest and checked by the pipeline. */
export interface FeatureDef {
  name: string
  type: 'number' | 'boolean' | 'category'
  /** Defaults to true; an optional feature may be absent or null. */
  required?: boolean
  /** The allowed values of a `category` feature. */
  categories?: string[]
  min?: number
  max?: number
  unit?: string
  description?: string
}

export interface OutputDef {
  name: string
  type: 'probability' | 'score' | 'risk'
  description?: string
}

/**
 * A model version's signature: a detached compact JWS (RFC 7515 appendix F) over the canonical
 * JSON of the manifest without `signature` and `card`. `alg`, `kid`, `signedAt` and `cardSha256`
 * repeat its protected header for people and listings; a verifier refuses them if they differ.
 */
export interface ModelSignature {
  /** `ES384` (P-384) or `EdDSA` (Ed25519). */
  alg: 'ES384' | 'EdDSA'
  /** The id of the key that signed: a verifier looks it up among the keys it trusts. */
  kid: string
  /** When it was signed (ISO 8601, the signer's clock). */
  signedAt: string
  /** The sha256 (hex) of the model card it was signed with; a manifest may drop its card, never change it. */
  cardSha256?: string
  /** `<protected header>..<signature>`, both base64url: the payload is left out and rebuilt from the manifest. */
  jws: string
}

/** `models/<id>/manifest.json`: everything needed to serve, audit and explain a version. */
export interface ModelManifest {
  name: string
  /** Semantic version, e.g. `1.2.0`. */
  version: string
  /** The ModelPlugin kind that loads it, e.g. `linear`. */
  kind: string
  description?: string
  inputs: FeatureDef[]
  outputs: OutputDef[]
  /** A score at or above the threshold gets `labels[1]`, below it `labels[0]`. */
  threshold?: number
  labels?: [string, string]
  explanationMethod?: string
  training?: Record<string, unknown>
  metrics?: Record<string, number>
  /** sha256 (hex) of each artifact file, filled in by the registry. */
  files?: Record<string, string>
  /** The FHIR feature spec (ETL plugin), when the model reads FHIR. */
  featureSpec?: unknown
  /** The model card (Markdown). */
  card?: string
  /**
   * ONC HTI-1 source attributes of a predictive DSI (core/registry/source-attributes.ts): any subset
   * while staging; all 31 before production (`missingSourceAttributes` is empty).
   */
  sourceAttributes?: SourceAttributesDraft
  /** A detached signature over the rest of the manifest (see core/registry/signature.ts). */
  signature?: ModelSignature
  /** A site recalibration applied to the base model's score (see core/registry/calibrated-model.ts). */
  calibration?: ScoreCalibration
}

/** Logistic recalibration: σ(intercept + slope · logit(p)), p clipped to [1e−15, 1 − 1e−15]. */
export interface LogisticScoreMap {
  method: 'logistic'
  intercept: number
  /** Positive: a recalibration keeps the model's ranking. */
  slope: number
}

/**
 * Isotonic recalibration: p clipped to [x₀, xₙ₋₁], then interpolated linearly between the knots
 * (scikit-learn's `IsotonicRegression(out_of_bounds='clip')`). `x` strictly increasing, `y` non-decreasing in [0, 1].
 */
export interface IsotonicScoreMap {
  method: 'isotonic'
  x: number[]
  y: number[]
}

export type ScoreMap = LogisticScoreMap | IsotonicScoreMap

/**
 * A site recalibration: the version serves `map(score)` where score is what its files' model
 * gives. Registered as a version of its own whose files are the base version's, unchanged.
 */
export type ScoreCalibration = ScoreMap & {
  /** The version whose logged scores and outcomes the map was fitted on. */
  base: { version: string }
  /**
   * The maps the base version already applied (when it was itself a recalibration), in order:
   * the served score is map(priorₙ(…prior₁(score))).
   */
  prior?: ScoreMap[]
}

/** A manifest plus its artifact files, as a plugin saves and loads them. */
export interface ModelArtifact {
  manifest: ModelManifest
  files: Record<string, Uint8Array>
}

export interface Dataset {
  rows: Row[]
  /** Binary outcomes (0/1) for classifiers; the event indicator (1 = event, 0 = censored) for survival. */
  labels: number[]
  /** Survival only: the time of the event or of censoring, one per row. */
  times?: number[]
}

export interface ModelDescription {
  inputs: FeatureDef[]
  outputs: OutputDef[]
  explanationMethod: string
  /** What the contributions add up to, when the method promises additivity. */
  additivity?: 'logit' | 'output' | 'none'
  /**
   * With additivity: the model's output (in the additivity units) at its baseline, so that
   * Σ contributions = output(row) − baseline. Per row when the baseline depends on the row.
   */
  baseline?: number
  card?: string
  featureSpec?: unknown
}

export interface EvaluationMetrics {
  [metric: string]: number
}

/** A model ready to score. `predict` and `explain` take rows already validated by the pipeline. */
export interface LoadedModel {
  describe(): ModelDescription
  predict(rows: Row[]): Promise<Prediction[]>
  explain(rows: Row[]): Promise<Contribution[][]>
  evaluate(dataset: Dataset): Promise<EvaluationMetrics>
  dispose?(): void | Promise<void>
}

export interface TrainProgress {
  epoch: number
  epochs: number
  loss: number
}

export interface TrainOptions {
  name: string
  version: string
  inputs: FeatureDef[]
  seed?: number
  [option: string]: unknown
}

/**
 * The ModelPlugin port: a model family (`kind`) that can load artifacts and, optionally, train.
 * @example
 * const plugin: ModelPlugin = { kind: 'linear', load: async (a) => fromArtifact(a) }
 */
export interface ModelPlugin {
  kind: string
  load(artifact: ModelArtifact): Promise<LoadedModel>
  train?(dataset: Dataset, options: TrainOptions, onProgress?: (p: TrainProgress) => void): Promise<ModelArtifact>
}
