import type { ModelRegistry } from '../../core/index.ts'
import { resolveModel } from './resolve.ts'
import type { OipState } from './state.ts'
import type { ModelStatistics } from './types.ts'

/**
 * Statistics extension, `GET /v2/models[/{name}[/versions/{version}]]/stats`: Triton-style
 * counters per model version since the server started; every live version of a named model is
 * listed, with zeros before its first inference.
 */
export async function modelStatistics(registry: ModelRegistry, state: OipState, name?: string, version?: string): Promise<ModelStatistics[]> {
  if (name === undefined) return state.stats()
  const stored = version === undefined ? undefined : await resolveModel(registry, name, version)
  const summary = await registry.get(name)
  const versions = stored ? [stored.version] : summary.versions.filter((v) => v.stage !== 'archived').map((v) => v.version)
  const seen = new Map(state.stats(name).map((s) => [s.version, s]))
  const zero = { count: 0, ns: 0 }
  const all = new Set([...versions, ...(stored ? [] : seen.keys())])
  return [...all].sort().map(
    (v) =>
      seen.get(v) ?? {
        name,
        version: v,
        last_inference: 0,
        inference_count: 0,
        execution_count: 0,
        inference_stats: {
          success: { ...zero },
          fail: { ...zero },
          queue: { ...zero },
          compute_input: { ...zero },
          compute_infer: { ...zero },
          compute_output: { ...zero },
        },
      },
  )
}
