import type { Caller } from '../ports/values.ts'

/** Per-request variables every route can read (Hono's `c.get`). */
export interface AppEnv {
  Variables: {
    /** The server's id for this request: unique, whatever the client sent (core/http/request-id.ts). */
    requestId: string
    /** The client's own id, when it sent a well-formed one. */
    correlationId?: string
    caller: Caller
    /** The code of the error the request was answered with (for its trace span). */
    errorCode?: string
  }
}
