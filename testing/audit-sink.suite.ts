import { describe, expect, it } from 'vitest'
import type { AuditEventInput, AuditSink } from '../core/index.ts'

export const auditEvent = (i: number, over: Partial<AuditEventInput> = {}): AuditEventInput => ({
  ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  actor: `user-${i % 3}`,
  action: i % 2 ? 'predict.response' : 'predict.request',
  outcome: i % 5 === 4 ? 'failure' : 'success',
  patientRef: `Patient/${i % 4}`,
  model: 'risk',
  version: '1.0.0',
  requestId: `req-${Math.floor(i / 2)}`,
  ip: '127.0.0.1',
  context: { rows: i, nested: { list: [1, 'two', null] } },
  ...over,
})

export interface AuditHarness {
  sink: AuditSink
  /** Run raw SQL (or a memory mutation) to tamper with stored events. */
  tamper?: { editActor(seq: number, actor: string): Promise<void>; remove(seq: number): Promise<void>; truncateFrom(seq: number): Promise<void> }
  close(): Promise<void>
}

/** The AuditSink contract, run against every implementation. */
export function auditSinkConformance(label: string, open: () => Promise<AuditHarness>) {
  describe(`AuditSink conformance: ${label}`, () => {
    it('appends a batch with consecutive sequence numbers and a valid chain', async () => {
      const { sink, close } = await open()
      const first = await sink.append([auditEvent(0), auditEvent(1)])
      const second = await sink.append([auditEvent(2)])
      expect([...first, ...second].map((r) => r.seq)).toEqual([1, 2, 3])
      expect(new Set([...first, ...second].map((r) => r.hash)).size).toBe(3)
      expect(await sink.verify()).toEqual({ ok: true, events: 3 })
      expect(await sink.append([])).toEqual([])
      await close()
    })

    it('returns events exactly as appended, with their hashes', async () => {
      const { sink, close } = await open()
      const [receipt] = await sink.append([auditEvent(7, { patientRef: null, reason: 'features.missing' })])
      const { events } = await sink.query({}, { limit: 10 })
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({ ...auditEvent(7, { patientRef: null, reason: 'features.missing' }), seq: 1, hash: receipt!.hash })
      await close()
    })

    it('stores exactly what it hashed, whatever the strings hold (lone surrogates, NUL, every plane)', async () => {
      const { sink, close } = await open()
      // What a request can put into an event: a lone surrogate is hashed as one UTF-16 unit but
      // stored by UTF-8 engines as U+FFFD, and PostgreSQL refuses NUL in text outright.
      const odd = ['\ud800', 'a\udc00b', '\udbff\ud800', 'nul\u0000here', '\u{10FFFF}\u{1F600}\u{E0001}', '\uFFFE\uFEFF']
      const events = odd.map((text, i) =>
        auditEvent(i, {
          actor: text,
          patientRef: `Patient/${text}`,
          model: text,
          version: text,
          reason: text,
          requestId: text,
          ip: text,
          context: { [text]: text, list: [text] },
        }),
      )
      const receipts = await sink.append(events)
      expect(await sink.verify()).toEqual({ ok: true, events: odd.length })
      const { events: stored } = await sink.query({}, { limit: 10 })
      // The stored row is the hashed form: re-reading it gives the receipt's hash, and nothing is ill-formed.
      expect(stored.map((e) => e.hash)).toEqual(receipts.map((r) => r.hash))
      for (const event of stored) {
        for (const text of [
          event.actor,
          event.patientRef,
          event.model,
          event.version,
          event.reason,
          event.requestId,
          event.ip,
          JSON.stringify(event.context),
        ]) {
          expect(text!.isWellFormed()).toBe(true)
          expect(text).not.toContain('\u0000')
        }
      }
      // Well-formed text outside the BMP is kept as it was, not replaced.
      expect(stored[4]!.actor).toBe('\u{10FFFF}\u{1F600}\u{E0001}')
      expect(stored[0]!.actor).toBe('\uFFFD')
      expect(await sink.query({ actor: '\uFFFD' }, { limit: 10 })).toMatchObject({ events: [{ seq: 1 }] })
      await close()
    })

    it('filters by actor, patient, action, outcome, request and time, and pages by seq', async () => {
      const { sink, close } = await open()
      await sink.append(Array.from({ length: 40 }, (_, i) => auditEvent(i)))
      const byActor = await sink.query({ actor: 'user-1' }, { limit: 100 })
      expect(byActor.events.map((e) => e.seq)).toEqual(
        Array.from({ length: 40 }, (_, i) => i)
          .filter((i) => i % 3 === 1)
          .map((i) => i + 1),
      )
      expect((await sink.query({ patientRef: 'Patient/2', outcome: 'failure' }, { limit: 100 })).events.map((e) => e.seq)).toEqual([15, 35])
      expect((await sink.query({ requestId: 'req-3' }, { limit: 100 })).events).toHaveLength(2)
      const window = await sink.query({ from: auditEvent(10).ts, to: auditEvent(20).ts, action: 'predict.request' }, { limit: 100 })
      expect(window.events.map((e) => e.seq)).toEqual([11, 13, 15, 17, 19])
      const page1 = await sink.query({}, { limit: 15 })
      expect(page1.events).toHaveLength(15)
      const page2 = await sink.query({}, { limit: 15, afterSeq: page1.nextAfterSeq })
      const page3 = await sink.query({}, { limit: 15, afterSeq: page2.nextAfterSeq })
      expect(page3.events.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 31 + i))
      expect(page3.nextAfterSeq).toBeUndefined()
      await close()
    })

    it('detects an edited field and a deleted row', async () => {
      const harness = await open()
      if (!harness.tamper) return harness.close()
      await harness.sink.append(Array.from({ length: 10 }, (_, i) => auditEvent(i)))
      await harness.tamper.editActor(4, 'mallory')
      expect(await harness.sink.verify()).toMatchObject({ ok: false, firstBadSeq: 4 })
      await harness.tamper.editActor(4, auditEvent(3).actor)
      expect(await harness.sink.verify()).toMatchObject({ ok: true, events: 10 })
      await harness.tamper.remove(7)
      expect(await harness.sink.verify()).toMatchObject({ ok: false, firstBadSeq: 7 })
      expect(await harness.sink.verify({ fromSeq: 1, toSeq: 6 })).toMatchObject({ ok: true, events: 6 })
      await harness.close()
    })

    it('detects a truncated or rewritten tail against the latest checkpoint', async () => {
      const harness = await open()
      if (!harness.tamper) return harness.close()
      const { sink, tamper } = harness
      expect(await sink.checkpoint('2026-01-01T00:00:00.000Z')).toBeUndefined()
      await sink.append(Array.from({ length: 10 }, (_, i) => auditEvent(i)))
      const checkpoint = await sink.checkpoint('2026-01-02T00:00:00.000Z')
      expect(checkpoint).toMatchObject({ seq: 10, hash: expect.stringMatching(/^[0-9a-f]{64}$/) })
      expect(await sink.verify()).toMatchObject({ ok: true, events: 10, checkpoint })
      await tamper.truncateFrom(9)
      // The remaining chain is internally valid; only the checkpoint reveals the cut.
      expect(await sink.verify({ fromSeq: 1, toSeq: 100 })).toMatchObject({ ok: true, events: 8 })
      expect(await sink.verify()).toMatchObject({ ok: false, reason: 'truncated', firstBadSeq: 9 })
      await harness.close()
    })

    it('keeps one unbroken chain under concurrent appends', async () => {
      const { sink, close } = await open()
      await Promise.all(Array.from({ length: 20 }, (_, i) => sink.append([auditEvent(i * 2), auditEvent(i * 2 + 1)])))
      expect(await sink.verify()).toEqual({ ok: true, events: 40 })
      await close()
    })
  })
}
