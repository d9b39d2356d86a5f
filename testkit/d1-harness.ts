/**
 * The Node side of the D1 conformance run: bundles test/storage/d1-rpc-worker.ts, starts it
 * under workerd (Miniflare) with a pool of empty D1 databases, and hands out proxy objects that
 * implement the store ports by calling the worker. Each harness open takes a fresh database.
 */
import { fileURLToPath } from 'node:url'
import {
  NexoraError,
  type AdverseEventStore,
  type AuditSink,
  type ErrorCode,
  type FeatureStore,
  type ModelStore,
  type PredictionLog,
  type RateLimitStore,
} from '../core/index.ts'
import { bundleForWorkers, startWorker, type RunningWorker } from './workerd.ts'
import { decode, encode, type RpcCall, type RpcReply, type StorePort } from './d1-rpc-codec.ts'

/** The methods each port proxies: a port method missing here fails its suite with "not a function". */
const METHODS = {
  modelStore: ['putVersion', 'getVersion', 'getFiles', 'listModels', 'listVersions', 'setAlias', 'getAliases', 'setStage', 'getLifecycle', 'putLifecycle'],
  auditSink: ['append', 'query', 'verify', 'checkpoint'],
  predictionLog: ['append', 'addOutcomes', 'window', 'knownSubjects'],
  adverseEventStore: ['create', 'get', 'list', 'update'],
  rateLimitStore: ['take'],
  featureStore: ['get', 'put'],
} as const satisfies {
  modelStore: readonly (keyof ModelStore)[]
  auditSink: readonly (keyof AuditSink)[]
  predictionLog: readonly (keyof PredictionLog)[]
  adverseEventStore: readonly (keyof AdverseEventStore)[]
  rateLimitStore: readonly (keyof RateLimitStore)[]
  featureStore: readonly (keyof FeatureStore)[]
}

interface Ports {
  modelStore: ModelStore
  auditSink: AuditSink
  predictionLog: PredictionLog
  adverseEventStore: AdverseEventStore
  rateLimitStore: RateLimitStore
  featureStore: FeatureStore
}

export interface D1Rpc {
  /** A new, migrated database binding name (the pool has `size` of them). */
  freshDatabase(): Promise<string>
  /** A proxy for a store on `db`; a different `instance` is a separate store object (as another isolate would hold). */
  port<P extends StorePort>(db: string, port: P, instance?: string): Ports[P]
  /** Raw SQL on D1 inside the worker (tampering, inspection): the result rows. */
  sql(db: string, text: string, params?: unknown[]): Promise<Record<string, unknown>[]>
  call(call: RpcCall): Promise<unknown>
  close(): Promise<void>
}

export async function startD1Rpc(size = 32): Promise<D1Rpc> {
  const { code } = await bundleForWorkers(fileURLToPath(new URL('./d1-rpc-worker.ts', import.meta.url)))
  const names = Array.from({ length: size }, (_, i) => `DB${i}`)
  const worker: RunningWorker = await startWorker({ code, d1: names })
  let next = 0
  const call = async (c: RpcCall) => {
    const res = await worker.mf.dispatchFetch('http://rpc.test/', { method: 'POST', body: encode(c) })
    const reply = decode(await res.text()) as RpcReply
    if ('error' in reply) {
      throw reply.error.code ? new NexoraError(reply.error.code as ErrorCode, { detail: reply.error.detail }) : new Error(reply.error.message)
    }
    return reply.value
  }
  return {
    async freshDatabase() {
      const db = names[next++]
      if (!db) throw new Error(`the D1 pool has only ${size} databases: raise startD1Rpc's size`)
      await call({ db, op: 'migrate' })
      return db
    },
    port(db, port, instance) {
      return Object.fromEntries(
        METHODS[port].map((method) => [method, (...args: unknown[]) => call({ db, op: 'call', port, instance, method, args })]),
      ) as never
    },
    sql: async (db, text, params) => (await call({ db, op: 'sql', sql: text, params })) as Record<string, unknown>[],
    call,
    close: () => worker.close(),
  }
}
