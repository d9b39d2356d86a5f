import type { FrontDoorContext } from '../../../core/index.ts'
import type { OipState } from '../state.ts'

/** What the REST routes share: the pipeline and registry, the OIP state, and the server's identity. */
export interface OipDeps {
  ctx: FrontDoorContext
  state: OipState
  server: { name?: string; version?: string }
}
