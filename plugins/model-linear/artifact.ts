import { NexoraError } from '../../core/index.ts'
import type { Column } from './standardise.ts'

/** `model.json`: everything the logistic model needs, in plain JSON so any runtime can read it. */
export interface LinearArtifact {
  format: 'nexora-logistic-v1'
  columns: Column[]
  mean: number[]
  scale: number[]
  coef: number[]
  intercept: number
  C: number
}

export const ARTIFACT_FILE = 'model.json'

export function encodeArtifact(artifact: LinearArtifact): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(artifact))
}

export function decodeArtifact(bytes: Uint8Array | undefined): LinearArtifact {
  if (!bytes) throw new NexoraError('model.load_failed', { detail: `the artifact has no ${ARTIFACT_FILE}` })
  let parsed: LinearArtifact
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes)) as LinearArtifact
  } catch (cause) {
    throw new NexoraError('model.load_failed', { detail: `${ARTIFACT_FILE} is not JSON`, cause })
  }
  const width = parsed.columns?.length
  if (parsed?.format !== 'nexora-logistic-v1' || [parsed.mean, parsed.scale, parsed.coef].some((a) => a?.length !== width)) {
    throw new NexoraError('model.load_failed', { detail: `${ARTIFACT_FILE} is not a nexora-logistic-v1 artifact` })
  }
  return parsed
}
