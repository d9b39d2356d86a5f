/**
 * The libSQL audit writer thread (plugins/storage-sql/threaded-append.ts): the chain it commits
 * from its own connection is the chain the request thread reads and verifies, every acknowledged
 * event is there, and a thread that cannot open the database fails its batches, never hangs them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type AuditEventInput, createNexora, ensureRegistered } from '../../core/index.ts'
import { readmissionRisk } from '../../models/readmission-risk/bundled.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'
import { sqlStorage } from '../../plugins/storage-sql/index.ts'
import { threadedAppend } from '../../plugins/storage-sql/threaded-append.ts'
import { DEMO_FEATURES } from '../conformance/runtime-server.suite.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-audit-thread-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const caller = { subject: 'clinician-7', scopes: ['nexora/predict'], roles: [], via: 'in-process' as const }

describe('the audit writer thread (storage.auditThread)', () => {
  it('commits both events of 200 concurrent predictions into one chain the request thread verifies, across a restart', async () => {
    const url = `file:${join(dir, 'threaded.db')}`
    const open = () => createNexora({ plugins: [sqlStorage({ url, auditThread: true }), linearModel()] })
    let nexora = await open()
    expect((await nexora.health()).ports.auditSink).toMatchObject({ ok: true, detail: 'appends committed by the audit writer thread' })
    await ensureRegistered(nexora.registry, readmissionRisk.manifest, readmissionRisk.files)
    const rows = (i: number) => [{ patientRef: `Patient/t-${i}`, features: DEMO_FEATURES }]
    await Promise.all(Array.from({ length: 200 }, (_, i) => nexora.predict({ model: 'readmission-risk', rows: rows(i) }, caller)))
    // 400 prediction events, and the model's registration and promotion before them.
    expect(await nexora.audit.verify()).toMatchObject({ ok: true, events: 402 })
    await nexora.close()

    // A new process (a new thread, a new connection) continues the same chain.
    nexora = await open()
    await nexora.predict({ model: 'readmission-risk', rows: rows(200) }, caller)
    const verified = await nexora.audit.verify()
    expect(verified).toMatchObject({ ok: true, events: 404 })
    const { events } = await nexora.audit.queryLogs('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z', { patientRef: 'Patient/t-200' })
    expect(events.map((e) => e.action).sort()).toEqual(['predict.request', 'predict.response'])
    await nexora.close()
  })

  it('fails the batches of a thread that cannot open its database, each time, without hanging', async () => {
    // A file where the folder should be: the thread's mkdir fails.
    writeFileSync(join(dir, 'not-a-folder'), 'a file, not a folder')
    const writer = threadedAppend(`file:${join(dir, 'not-a-folder', 'audit.db')}`, 'full')
    const event = { ts: new Date().toISOString(), actor: 'a', action: 'predict.request', outcome: 'success', context: {} } as AuditEventInput
    await expect(writer.append([event])).rejects.toThrow()
    await expect(writer.append([event])).rejects.toThrow()
    await writer.close()
  })
})
