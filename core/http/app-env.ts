import type { Caller } from '../ports/values.ts'

/** Per-request variables every route can read (Hono's `c.get`). */
export interface AppEnv {
  Variables: {
    requestId: string
    caller: Caller
  }
}
