import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { memoryAuditSink, memoryModelStore } from '../../core/index.ts'
import { openLibsql, sqlAuditSink, sqlModelStore } from '../../plugins/storage-sql/index.ts'
import { auditSinkConformance } from '../conformance/audit-sink.suite.ts'
import { modelStoreConformance } from '../conformance/model-store.suite.ts'

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

auditSinkConformance('memory', async () => {
  const sink = memoryAuditSink()
  return {
    sink,
    tamper: {
      editActor: async (seq, actor) => { sink.events.find((e) => e.seq === seq)!.actor = actor },
      remove: async (seq) => { sink.events.splice(sink.events.findIndex((e) => e.seq === seq), 1) },
      truncateFrom: async (seq) => { sink.events.splice(sink.events.findIndex((e) => e.seq === seq)) },
    },
    close: async () => {},
  }
})
for (const [label, url] of [['libSQL :memory:', () => ':memory:'], ['libSQL file', fileUrl]] as const) {
  auditSinkConformance(label, async () => {
    const c = await openLibsql(url(), 'full')
    return {
      sink: sqlAuditSink(c),
      tamper: {
        editActor: async (seq, actor) => { await c.db.run(`update audit_events set actor = '${actor}' where seq = ${seq}`) },
        remove: async (seq) => { await c.db.run(`delete from audit_events where seq = ${seq}`) },
        truncateFrom: async (seq) => { await c.db.run(`delete from audit_events where seq >= ${seq}`) },
      },
      close: () => c.close(),
    }
  })
}
