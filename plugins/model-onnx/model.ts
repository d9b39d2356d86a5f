import {
  NexoraError,
  serial,
  type Contribution,
  type Dataset,
  type LoadedModel,
  type ModelDescription,
  type ModelManifest,
  type Row,
} from '../../core/index.ts'
import { classifierMetrics } from '../../core/index.ts'
import { encodeRow, layoutOf, packRows } from './encode.ts'
import type { StartedSession } from './engine.ts'
import type { OnnxMapping } from './mapping.ts'
import { explainMethod, explainRows } from './explain.ts'

export interface OnnxModelDescription extends ModelDescription {
  /** The execution provider the session runs on: `webgpu`, `wasm`, or an injected one such as `cpu`. */
  executionProvider: string
}

/** A loaded ONNX model; `executionProvider` says which provider actually runs it. */
export interface OnnxLoadedModel extends LoadedModel {
  describe(): OnnxModelDescription
  readonly executionProvider: string
  /** Why each higher-priority provider was passed over (empty when the first one ran). */
  readonly providerFailures: readonly string[]
}

const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)))
const logit = (p: number) => {
  const q = Math.min(1 - 1e-12, Math.max(1e-12, p))
  return Math.log(q / (1 - q))
}
// Large explanation batches are split so one run never allocates more than about 2^16 rows.
const CHUNK_ROWS = 65_536

/**
 * Wrap a started session as a LoadedModel. Runs are serialised: a session is not safe to enter
 * twice at once on every provider, and on wasm they would queue anyway.
 */
export async function createOnnxModel(manifest: ModelManifest, mapping: OnnxMapping, started: StartedSession): Promise<OnnxLoadedModel> {
  const { ort, session, provider, failures } = started
  if (!session.inputNames.includes(mapping.input))
    throw new NexoraError('model.invalid_manifest', { issues: [{ path: 'onnx.input', message: 'is not an input of model.onnx' }] })
  if (!session.outputNames.includes(mapping.output))
    throw new NexoraError('model.invalid_manifest', { issues: [{ path: 'onnx.output', message: 'is not an output of model.onnx' }] })
  const width = mapping.columns.length
  const inOrder = serial()

  /** The raw graph output (selected column) for encoded rows. */
  async function run(encoded: Float64Array[]): Promise<Float64Array> {
    const out = new Float64Array(encoded.length)
    for (let start = 0; start < encoded.length; start += CHUNK_ROWS) {
      const part = encoded.slice(start, start + CHUNK_ROWS)
      const feeds = { [mapping.input]: new ort.Tensor(mapping.dtype, packRows(part, width, mapping.dtype), [part.length, width]) }
      const result = await inOrder(() => session.run(feeds)).catch((cause: unknown) => {
        throw new NexoraError('model.load_failed', {
          detail: 'model.onnx failed to run on the mapped input (check onnx.columns against the graph input shape)',
          cause,
        })
      })
      const data = result[mapping.output]?.data as ArrayLike<number | bigint> | undefined
      const k = data ? data.length / part.length : 0
      if (!data || !Number.isInteger(k) || mapping.outputIndex >= k) {
        throw new NexoraError('model.invalid_manifest', {
          issues: [{ path: 'onnx.outputIndex', message: 'is outside the output tensor (one value per row expected, or [rows, k] with outputIndex < k)' }],
        })
      }
      for (let i = 0; i < part.length; i++) out[start + i] = Number(data[i * k + mapping.outputIndex]!)
    }
    return out
  }

  // Explanations and the baseline are on the logit for classifiers, in output units for regressors.
  const additive = (v: number) => (mapping.link === 'probability' ? logit(v) : v)
  const score = (v: number) => (mapping.link === 'logit' ? sigmoid(v) : v)
  const layout = layoutOf(mapping)
  const baselineRow = encodeRow(mapping, { features: mapping.baseline })
  // Running the baseline once checks the whole path (names, shape, dtype) at load, not on a patient's request.
  const baseline = additive((await run([baselineRow]))[0]!)

  const predict = async (rows: Row[]) => (rows.length === 0 ? [] : Array.from(await run(rows.map((r) => encodeRow(mapping, r))), (v) => ({ score: score(v) })))
  return {
    executionProvider: provider,
    providerFailures: failures,
    describe: () => ({
      inputs: manifest.inputs,
      outputs: manifest.outputs,
      card: manifest.card,
      featureSpec: manifest.featureSpec,
      explanationMethod: explainMethod(mapping, layout.features.length),
      additivity: mapping.link === 'identity' ? 'output' : 'logit',
      baseline,
      executionProvider: provider,
    }),
    predict,
    async explain(rows): Promise<Contribution[][]> {
      const phi = await explainRows(
        rows.map((r) => encodeRow(mapping, r)),
        baselineRow,
        layout,
        mapping.explanation,
        async (x) => Array.from(await run(x), additive),
      )
      return phi.map((parts, i) => layout.features.map((feature, f) => ({ feature, value: rows[i]!.features[feature] ?? null, contribution: parts[f]! })))
    },
    async evaluate(dataset: Dataset) {
      const scores = (await predict(dataset.rows)).map((p) => p.score)
      if (mapping.link !== 'identity') return classifierMetrics(dataset.labels, scores)
      const errors = scores.map((s, i) => s - dataset.labels[i]!)
      return {
        rmse: Math.sqrt(errors.reduce((t, e) => t + e * e, 0) / errors.length),
        mae: errors.reduce((t, e) => t + Math.abs(e), 0) / errors.length,
        n: errors.length,
      }
    },
    async dispose() {
      await session.release?.()
    },
  }
}
