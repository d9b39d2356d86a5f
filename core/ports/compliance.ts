import type { Caller } from './values.ts'

export interface ComplianceContext {
  caller: Caller
  requestId: string
  /** The route or operation, e.g. `predict`. */
  route: string
}

/**
 * A stage that runs around model calls and wherever data leaves a boundary
 * (`pre`: before the model sees the payload; `post`: before the result leaves).
 * It may transform the payload or throw a coded NexoraError.
 */
export interface ComplianceStage {
  name: string
  order: 'pre' | 'post'
  appliesTo?(route: string): boolean
  process<T>(ctx: ComplianceContext, payload: T): Promise<T>
}
