import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { memoryAdverseEventStore, memoryAuditSink, memoryFeatureStore, memoryModelStore, memoryPredictionLog, memoryRateLimitStore } from '../../core/index.ts'
import { openLibsql } from '../../plugins/storage-sql/index.ts'
import { sqlAdverseEventStore, sqlAuditSink, sqlFeatureStore, sqlModelStore, sqlPredictionLog, sqlRateLimitStore } from '../../plugins/sql-stores/index.ts'
import { adverseEventStoreConformance, predictionLogConformance } from '../../testing/monitoring-stores.suite.ts'
import { rateLimitConformance } from '../../testing/rate-limit.suite.ts'
import { featureStoreConformance } from '../../testing/feature-store.suite.ts'
import { auditSinkConformance } from '../../testing/audit-sink.suite.ts'
import { modelStoreConformance } from '../../testing/model-store.suite.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const fileUrl = () => `file:${join(dir, `t${n++}.db`)}`

modelStoreConformance('memory', async () => ({ store: memoryModelStore(), close: async () => {} }))
modelStoreConformance('libSQL :memory:', async () => {
  const c = await openLibsql(':memory:', 'normal')
  return { store: sqlModelStore(c), close: () => c.close() }
})
modelStoreConformance('libSQL file', async () => {
  const c = await openLibsql(fileUrl(), 'full')
  return { store: sqlModelStore(c), close: () => c.close() }
})

featureStoreConformance('memory', async () => ({ store: memoryFeatureStore(), close: async () => {} }))
featureStoreConformance('libSQL file', async () => {
  const c = await openLibsql(fileUrl(), 'full')
  return { store: sqlFeatureStore(c), close: () => c.close() }
})
rateLimitConformance('memory', async () => ({ store: memoryRateLimitStore(), close: async () => {} }))
rateLimitConformance('libSQL file', async () => {
  const c = await openLibsql(fileUrl(), 'full')
  return { store: sqlRateLimitStore(c), close: () => c.close() }
})

predictionLogConformance('memory', async () => ({ log: memoryPredictionLog(), close: async () => {} }))
predictionLogConformance('libSQL file', async () => {
  const c = await openLibsql(fileUrl(), 'full')
  return { log: sqlPredictionLog(c), close: () => c.close() }
})
adverseEventStoreConformance('memory', async () => ({ store: memoryAdverseEventStore(), close: async () => {} }))
adverseEventStoreConformance('libSQL file', async () => {
  const c = await openLibsql(fileUrl(), 'full')
  return { store: sqlAdverseEventStore(c), close: () => c.close() }
})

auditSinkConformance('memory', async () => {
  const sink = memoryAuditSink()
  return {
    sink,
    tamper: {
      editActor: async (seq, actor) => {
        sink.events.find((e) => e.seq === seq)!.actor = actor
      },
      remove: async (seq) => {
        sink.events.splice(
          sink.events.findIndex((e) => e.seq === seq),
          1,
        )
      },
      truncateFrom: async (seq) => {
        sink.events.splice(sink.events.findIndex((e) => e.seq === seq))
      },
    },
    close: async () => {},
  }
})
for (const [label, url] of [
  ['libSQL :memory:', () => ':memory:'],
  ['libSQL file', fileUrl],
] as const) {
  auditSinkConformance(label, async () => {
    const c = await openLibsql(url(), 'full')
    return {
      sink: sqlAuditSink(c),
      tamper: {
        editActor: async (seq, actor) => {
          await c.db.run(`update audit_events set actor = '${actor}' where seq = ${seq}`)
        },
        remove: async (seq) => {
          await c.db.run(`delete from audit_events where seq = ${seq}`)
        },
        truncateFrom: async (seq) => {
          await c.db.run(`delete from audit_events where seq >= ${seq}`)
        },
      },
      close: () => c.close(),
    }
  })
}

describe('libSQL file with several writers', () => {
  it('stays one valid chain when two Nexora processes append to one file at once', { timeout: 60_000 }, async () => {
    const url = fileUrl()
    const script = new URL('../../testkit/audit-writer-process.ts', import.meta.url).pathname
    const run = (name: string) => promisify(execFile)(process.execPath, ['--import', 'tsx', script, url, name, '300'])
    await Promise.all([run('replica-a'), run('replica-b')])
    const db = await openLibsql(url, 'full')
    const sink = sqlAuditSink(db)
    expect(await sink.verify()).toEqual({ ok: true, events: 600 })
    await db.close()
  })
})
