/**
 * The storage boundary's one error mapping, against real drivers: a real PostgreSQL stopped,
 * restarted and with sessions terminated, and real libSQL files. An outage answers
 * `storage.unavailable` (503) from every SQL-backed port; a statement or data error stays itself.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NexoraError } from '../../core/index.ts'
import { openLibsql, openSql } from '../../plugins/storage-sql/index.ts'
import {
  isStorageUnavailable,
  sqlAdverseEventStore,
  sqlAuditSink,
  sqlModelStore,
  sqlPredictionLog,
  sqlRateLimitStore,
  toStorageError,
} from '../../plugins/sql-stores/index.ts'
import { sqlHealth } from '../../plugins/sql-stores/index.ts'
import { startPostgres, type PostgresServer } from '../../testkit/postgres.ts'
import { auditEvent } from '../../testing/audit-sink.suite.ts'
import { toyFiles, toyManifest } from '../../testkit/models.ts'

let server: PostgresServer
const dir = mkdtempSync(join(tmpdir(), 'nexora-unavailable-'))
beforeAll(async () => {
  server = await startPostgres()
}, 60_000)
afterAll(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const rejection = (work: Promise<unknown>) =>
  work.then(
    () => 'resolved',
    (e: unknown) => e,
  )
const RULE = { capacity: 10, refillPerSecond: 1 }
const LOGGED = {
  id: 'p-1',
  ts: '2026-01-01T00:00:00.000Z',
  model: 'toy',
  version: '1.0.0',
  subjectKey: 'k',
  featuresHash: 'h',
  score: 0.5,
  label: null,
  features: null,
}
const ADVERSE = {
  id: 'ae-1',
  type: 'bleeding',
  severity: 'mild' as const,
  description: 'synthetic',
  status: 'reported' as const,
  occurredAt: '2026-01-01T00:00:00.000Z',
  predictionId: null,
  model: null,
  version: null,
  patientRef: null,
  reporter: 'tester',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
}

describe('isStorageUnavailable on real driver errors', () => {
  it('counts a refused connection, a terminated session and a dropped connection; not a syntax error or a duplicate key', async () => {
    const url = await server.createDatabase()
    const client = new pg.Client({ connectionString: url })
    client.on('error', () => {})
    await client.connect()
    await client.query('CREATE TABLE t (id int PRIMARY KEY)')
    await client.query('INSERT INTO t VALUES (1)')
    const syntax = await rejection(client.query('SELEC 1'))
    const duplicate = await rejection(client.query('INSERT INTO t VALUES (1)'))
    const terminated = await rejection(client.query('SELECT pg_terminate_backend(pg_backend_pid())'))
    const dropped = await rejection(client.query('SELECT 1'))
    await client.end().catch(() => {})
    // A port nothing listens on: the server's own port while it is paused.
    await server.pause()
    const refused = await rejection(new pg.Client({ connectionString: url }).connect())
    await server.resume()

    expect([syntax, duplicate].map((e) => (e as { code: string }).code)).toEqual(['42601', '23505'])
    expect([syntax, duplicate].map(isStorageUnavailable)).toEqual([false, false])
    expect((terminated as { code: string }).code).toBe('57P01')
    expect([terminated, dropped, refused].map(isStorageUnavailable)).toEqual([true, true, true])
    // drizzle wraps the driver's error in `cause`; the mapping looks through it.
    expect(isStorageUnavailable(new Error('Failed query: SELECT 1', { cause: terminated }))).toBe(true)
    const mapped = toStorageError(new Error('Failed query: INSERT … params: Jane Doe', { cause: refused }))
    expect(mapped).toBeInstanceOf(NexoraError)
    expect(mapped).toMatchObject({ code: 'storage.unavailable', status: 503, headers: { 'Retry-After': '1' } })
    expect((mapped as NexoraError).detail).not.toMatch(/Jane|INSERT/)
    expect(toStorageError(duplicate)).toBe(duplicate)
  })

  it('counts libSQL and D1 outages by their codes and words', () => {
    expect(isStorageUnavailable(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))).toBe(true)
    expect(isStorageUnavailable(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR', extendedCode: 'SQLITE_IOERR_WRITE' }))).toBe(true)
    expect(isStorageUnavailable(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe(true)
    expect(isStorageUnavailable(new Error('D1_ERROR: Network connection lost.'))).toBe(true)
    expect(isStorageUnavailable(Object.assign(new Error('UNIQUE constraint failed: audit_events.seq'), { code: 'SQLITE_CONSTRAINT' }))).toBe(false)
    expect(isStorageUnavailable(new TypeError('Cannot read properties of undefined'))).toBe(false)
  })
})

describe('PostgreSQL outage at the storage boundary', () => {
  it('answers storage.unavailable from every SQL-backed port while the server is down, and serves again once it is back', { timeout: 60_000 }, async () => {
    const db = await openSql(await server.createDatabase())
    const models = sqlModelStore(db)
    const audit = sqlAuditSink(db)
    const limits = sqlRateLimitStore(db)
    const log = sqlPredictionLog(db)
    const adverse = sqlAdverseEventStore(db)
    const health = sqlHealth(db)
    await models.putVersion(toyManifest('1.0.0'), toyFiles(), '2026-01-01T00:00:00.000Z')
    await audit.append([auditEvent(1)])
    try {
      await server.pause()
      const attempts: Record<string, Promise<unknown>> = {
        'models.getVersion': models.getVersion('toy', '1.0.0'),
        'models.listVersions': models.listVersions('toy'),
        'models.getFiles': models.getFiles('toy', '1.0.0'),
        'models.putVersion': models.putVersion(toyManifest('1.0.1'), toyFiles(), '2026-01-01T00:00:00.000Z'),
        'models.setAlias': models.setAlias('toy', 'production', '1.0.0'),
        'audit.append': audit.append([auditEvent(2)]),
        'audit.query': audit.query({}, { limit: 10 }),
        'audit.verify': audit.verify(),
        'rateLimits.take': limits.take('principal', 1, RULE, Date.UTC(2026, 0, 1)),
        'predictionLog.append': log.append([LOGGED]),
        'predictionLog.window': log.window({ model: 'toy' }, 86_400_000),
        'adverseEvents.create': adverse.create(ADVERSE),
        'adverseEvents.list': adverse.list({}, { limit: 10, offset: 0 }),
      }
      const codes = Object.fromEntries(
        await Promise.all(Object.entries(attempts).map(async ([name, p]) => [name, ((await rejection(p)) as { code?: string }).code])),
      )
      expect(codes).toEqual(Object.fromEntries(Object.keys(attempts).map((name) => [name, 'storage.unavailable'])))
      expect(await health()).toEqual({ ok: false, detail: 'database unreachable' })
    } finally {
      await server.resume()
    }
    // Back: the same executor serves again, and the chain it kept is whole.
    expect(await health()).toEqual({ ok: true })
    expect((await models.getVersion('toy', '1.0.0'))?.version).toBe('1.0.0')
    expect((await audit.append([auditEvent(2)]))[0]!.seq).toBe(2)
    expect(await audit.verify()).toEqual({ ok: true, events: 2 })
    expect((await limits.take('principal', 1, RULE, Date.UTC(2026, 0, 1))).allowed).toBe(true)
    await db.close()
  })

  it('rolls back a transaction whose connection dies mid-way, answers storage.unavailable, never emits an unhandled error, and keeps the pool usable', {
    timeout: 60_000,
  }, async () => {
    const db = await openSql(await server.createDatabase())
    const audit = sqlAuditSink(db)
    const error = await rejection(
      db.withChainLock!(async (tx) => {
        await tx.insertRows('audit_checkpoints', ['seq', 'hash', 'ts'], [[1, 'a'.repeat(64), '2026-01-01T00:00:00.000Z']])
        // The session is terminated in the middle of the transaction, as pg_ctl restart or an operator would.
        await tx.all(sql`SELECT pg_terminate_backend(pg_backend_pid())`)
        await tx.all(sql`SELECT 1`)
      }),
    )
    expect(error).toMatchObject({ code: 'storage.unavailable', status: 503 })
    // Nothing of it was committed, and more transactions than the pool holds clients all succeed:
    // the dead client was destroyed, not pooled, and none leaked.
    expect(await db.all(sql`SELECT seq FROM audit_checkpoints`)).toEqual([])
    for (let i = 1; i <= 12; i++) expect((await audit.append([auditEvent(i)]))[0]!.seq).toBe(i)
    expect(await audit.verify()).toEqual({ ok: true, events: 12 })
    await db.close()
  })

  it('answers storage.unavailable while sessions are terminated and recovers on the next call', { timeout: 60_000 }, async () => {
    const url = await server.createDatabase()
    const db = await openSql(url)
    const audit = sqlAuditSink(db)
    await Promise.all(Array.from({ length: 8 }, (_, i) => audit.append([auditEvent(i)])))
    expect(await server.terminateSessions(url)).toBeGreaterThan(0)
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => audit.append([auditEvent(100 + i)])))
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'storage.unavailable' })
    expect((await audit.append([auditEvent(200)])).length).toBe(1)
    expect(await audit.verify()).toMatchObject({ ok: true })
    await db.close()
  })
})

describe('libSQL outage at the storage boundary', () => {
  it('answers storage.unavailable when another process holds the write lock past busy_timeout', async () => {
    const url = `file:${join(dir, 'locked.db')}`
    const holder = await openLibsql(url, 'normal')
    const writer = await openLibsql(url, 'normal')
    await writer.run(sql`PRAGMA busy_timeout = 50`)
    // BEGIN IMMEDIATE on the other connection: it holds the write lock until it ends.
    const lock = await holder.db.$client.transaction('write')
    try {
      const error = await rejection(sqlAuditSink(writer).append([auditEvent(1)]))
      expect(error).toMatchObject({ code: 'storage.unavailable', status: 503 })
    } finally {
      await lock.rollback()
    }
    expect((await sqlAuditSink(writer).append([auditEvent(1)]))[0]!.seq).toBe(1)
    await Promise.all([holder.close(), writer.close()])
  })

  it('answers storage.unavailable after the client closed (a request that outlives shutdown)', async () => {
    const db = await openLibsql(`file:${join(dir, 'closed.db')}`, 'normal')
    await db.close()
    expect(await rejection(sqlModelStore(db).listModels())).toMatchObject({ code: 'storage.unavailable' })
  })
})
