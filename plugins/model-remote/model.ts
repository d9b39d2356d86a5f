import { classifierMetrics, NexoraError, type Dataset, type LoadedModel, type ModelManifest, type Row } from '../../core/index.ts'
import type { Breaker } from './breaker.ts'
import './errors.ts'
import type { InferClient } from './rest.ts'
import { withRetries, type RetryOptions } from './retry.ts'
import type { RemoteSection } from './section.ts'
import { readExplanations, readScores, toRequest, type OutputTensor } from './tensors.ts'

export interface RemoteModelParts {
  manifest: ModelManifest
  section: RemoteSection
  client: InferClient
  breaker: Breaker
  retry: RetryOptions
  /** REST carries a missing optional feature as null (Nexora's extension); gRPC's typed contents cannot. */
  canSendNull: boolean
  /** Called once by dispose: lets go of the connection the model shares with its endpoint's other models. */
  release(): void
}

/**
 * A LoadedModel whose scores come from a remote OIP v2 server. Rows arrive validated by the
 * pipeline; each batch (split at `maxBatch`) is one call, through the endpoint's circuit breaker,
 * with a time limit per attempt and retries only where nothing was scored. The remote's answer
 * is checked before a score leaves: one finite number per row.
 */
export function createRemoteModel(parts: RemoteModelParts): LoadedModel {
  const { manifest, section, client, breaker } = parts
  const call = (rows: Row[], explain: boolean): Promise<OutputTensor[]> => {
    const request = toRequest(section, manifest.inputs, rows, { explain, canSendNull: parts.canSendNull })
    return breaker.run(() => withRetries((signal) => client.infer(request, signal), section, parts.retry))
  }
  const chunks = (rows: Row[]) =>
    Array.from({ length: Math.ceil(rows.length / section.maxBatch) }, (_, i) => rows.slice(i * section.maxBatch, (i + 1) * section.maxBatch))

  async function predict(rows: Row[]) {
    const scores: number[] = []
    for (const part of chunks(rows)) scores.push(...readScores(section, await call(part, false), part.length))
    return scores.map((score) => ({ score }))
  }
  let released = false
  return {
    describe: () => ({
      inputs: manifest.inputs,
      outputs: manifest.outputs,
      card: manifest.card,
      featureSpec: manifest.featureSpec,
      explanationMethod:
        manifest.explanationMethod ?? (section.explain ? 'computed by the remote model server' : 'none: the remote model server does not explain its scores'),
      additivity: section.additivity,
      ...(section.baseline !== undefined ? { baseline: section.baseline } : {}),
    }),
    predict,
    async explain(rows) {
      if (!section.explain) throw new NexoraError('remote.explain_unsupported', { detail: `${manifest.name}@${manifest.version}: remote.explain is false` })
      const out = []
      for (const part of chunks(rows)) out.push(...readExplanations(await call(part, true), part))
      return out
    },
    async evaluate(dataset: Dataset) {
      return classifierMetrics(
        dataset.labels,
        (await predict(dataset.rows)).map((p) => p.score),
      )
    },
    dispose() {
      if (released) return
      released = true
      parts.release()
    },
  }
}
