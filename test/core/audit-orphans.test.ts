/**
 * Both audit events of a prediction, or neither: when the `predict.request` event fails to commit
 * (the database went away) and the database is back by the time the response is ready, no
 * `predict.response` event, success or failure, may land alone.
 */
import { describe, expect, it } from 'vitest'
import { createAuditWriter, definePlugin, memoryAuditSink, NexoraError, type AuditEventInput, type AuditSink, type ComplianceStage } from '../../core/index.ts'
import { toyNexora } from '../../testkit/nexora.ts'
import { auditEvent } from '../../testing/audit-sink.suite.ts'

const caller = { subject: 'ehr-app', scopes: ['nexora/predict'], roles: [], via: 'in-process' as const }

/** A memory sink whose next `failures` appends reject (the database is down), then recover; `failed` resolves after the last failure. */
function flakySink(failures: number) {
  const sink = memoryAuditSink()
  const appends: number[] = []
  let left = failures
  let signal!: () => void
  const failed = new Promise<void>((resolve) => {
    signal = resolve
  })
  const flaky: AuditSink = {
    ...sink,
    append: (events: AuditEventInput[]) => {
      appends.push(events.length)
      if (left === 0) return sink.append(events)
      left -= 1
      if (left === 0) setTimeout(signal, 0)
      return Promise.reject(new NexoraError('storage.unavailable'))
    },
  }
  return { sink, flaky, appends, failed }
}

/** A 'pre' stage that holds the pipeline until the request event's commit has failed, then passes or throws. */
const waitFor = (failed: Promise<void>, then: () => void = () => {}): ComplianceStage => ({
  name: 'after-outage',
  order: 'pre',
  async process(_ctx, rows) {
    await failed
    then()
    return rows
  },
})

async function nexoraOn(flaky: AuditSink, stage: ComplianceStage) {
  const { nexora } = await toyNexora({}, [stage], [definePlugin({ name: 'flaky-audit', provides: 'auditSink', priority: 10, setup: () => flaky })])
  return nexora
}

describe('orphan audit events', () => {
  it('commits no predict.response when the predict.request commit failed, even though the sink is back for the response', async () => {
    const { sink, flaky, failed } = flakySink(1)
    const nexora = await nexoraOn(flaky, waitFor(failed))
    await expect(nexora.predict({ model: 'toy', rows: [{ features: { age: 40 } }], requestId: 'orphan-ok' }, caller)).rejects.toMatchObject({
      code: 'audit.write_failed',
    })
    await nexora.close()
    expect(sink.events.filter((e) => e.requestId === 'orphan-ok').map((e) => e.action)).toEqual([])
  })

  it('commits no predict.response failure event when the predict.request commit failed and the pipeline failed too', async () => {
    const { sink, flaky, failed } = flakySink(1)
    const nexora = await nexoraOn(
      flaky,
      waitFor(failed, () => {
        throw new NexoraError('phi.detected')
      }),
    )
    await expect(nexora.predict({ model: 'toy', rows: [{ features: { age: 40 } }], requestId: 'orphan-fail' }, caller)).rejects.toMatchObject({
      code: 'audit.write_failed',
    })
    await nexora.close()
    expect(sink.events.filter((e) => e.requestId === 'orphan-fail').map((e) => e.action)).toEqual([])
  })

  it('still commits both events once the sink is back', async () => {
    const { sink, flaky, failed } = flakySink(1)
    const nexora = await nexoraOn(flaky, waitFor(Promise.resolve()))
    // The first prediction meets the outage; the next one, after it, gets both events.
    await nexora.predict({ model: 'toy', rows: [{ features: { age: 40 } }], requestId: 'during' }, caller).catch(() => undefined)
    await failed
    const result = await nexora.predict({ model: 'toy', rows: [{ features: { age: 40 } }], requestId: 'after' }, caller)
    await nexora.close()
    expect(sink.events.filter((e) => e.requestId === result.requestId).map((e) => e.action)).toEqual(['predict.request', 'predict.response'])
    expect(result.auditIds).toHaveLength(2)
    expect(await sink.verify()).toMatchObject({ ok: true })
  })
})

describe('group commit: write(events, { after })', () => {
  it('rejects a write whose prerequisite failed in an earlier batch, without committing it', async () => {
    const { sink, flaky, appends } = flakySink(1)
    const writer = createAuditWriter(flaky)
    const first = writer.write([auditEvent(1)])
    await expect(first).rejects.toMatchObject({ code: 'audit.write_failed' })
    // The sink is back, but the dependent write must not land, nor one that depends on it.
    const second = writer.write([auditEvent(2)], { after: first })
    const third = writer.write([auditEvent(3)], { after: second })
    await expect(second).rejects.toMatchObject({ code: 'audit.write_failed' })
    await expect(third).rejects.toMatchObject({ code: 'audit.write_failed' })
    expect(sink.events).toEqual([])
    expect(appends).toEqual([1])
    // An independent write commits.
    expect((await writer.write([auditEvent(4)]))[0]!.seq).toBe(1)
  })

  it('commits a write and its prerequisite in one append when they share a batch', async () => {
    const { sink, flaky, appends } = flakySink(0)
    const writer = createAuditWriter(flaky)
    const first = writer.write([auditEvent(1)])
    const second = writer.write([auditEvent(2)], { after: first })
    expect((await Promise.all([first, second])).map((r) => r[0]!.seq)).toEqual([1, 2])
    expect(appends).toEqual([2])
    expect(sink.events).toHaveLength(2)
  })

  it('fails a write and its prerequisite together when their shared batch fails', async () => {
    const { sink, flaky } = flakySink(1)
    const writer = createAuditWriter(flaky)
    const first = writer.write([auditEvent(1)])
    const second = writer.write([auditEvent(2)], { after: first })
    const results = await Promise.allSettled([first, second])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect(sink.events).toEqual([])
  })
})
