import type { ModelStatistics, StatDuration } from './types.ts'

/** Which phases of an inference are timed, Triton's names. */
export type Phase = 'queue' | 'compute_input' | 'compute_infer' | 'compute_output'

/** Per-request timings in nanoseconds, filled in as the request moves through `infer`. */
export type PhaseTimes = Record<Phase, number>

const zero = (): StatDuration => ({ count: 0, ns: 0 })

function emptyStats(name: string, version: string): ModelStatistics {
  return {
    name,
    version,
    last_inference: 0,
    inference_count: 0,
    execution_count: 0,
    inference_stats: { success: zero(), fail: zero(), queue: zero(), compute_input: zero(), compute_infer: zero(), compute_output: zero() },
  }
}

export interface OipStateOptions {
  /** Model kinds that read `row.sequence`, so take a `sequence` input tensor. Default `['transformer']`. */
  sequenceKinds?: string[]
  /** A monotonic clock in milliseconds (fractional) for the statistics. Default `performance.now`. */
  now?: () => number
}

/**
 * What the OIP front doors of one server share, in memory: inference statistics per model
 * version, and which models the repository extension has unloaded. Pass the same state to the
 * REST and gRPC doors so both report and honour the same numbers.
 * @example
 * const state = createOipState()
 * await createNexora({ plugins: [..., oip({ state }), grpc({ state })] })
 */
export interface OipState {
  readonly sequenceKinds: readonly string[]
  now(): number
  /** Record one finished request for `name@version`: success with its row count, or failure. */
  record(
    name: string,
    version: string,
    outcome: { ok: true; rows: number; times: PhaseTimes; totalNs: number } | { ok: false; totalNs: number },
    endedAtMs: number,
  ): void
  /** Statistics of every version seen, optionally only of one model (and version). */
  stats(name?: string, version?: string): ModelStatistics[]
  isUnloaded(name: string): boolean
  setUnloaded(name: string, unloaded: boolean): void
}

export function createOipState(options: OipStateOptions = {}): OipState {
  const stats = new Map<string, ModelStatistics>()
  const unloaded = new Set<string>()
  const now = options.now ?? (() => performance.now())
  return {
    sequenceKinds: options.sequenceKinds ?? ['transformer'],
    now,
    record(name, version, outcome, endedAtMs) {
      const key = `${name}@${version}`
      const entry = stats.get(key) ?? emptyStats(name, version)
      stats.set(key, entry)
      const add = (d: StatDuration, ns: number) => {
        d.count++
        d.ns += Math.max(0, Math.round(ns))
      }
      if (!outcome.ok) return add(entry.inference_stats.fail, outcome.totalNs)
      add(entry.inference_stats.success, outcome.totalNs)
      for (const phase of ['queue', 'compute_input', 'compute_infer', 'compute_output'] as const) add(entry.inference_stats[phase], outcome.times[phase])
      entry.inference_count += outcome.rows
      entry.execution_count++
      entry.last_inference = endedAtMs
    },
    stats(name, version) {
      return [...stats.values()]
        .filter((s) => (name === undefined || s.name === name) && (version === undefined || s.version === version))
        .map((s) => structuredClone(s))
        .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))
    },
    isUnloaded: (name) => unloaded.has(name),
    setUnloaded(name, value) {
      if (value) unloaded.add(name)
      else unloaded.delete(name)
    },
  }
}
