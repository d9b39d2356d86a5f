/**
 * The storage conformance suites against Cloudflare D1, with the store code executing inside
 * workerd (Miniflare): each port here is a proxy that calls testkit/d1-rpc-worker.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SQLITE_MIGRATIONS } from '../../plugins/storage-d1/index.ts'
import { adverseEventStoreConformance, predictionLogConformance } from '../../testing/monitoring-stores.suite.ts'
import { rateLimitConformance } from '../../testing/rate-limit.suite.ts'
import { featureStoreConformance } from '../../testing/feature-store.suite.ts'
import { auditEvent, auditSinkConformance } from '../../testing/audit-sink.suite.ts'
import { modelStoreConformance } from '../../testing/model-store.suite.ts'
import { startD1Rpc, type D1Rpc } from '../../testkit/d1-harness.ts'

let rpc: D1Rpc
beforeAll(async () => {
  rpc = await startD1Rpc()
}, 60_000)
afterAll(async () => {
  await rpc?.close()
})
const done = async () => {}

modelStoreConformance('D1 in workerd', async () => ({ store: rpc.port(await rpc.freshDatabase(), 'modelStore'), close: done }))
rateLimitConformance('D1 in workerd', async () => ({ store: rpc.port(await rpc.freshDatabase(), 'rateLimitStore'), close: done }))
featureStoreConformance('D1 in workerd', async () => ({ store: rpc.port(await rpc.freshDatabase(), 'featureStore'), close: done }))
predictionLogConformance('D1 in workerd', async () => ({ log: rpc.port(await rpc.freshDatabase(), 'predictionLog'), close: done }))
adverseEventStoreConformance('D1 in workerd', async () => ({ store: rpc.port(await rpc.freshDatabase(), 'adverseEventStore'), close: done }))
auditSinkConformance('D1 in workerd', async () => {
  const db = await rpc.freshDatabase()
  return {
    sink: rpc.port(db, 'auditSink'),
    tamper: {
      editActor: async (seq, actor) => {
        await rpc.sql(db, 'UPDATE audit_events SET actor = ? WHERE seq = ?', [actor, seq])
      },
      remove: async (seq) => {
        await rpc.sql(db, 'DELETE FROM audit_events WHERE seq = ?', [seq])
      },
      truncateFrom: async (seq) => {
        await rpc.sql(db, 'DELETE FROM audit_events WHERE seq >= ?', [seq])
      },
    },
    close: done,
  }
})

describe('D1 specifics (in workerd)', () => {
  it('keeps one chain when two isolates append with stale heads: the duplicate seq fails the batch and it is re-sealed', async () => {
    const db = await rpc.freshDatabase()
    const a = rpc.port(db, 'auditSink', 'isolate-a')
    const b = rpc.port(db, 'auditSink', 'isolate-b')
    await a.append([auditEvent(0)])
    await b.append(Array.from({ length: 20 }, (_, i) => auditEvent(i + 1)))
    // a still believes the head is seq 1: its 30 events (5 statements) collide on seq 2 and must land whole at 22..51.
    const receipts = await a.append(Array.from({ length: 30 }, (_, i) => auditEvent(i + 21)))
    expect(receipts.map((r) => r.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 22))
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).append([auditEvent(60 + i)])))
    expect(await b.verify()).toEqual({ ok: true, events: 61 })
  })

  it('writes a multi-statement insert as one batch: a failure in a later statement leaves nothing', async () => {
    const db = await rpc.freshDatabase()
    const row = (id: string) => [id, '2026-01-01T00:00:00.000Z', 'm', '1', null, 'h', 0.5, null, null]
    const columns = ['id', 'ts', 'model', 'version', 'subject_key', 'features_hash', 'score', 'label', 'features']
    // 9 parameters a row: 11 rows a statement; the duplicate is row 20, in the second statement.
    const rows = [...Array.from({ length: 19 }, (_, i) => row(`p${i}`)), row('p0')]
    await expect(rpc.call({ db, op: 'insertRows', table: 'prediction_log', columns, rows })).rejects.toThrow(/constraint/i)
    expect(await rpc.sql(db, 'SELECT count(*) AS n FROM prediction_log')).toEqual([{ n: 0 }])
  })

  it("reads monitoring windows and subject sets larger than D1's 100 bound parameters", async () => {
    const log = rpc.port(await rpc.freshDatabase(), 'predictionLog')
    const ts = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString()
    await log.append(
      Array.from({ length: 300 }, (_, i) => ({
        id: `p${i}`,
        ts: ts(i),
        model: 'm',
        version: '1',
        subjectKey: `s${i}`,
        featuresHash: 'h',
        score: i / 300,
        label: null,
        features: null,
      })),
    )
    await log.addOutcomes([{ model: 'm', subjectKey: null, predictionId: 'p299', value: 1, observedAt: '2027-01-01T00:00:00.000Z', source: 'api' }])
    const window = await log.window({ model: 'm' }, 86_400_000)
    expect(window).toHaveLength(300)
    expect(window.at(-1)!.outcome).toBe(1)
    const keys = Array.from({ length: 400 }, (_, i) => `s${i}`)
    expect((await log.knownSubjects('m', keys)).size).toBe(300)
  })

  it('applies the committed migrations once, recorded in d1_migrations as wrangler records them', async () => {
    const db = await rpc.freshDatabase()
    const recorded = await rpc.sql(db, 'SELECT name FROM d1_migrations ORDER BY id')
    expect(recorded.map((r) => r.name)).toEqual(SQLITE_MIGRATIONS.map((m) => m.name))
    expect(await rpc.call({ db, op: 'migrate' })).toEqual([])
    const tables = await rpc.sql(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name")
    expect(tables.map((t) => t.name)).toEqual([
      'adverse_events',
      'audit_checkpoints',
      'audit_events',
      'd1_migrations',
      'feature_values',
      'model_aliases',
      'model_files',
      'model_lifecycle',
      'model_versions',
      'population_jobs',
      'population_staging',
      'prediction_log',
      'prediction_outcomes',
      'rate_limits',
      'risk_scores',
    ])
  })
})
