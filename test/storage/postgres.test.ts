import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSql } from '../../plugins/storage-sql/index.ts'
import { sqlAdverseEventStore, sqlAuditSink, sqlFeatureStore, sqlModelStore, sqlPredictionLog, sqlRateLimitStore } from '../../plugins/sql-stores/index.ts'
import { adverseEventStoreConformance, predictionLogConformance } from '../../testing/monitoring-stores.suite.ts'
import { rateLimitConformance } from '../../testing/rate-limit.suite.ts'
import { featureStoreConformance } from '../../testing/feature-store.suite.ts'
import { auditEvent, auditSinkConformance } from '../../testing/audit-sink.suite.ts'
import { modelStoreConformance } from '../../testing/model-store.suite.ts'
import { startPostgres, type PostgresServer } from '../../testkit/postgres.ts'

let server: PostgresServer
beforeAll(async () => {
  server = await startPostgres()
}, 60_000)
afterAll(async () => {
  await server?.stop()
})

modelStoreConformance('PostgreSQL', async () => {
  const db = await openSql(await server.createDatabase())
  return { store: sqlModelStore(db), close: () => db.close() }
})

featureStoreConformance('PostgreSQL', async () => {
  const db = await openSql(await server.createDatabase())
  return { store: sqlFeatureStore(db), close: () => db.close() }
})

rateLimitConformance('PostgreSQL', async () => {
  const db = await openSql(await server.createDatabase())
  return { store: sqlRateLimitStore(db), close: () => db.close() }
})

predictionLogConformance('PostgreSQL', async () => {
  const db = await openSql(await server.createDatabase())
  return { log: sqlPredictionLog(db), close: () => db.close() }
})

adverseEventStoreConformance('PostgreSQL', async () => {
  const db = await openSql(await server.createDatabase())
  return { store: sqlAdverseEventStore(db), close: () => db.close() }
})

auditSinkConformance('PostgreSQL', async () => {
  const db = await openSql(await server.createDatabase())
  return {
    sink: sqlAuditSink(db),
    tamper: {
      editActor: async (seq, actor) => {
        await db.run(sql`UPDATE audit_events SET actor = ${actor} WHERE seq = ${seq}`)
      },
      remove: async (seq) => {
        await db.run(sql`DELETE FROM audit_events WHERE seq = ${seq}`)
      },
      truncateFrom: async (seq) => {
        await db.run(sql`DELETE FROM audit_events WHERE seq >= ${seq}`)
      },
    },
    close: () => db.close(),
  }
})

describe('PostgreSQL audit chain with several writers', () => {
  it('stays one valid chain when two Nexora processes append to one database at once', { timeout: 60_000 }, async () => {
    const url = await server.createDatabase()
    const script = new URL('../../testkit/audit-writer-process.ts', import.meta.url).pathname
    const run = (name: string) => promisify(execFile)(process.execPath, ['--import', 'tsx', script, url, name, '300'])
    await Promise.all([run('replica-a'), run('replica-b')])
    const db = await openSql(url)
    const sink = sqlAuditSink(db)
    expect(await sink.verify()).toEqual({ ok: true, events: 600 })
    const { events } = await sink.query({}, { limit: 1000 })
    expect(events.filter((e) => e.actor === 'replica-a')).toHaveLength(300)
    expect(events.filter((e) => e.actor === 'replica-b')).toHaveLength(300)
    await db.close()
  })

  it('stays one valid chain when two independent connections (as two processes) append concurrently', async () => {
    const url = await server.createDatabase()
    const [a, b] = [await openSql(url), await openSql(url)]
    const [sinkA, sinkB] = [sqlAuditSink(a), sqlAuditSink(b)]
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? sinkA : sinkB).append([auditEvent(2 * i), auditEvent(2 * i + 1)])))
    const result = await sinkA.verify()
    expect(result).toEqual({ ok: true, events: 60 })
    const seqs = (await sinkB.query({}, { limit: 100 })).events.map((e) => e.seq)
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
    await Promise.all([a.close(), b.close()])
  })
})
