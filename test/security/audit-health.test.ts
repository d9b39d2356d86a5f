import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createNexora, definePlugin, memoryModelStore } from '../../core/index.ts'
import { sqlAuditSink } from '../../plugins/sql-stores/index.ts'
import { openLibsql } from '../../plugins/storage-sql/libsql.ts'
import { toyFiles, toyManifest, toyPlugin } from '../../testkit/models.ts'
import { post } from '../../testkit/nexora.ts'
import { tinyDisk } from '../../testkit/tiny-disk.ts'

const disk = tinyDisk()
afterAll(() => disk?.close())

describe('readiness when the audit disk is full', () => {
  it.skipIf(!disk)('answers 503 on /health and /health/ready while audit writes fail, keeps /health/live up, and recovers by itself', async () => {
    const db = await openLibsql(`file:${join(disk!.dir, 'full.db')}`, 'full')
    const nexora = await createNexora({
      plugins: [
        definePlugin({ name: 'store', provides: 'modelStore', setup: () => memoryModelStore() }),
        definePlugin({ name: 'audit', provides: 'auditSink', setup: () => sqlAuditSink(db) }),
        definePlugin({ name: 'toy', provides: 'model', setup: () => toyPlugin() }),
      ],
      config: { rateLimits: false },
    })
    await nexora.registry.register(toyManifest('1.0.0'), toyFiles())
    await nexora.registry.promote('toy', '1.0.0', 'production')
    const predict = () => nexora.app.request('/predict', post('/predict', { model: 'toy', rows: [{ patientId: 'Patient/1', features: { age: 50 } }] }))
    expect((await predict()).status).toBe(200)
    expect((await nexora.app.request('/health/ready')).status).toBe(200)

    // A real full disk: every block of the file system taken, so no commit finds room, while a SELECT still works.
    disk!.fill()
    let failed: Response | undefined
    for (let i = 0; i < 2000 && !failed; i++) {
      const res = await predict()
      if (res.status !== 200) failed = res
    }
    expect(failed?.status).toBe(503)
    expect(((await failed!.json()) as { code: string }).code).toMatch(/^(audit\.write_failed|storage\.unavailable)$/)
    for (const path of ['/health', '/health/ready']) {
      const res = await nexora.app.request(path)
      expect(res.status, path).toBe(503)
      expect(await res.json()).toMatchObject({ status: 'down', ports: { auditSink: { ok: false, detail: 'audit writes are failing' } } })
    }
    expect((await nexora.app.request('/health/live')).status).toBe(200)

    // Room again: the next readiness check's probe commits, and the replica is ready without any prediction.
    disk!.free()
    expect((await nexora.app.request('/health/ready')).status).toBe(200)
    expect((await predict()).status).toBe(200)
    const { events } = await nexora.ports.get('auditSink').query({ action: 'audit.probe' }, { limit: 10 })
    expect(events.length).toBeGreaterThanOrEqual(1)
    expect(await nexora.audit.verify()).toMatchObject({ ok: true })
    await nexora.close()
    await db.close()
  })
})
