import { describe, expect, it } from 'vitest'
import { createAuditWriter, memoryAuditSink, sealEvents, verifyChain, EMPTY_HEAD, type AuditEventInput, type AuditSink } from '../../core/index.ts'
import { auditEvent } from '../../testing/audit-sink.suite.ts'

describe('hash chain', () => {
  it('detects reordered and inserted rows', async () => {
    const events = await sealEvents(
      EMPTY_HEAD,
      Array.from({ length: 6 }, (_, i) => auditEvent(i)),
    )
    expect(await verifyChain(events)).toEqual({ ok: true, events: 6 })
    const swapped = [...events]
    ;[swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!]
    expect(await verifyChain(swapped)).toMatchObject({ ok: false, firstBadSeq: 3 })
    // An inserted row re-sealed to look valid on its own still breaks the next link.
    const [forged] = await sealEvents({ seq: events[2]!.seq, hash: events[2]!.hash }, [auditEvent(99, { actor: 'mallory' })])
    const inserted = [...events.slice(0, 3), forged!, ...events.slice(3).map((e) => ({ ...e, seq: e.seq + 1 }))]
    expect(await verifyChain(inserted)).toMatchObject({ ok: false, firstBadSeq: 5 })
  })

  it('is deterministic and sensitive to every field, context included', async () => {
    const [a] = await sealEvents(EMPTY_HEAD, [auditEvent(1)])
    const [b] = await sealEvents(EMPTY_HEAD, [auditEvent(1)])
    const [c] = await sealEvents(EMPTY_HEAD, [auditEvent(1, { context: { rows: 2, nested: { list: [1, 'two', null] } } })])
    expect(a!.hash).toBe(b!.hash)
    expect(c!.hash).not.toBe(a!.hash)
    expect(a!.hash).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('group commit', () => {
  it('shares one append among concurrent writers and keeps each writer its own receipts', async () => {
    const sink = memoryAuditSink()
    const batches: number[] = []
    const counting: AuditSink = {
      ...sink,
      append: (events) => {
        batches.push(events.length)
        return sink.append(events)
      },
    }
    const writer = createAuditWriter(counting)
    const receipts = await Promise.all(Array.from({ length: 50 }, (_, i) => writer.write([auditEvent(i)])))
    expect(receipts.map((r) => r[0]!.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    expect(batches.length).toBeLessThan(5)
    expect(batches.reduce((s, n) => s + n, 0)).toBe(50)
    expect(await sink.verify()).toEqual({ ok: true, events: 50 })
  })

  it('rejects every writer of a failed batch with audit.write_failed and recovers afterwards', async () => {
    const sink = memoryAuditSink()
    let fail = true
    const flaky: AuditSink = { ...sink, append: (events: AuditEventInput[]) => (fail ? Promise.reject(new Error('disk')) : sink.append(events)) }
    const writer = createAuditWriter(flaky)
    const results = await Promise.allSettled([writer.write([auditEvent(1)]), writer.write([auditEvent(2)])])
    expect(results.every((r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'audit.write_failed')).toBe(true)
    fail = false
    expect((await writer.write([auditEvent(3)]))[0]!.seq).toBe(1)
  })
})
