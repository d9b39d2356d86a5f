import { z } from 'zod'
import { NexoraError, type FieldIssue, type ModelManifest } from '../../core/index.ts'

const Column = z
  .object({
    /** The manifest input this column reads. */
    feature: z.string().min(1),
    /** For a `category` input: the column is 1 when the value equals this category, else 0 (one-hot). */
    category: z.string().optional(),
    /** Optional standardisation outside the graph: (value − center) / scale. Default 0 and 1. */
    center: z.number().finite().optional(),
    scale: z.number().finite().positive().optional(),
  })
  .strict()

const Explanation = z
  .object({
    /** Up to this many features, Shapley values are exact (2^d coalitions per row); above it, sampled. */
    maxExactFeatures: z.number().int().min(0).max(16).default(12),
    /** Sampled: this many seeded permutations (half of them the reverses of the others). */
    permutations: z.number().int().min(2).max(4096).default(64),
    seed: z.number().int().default(1),
  })
  .strict()

/**
 * The manifest's `onnx` section: how a row's named features become the graph's input tensor
 * (`[batch, columns.length]`, in `columns` order) and which graph output becomes the score.
 */
export const OnnxMappingSchema = z
  .object({
    /** The graph input that takes the row tensor. */
    input: z.string().min(1),
    /** The graph output read as the score, `[batch]` or `[batch, k]`. */
    output: z.string().min(1),
    /** With `[batch, k]` outputs (e.g. class probabilities): which column. Default 0. */
    outputIndex: z.number().int().min(0).default(0),
    /**
     * What the output is: `logit` (score = sigmoid(output)), `probability` (score = output) or
     * `identity` (a regressor; score = output). Explanations are on the logit for the first two.
     */
    link: z.enum(['logit', 'probability', 'identity']).default('logit'),
    /** The input tensor's element type. Default float32. */
    dtype: z.enum(['float32', 'float64']).default('float32'),
    columns: z.array(Column).min(1),
    /** The reference patient of explanations, and the value of a missing optional feature. One value per input. */
    baseline: z.record(z.string(), z.union([z.number().finite(), z.string(), z.boolean()])),
    explanation: Explanation.prefault({}),
  })
  .strict()

export type OnnxMapping = z.infer<typeof OnnxMappingSchema>
export type OnnxColumn = OnnxMapping['columns'][number]

const invalid = (issues: FieldIssue[]) => new NexoraError('model.invalid_manifest', { detail: 'the onnx section does not fit the model inputs', issues })

/** Issues that need the manifest's inputs: every input mapped, every column and baseline value fitting its input. */
function crossCheck(mapping: OnnxMapping, manifest: ModelManifest): FieldIssue[] {
  const issues: FieldIssue[] = []
  const inputs = new Map(manifest.inputs.map((i) => [i.name, i]))
  const seen = new Set<string>()
  mapping.columns.forEach((col, j) => {
    const path = `onnx.columns.${j}`
    const input = inputs.get(col.feature)
    if (!input) return void issues.push({ path: `${path}.feature`, message: 'is not an input of the manifest' })
    const key = `${col.feature}\u0000${col.category ?? ''}`
    if (seen.has(key)) issues.push({ path, message: 'repeats an earlier column' })
    seen.add(key)
    if (input.type === 'category' && col.category === undefined)
      issues.push({ path: `${path}.category`, message: 'is required for a category input (one-hot)' })
    if (input.type !== 'category' && col.category !== undefined) issues.push({ path: `${path}.category`, message: 'is only allowed for a category input' })
    if (col.category !== undefined && input.type === 'category' && !(input.categories ?? []).includes(col.category))
      issues.push({ path: `${path}.category`, message: "is not one of the input's categories" })
  })
  for (const input of manifest.inputs) {
    if (!mapping.columns.some((c) => c.feature === input.name)) issues.push({ path: `inputs.${input.name}`, message: 'has no column in onnx.columns' })
    const value = mapping.baseline[input.name]
    const path = `onnx.baseline.${input.name}`
    if (value === undefined) issues.push({ path, message: 'is required (one baseline value per input)' })
    else if (input.type === 'number' && typeof value !== 'number') issues.push({ path, message: 'must be a number' })
    else if (input.type === 'boolean' && typeof value !== 'boolean') issues.push({ path, message: 'must be a boolean' })
    else if (input.type === 'category' && !(typeof value === 'string' && (input.categories ?? []).includes(value)))
      issues.push({ path, message: "must be one of the input's categories" })
  }
  for (const name of Object.keys(mapping.baseline))
    if (!inputs.has(name)) issues.push({ path: `onnx.baseline.${name}`, message: 'is not an input of the manifest' })
  return issues
}

/**
 * Validate `manifest.onnx` against its schema and the manifest's inputs.
 * @throws NexoraError `model.invalid_manifest` with one issue per problem (paths, never values)
 * @example
 * const mapping = parseMapping(artifact.manifest) // { input: 'features', output: 'logit', columns: [...], ... }
 */
export function parseMapping(manifest: ModelManifest): OnnxMapping {
  const parsed = OnnxMappingSchema.safeParse((manifest as ModelManifest & { onnx?: unknown }).onnx)
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ path: ['onnx', ...i.path].join('.'), message: i.message })))
  const issues = crossCheck(parsed.data, manifest)
  if (issues.length > 0) throw invalid(issues)
  return parsed.data
}
