/**
 * The audit sinks fed arbitrary events straight, with no front door in the way: whatever strings
 * a caller builds (lone surrogates, NUL, every plane), every batch verifies, every stored row
 * re-hashes to its hash, and well-formed text comes back exactly. Memory, a libSQL file and a
 * real PostgreSQL server. The front doors are fuzzed in unicode-fuzz.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuditEventInput, type AuditSink, hashEvent, memoryAuditSink } from '../../core/index.ts'
import { storableText } from '../../core/audit/storable.ts'
import { openSql } from '../../plugins/storage-sql/index.ts'
import { sqlAuditSink } from '../../plugins/sql-stores/index.ts'
import { type PostgresServer, startPostgres } from '../../testkit/postgres.ts'
import { assertProperty, fuzzString, optional, orFuzz, stringsIn } from '../../testkit/unicode-fuzz.ts'

/** A context as callers build them, and worse: any keys, nesting, NaN and infinities, undefined members, bigints. */
const { context } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fuzzString,
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fuzzString, tie('value'), { maxKeys: 3 }),
  ),
  context: fc.dictionary(fuzzString, tie('value'), { maxKeys: 4 }),
}))
const nullable = (arb: fc.Arbitrary<string>) => fc.option(arb, { nil: null })
const eventInput: fc.Arbitrary<AuditEventInput> = fc.record(
  {
    ts: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fuzzString,
    ),
    actor: fuzzString,
    action: orFuzz('predict.request', 'access'),
    outcome: fc.constantFrom('success', 'failure', 'denied'),
    patientRef: nullable(fuzzString),
    model: nullable(fuzzString),
    version: nullable(fuzzString),
    reason: nullable(fuzzString),
    requestId: nullable(fuzzString),
    ip: nullable(fuzzString),
    context: optional(context as fc.Arbitrary<Record<string, unknown>>),
  },
  { requiredKeys: ['ts', 'actor', 'action', 'outcome'] },
)

/**
 * The property: every batch appended verifies, every event read back re-hashes to its stored
 * hash, and a string that was well-formed and NUL-free comes back exactly as given.
 */
async function appendAndReread(sink: AuditSink, numRuns: number) {
  let after = 0
  await assertProperty(
    fc.asyncProperty(fc.array(eventInput, { minLength: 1, maxLength: 4 }), async (batch) => {
      const receipts = await sink.append(batch)
      expect(await sink.verify()).toMatchObject({ ok: true })
      const { events } = await sink.query({}, { limit: 100, afterSeq: after })
      expect(events.map((e) => e.hash)).toEqual(receipts.map((r) => r.hash))
      for (const [i, event] of events.entries()) {
        expect(await hashEvent(event, event.seq, event.prevHash), `seq ${event.seq}`).toBe(event.hash)
        expect(event.actor).toBe(storableText(batch[i]!.actor))
        for (const text of stringsIn(event)) expect(text.isWellFormed() && !text.includes('\u0000'), JSON.stringify(text)).toBe(true)
      }
      after = receipts.at(-1)!.seq
    }),
    numRuns,
  )
}

describe('the audit sinks, fed arbitrary events straight (no front door in the way)', () => {
  it('memory sink', { timeout: 60_000 }, () => appendAndReread(memoryAuditSink(), 150))

  it('libSQL file', { timeout: 60_000 }, async () => {
    const sinkDir = mkdtempSync(join(tmpdir(), 'nexora-unicode-sink-'))
    const db = await openSql(`file:${join(sinkDir, 'audit.db')}`, 'normal')
    try {
      await appendAndReread(sqlAuditSink(db), 150)
    } finally {
      await db.close()
      rmSync(sinkDir, { recursive: true, force: true })
    }
  })

  describe('PostgreSQL', () => {
    let pg: PostgresServer
    beforeAll(async () => {
      pg = await startPostgres()
    }, 60_000)
    afterAll(async () => {
      await pg?.stop()
    })

    it('a real server (NUL in text is refused there, a lone surrogate is not valid UTF-8)', { timeout: 60_000 }, async () => {
      const db = await openSql(await pg.createDatabase())
      try {
        await appendAndReread(sqlAuditSink(db), 100)
      } finally {
        await db.close()
      }
    })
  })
})
