/**
 * The parts of Cloudflare's Queues and D1 bindings the job queue uses, declared here so the
 * package needs no `@cloudflare/workers-types`, and a Miniflare binding or a test double fits too.
 * The D1 shapes match plugins/storage-d1's, so one `env.DB` serves both.
 */
export interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement
  all<T = Record<string, unknown>>(): Promise<{ results: T[] }>
  run(): Promise<{ meta: { changes?: number; [key: string]: unknown } }>
}

export interface D1Database {
  prepare(query: string): D1PreparedStatement
  /** All statements commit, or none does (D1 has no BEGIN). */
  batch(statements: D1PreparedStatement[]): Promise<unknown[]>
}

/** A producer binding (`queues.producers` in wrangler.jsonc): `env.JOBS`. */
export interface QueueProducer {
  /** `delaySeconds`: whole seconds, at most 24 hours (Cloudflare's limit). */
  send(body: unknown, options?: { delaySeconds?: number }): Promise<unknown>
}

/** One message of a consumer batch. */
export interface QueueMessage {
  readonly id: string
  readonly body: unknown
  /** Deliveries of this message so far, 1 on the first. */
  readonly attempts: number
  ack(): void
  retry(options?: { delaySeconds?: number }): void
}

/** What a Worker's `queue(batch, env, ctx)` export receives. */
export interface MessageBatch {
  readonly queue: string
  readonly messages: readonly QueueMessage[]
}
