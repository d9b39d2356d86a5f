import { NexoraError, type ModelManifest, type Prediction } from '../../core/index.ts'
import { shown } from './tensors.ts'
import type { RequestOutput, ResponseOutput, TensorMetadata } from './types.ts'

/**
 * The outputs every model offers: `score` (the manifest's first output: a probability or risk),
 * `label` (only when the manifest sets a threshold) and `explanation` (one JSON array of
 * contributions per row, computed only when asked for).
 */
export function outputMetadata(manifest: ModelManifest): TensorMetadata[] {
  return [
    { name: 'score', datatype: 'FP64', shape: [-1] },
    ...(manifest.threshold !== undefined ? [{ name: 'label', datatype: 'BYTES' as const, shape: [-1] }] : []),
    { name: 'explanation', datatype: 'BYTES', shape: [-1] },
  ]
}

const invalid = (path: string, message: string) => new NexoraError('request.invalid', { detail: `${path}: ${message}`, issues: [{ path, message }] })

/** Check the requested outputs against what the model offers, before the model runs. */
export function checkRequestedOutputs(requested: RequestOutput[] | undefined, manifest: ModelManifest): void {
  const offered = new Set(outputMetadata(manifest).map((o) => o.name))
  const seen = new Set<string>()
  requested?.forEach((o, i) => {
    if (!offered.has(o.name)) throw invalid(`outputs[${i}].name`, `output "${shown(o.name)}" is not an output of this model (${[...offered].join(', ')})`)
    if (seen.has(o.name)) throw invalid(`outputs[${i}].name`, `output "${o.name}" is requested twice`)
    seen.add(o.name)
    if (o.parameters?.binary_data === true) throw invalid(`outputs[${i}].parameters`, 'binary tensor data is not supported')
    if (o.parameters && 'classification' in o.parameters)
      throw invalid(`outputs[${i}].parameters`, 'the classification extension is not supported; request "label"')
  })
}

/** Is an explanation wanted: `parameters.explain: true`, or `explanation` among the requested outputs? */
export const wantsExplanation = (explain: unknown, requested: RequestOutput[] | undefined) =>
  explain === true || Boolean(requested?.some((o) => o.name === 'explanation'))

/** Predictions to response tensors, in the order requested (by default: score, label, explanation if computed). */
export function toOutputs(predictions: Prediction[], requested: RequestOutput[] | undefined, manifest: ModelManifest, explained: boolean): ResponseOutput[] {
  const batch = predictions.length
  // An empty `outputs` list means the defaults, as an absent one does.
  const names = requested?.length
    ? requested.map((o) => o.name)
    : outputMetadata(manifest)
        .map((o) => o.name)
        .filter((n) => n !== 'explanation' || explained)
  return names.map((name): ResponseOutput => {
    if (name === 'score') return { name, datatype: 'FP64', shape: [batch], data: predictions.map((p) => p.score) }
    // `content_type: str` tells MLServer-style clients to decode BYTES as UTF-8 text.
    if (name === 'label') return { name, datatype: 'BYTES', shape: [batch], parameters: { content_type: 'str' }, data: predictions.map((p) => p.label ?? '') }
    return { name, datatype: 'BYTES', shape: [batch], parameters: { content_type: 'str' }, data: predictions.map((p) => JSON.stringify(p.explanation ?? [])) }
  })
}
