/**
 * The part of Cloudflare's D1 binding Nexora uses, declared here so the package needs no
 * `@cloudflare/workers-types` (and a Miniflare `getD1Database()` proxy fits it too).
 */
export interface D1Result<T = Record<string, unknown>> {
  results: T[]
  success: boolean
  meta: { changes?: number; [key: string]: unknown }
}

export interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement
  all<T = Record<string, unknown>>(): Promise<D1Result<T>>
  run(): Promise<D1Result>
}

export interface D1Database {
  prepare(query: string): D1PreparedStatement
  /** All statements commit, or none does (D1 has no BEGIN). */
  batch(statements: D1PreparedStatement[]): Promise<D1Result[]>
}
