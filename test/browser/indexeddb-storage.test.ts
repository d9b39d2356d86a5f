import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NexoraError, type AuditSink, type ModelStore } from '../../core/index.ts'
import { launchChromium, staticServer } from '../../testkit/chromium.ts'
import { auditSinkConformance } from '../../testing/audit-sink.suite.ts'
import { modelStoreConformance } from '../../testing/model-store.suite.ts'
import { decode, encode } from '../../testkit/wire.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-idb-'))
let page: Page
let second: Page
let teardown: () => Promise<void>

beforeAll(async () => {
  await build({
    entryPoints: [new URL('../../testkit/idb-harness.ts', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(dir, 'harness.js'),
    logLevel: 'error',
  })
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/harness.js"></script>')
  const server = await staticServer({ '/': dir })
  const browser = await launchChromium({ webgpu: false })
  page = await browser.page()
  await page.goto(`${server.url}/`)
  await page.waitForFunction(() => 'harness' in globalThis)
  second = await browser.context.newPage()
  await second.goto(`${server.url}/`)
  await second.waitForFunction(() => 'harness' in globalThis)
  teardown = async () => {
    await browser.close()
    await server.close()
  }
}, 60_000)
afterAll(async () => {
  await teardown?.()
  rmSync(dir, { recursive: true, force: true })
})

let n = 0
/** A port whose every method runs in the page against IndexedDB; errors come back with their code. */
async function remote<T>(kind: 'model' | 'audit'): Promise<{ store: T; name: string; close(): Promise<void> }> {
  const name = `db-${kind}-${n++}`
  await page.evaluate(([k, db]) => (globalThis as any).harness.open(k, db), [kind, name] as const)
  const store = new Proxy(
    {},
    {
      get:
        (_t, method: string) =>
        async (...args: unknown[]) => {
          const out = decode(await page.evaluate(([db, m, a]) => (globalThis as any).harness.call(db, m, a), [name, method, encode(args)] as const)) as {
            value?: unknown
            error?: { code?: string; message: string }
          }
          if (out.error) throw out.error.code ? new NexoraError(out.error.code as never, { detail: out.error.message }) : new Error(out.error.message)
          return out.value
        },
    },
  ) as T
  return { store, name, close: () => page.evaluate((db) => (globalThis as any).harness.close(db), name) }
}

modelStoreConformance('IndexedDB (Chromium)', () => remote<ModelStore>('model'))
auditSinkConformance('IndexedDB (Chromium)', async () => {
  const { store, name, close } = await remote<AuditSink>('audit')
  const tamper = (op: string, seq: number, actor?: string) =>
    page.evaluate(([db, o, s, a]) => (globalThis as any).harness.tamper(db, o, s, a), [name, op, seq, actor] as const)
  return {
    sink: store,
    close,
    tamper: {
      editActor: (seq, actor) => tamper('editActor', seq, actor),
      remove: (seq) => tamper('remove', seq),
      truncateFrom: (seq) => tamper('truncateFrom', seq),
    },
  }
})

describe('IndexedDB audit trail shared by two tabs', () => {
  it('stays one valid chain when two tabs append to the same database at once', async () => {
    const name = 'db-two-tabs'
    const event = (tab: number, i: number) => ({
      ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      actor: `tab-${tab}`,
      action: 'predict.request',
      outcome: 'success',
      context: { i },
    })
    for (const p of [page, second]) await p.evaluate((db) => (globalThis as any).harness.open('audit', db), name)
    const appendMany = (p: Page, tab: number) =>
      Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          p.evaluate(([db, a]) => (globalThis as any).harness.call(db, 'append', a), [name, encode([[event(tab, i), event(tab, i + 100)]])] as const),
        ),
      )
    const results = (await Promise.all([appendMany(page, 1), appendMany(second, 2)]))
      .flat()
      .map((r) => decode(r) as { value?: { seq: number }[]; error?: unknown })
    expect(results.filter((r) => r.error)).toEqual([])
    const seqs = results.flatMap((r) => r.value!.map((x) => x.seq)).sort((a, b) => a - b)
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
    const verified = decode(await second.evaluate(([db, a]) => (globalThis as any).harness.call(db, 'verify', a), [name, encode([])] as const)) as {
      value: unknown
    }
    expect(verified.value).toEqual({ ok: true, events: 60 })
    for (const p of [page, second]) await p.evaluate((db) => (globalThis as any).harness.close(db), name)
  })
})
