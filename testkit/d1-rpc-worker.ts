/**
 * A test Worker: the storage-sql stores on D1 (plugins/storage-d1) executing inside workerd,
 * driven over a tiny RPC-over-fetch by test/storage/d1-harness.ts. Store instances live as long
 * as the isolate, like a real Worker's, so cached state (the audit chain head) is exercised.
 */
import { NexoraError } from '../core/index.ts'
import { applyD1Migrations, openD1, type D1Database } from '../plugins/storage-d1/index.ts'
import {
  sqlAdverseEventStore,
  sqlAuditSink,
  sqlFeatureStore,
  sqlModelStore,
  sqlPredictionLog,
  sqlRateLimitStore,
  type SqlExecutor,
} from '../plugins/sql-stores/index.ts'
import { decode, encode, type RpcCall, type StorePort } from './d1-rpc-codec.ts'

type Methods = Record<string, (...args: unknown[]) => Promise<unknown>>
const FACTORIES: Record<StorePort, (db: SqlExecutor) => object> = {
  modelStore: sqlModelStore,
  auditSink: sqlAuditSink,
  predictionLog: sqlPredictionLog,
  adverseEventStore: sqlAdverseEventStore,
  rateLimitStore: sqlRateLimitStore,
  featureStore: sqlFeatureStore,
}
const instances = new Map<string, Methods>()

async function dispatch(call: RpcCall, binding: D1Database): Promise<unknown> {
  switch (call.op) {
    case 'migrate':
      return applyD1Migrations(binding)
    case 'sql':
      return (
        await binding
          .prepare(call.sql)
          .bind(...(call.params ?? []))
          .all()
      ).results
    case 'insertRows':
      return openD1(binding).insertRows(call.table, call.columns, call.rows)
    case 'call': {
      const key = `${call.db}/${call.port}/${call.instance ?? ''}`
      let store = instances.get(key)
      if (!store) instances.set(key, (store = FACTORIES[call.port](openD1(binding)) as Methods))
      const method = store[call.method]
      if (typeof method !== 'function') throw new Error(`${call.port} has no method ${call.method}`)
      return method(...call.args)
    }
  }
}

export default {
  async fetch(request: Request, env: Record<string, D1Database>): Promise<Response> {
    const call = decode(await request.text()) as RpcCall
    try {
      const binding = env[call.db]
      if (!binding) throw new Error(`no D1 binding ${call.db}`)
      return new Response(encode({ value: await dispatch(call, binding) }))
    } catch (error) {
      const e = error as Error
      return new Response(encode({ error: { message: String(e?.message ?? e), ...(e instanceof NexoraError ? { code: e.code, detail: e.detail } : {}) } }))
    }
  },
}
