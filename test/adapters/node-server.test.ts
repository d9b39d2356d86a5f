import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveNode, type RunningNodeServer } from '../../adapters/node.ts'
import { importModels } from '../../bin/demo-models.ts'
import { openLibsql } from '../../plugins/storage-sql/index.ts'
import { sqlAuditSink } from '../../plugins/sql-stores/index.ts'

const features = { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true }
const dir = mkdtempSync(join(tmpdir(), 'nexora-node-'))
const db = `file:${join(dir, 'nexora.db')}`
let server: RunningNodeServer

beforeAll(async () => {
  server = await serveNode({
    port: 0,
    db,
    handleSignals: false,
    prepare: async (n) => {
      await importModels(n)
    },
    config: { title: 'test', rateLimits: { predict: { capacity: 1000, refillPerSecond: 1000 } } },
  })
})
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('Node adapter over real TCP', () => {
  it('serves health, docs and a prediction on a random port', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
    const docs = await fetch(`${server.url}/docs/assets/swagger-ui.css`)
    expect([docs.status, docs.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8'])
    const res = await fetch(`${server.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'readmission-risk', rows: [{ patientId: 'p-1', features }], explain: true }),
    })
    const body = await res.json()
    expect(res.status).toBe(200)
    expect(body.predictions[0].score).toBeGreaterThan(0.5)
    expect(body.predictions[0].explanation).toHaveLength(8)
  })

  it('records the client address from the socket in the audit trail', async () => {
    const res = await fetch(`${server.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'readmission-risk', rows: [{ features }] }),
    })
    expect(res.status).toBe(200)
    const { events } = await server.nexora.ports.get('auditSink').query({ requestId: res.headers.get('x-request-id')! }, { limit: 10 })
    expect(events.map((e) => e.ip)).toEqual(['127.0.0.1', '127.0.0.1'])
  })

  it('commits both audit events of every concurrent prediction that got a 200', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(`${server.url}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'readmission-risk', rows: [{ patientId: `p-${i}`, features: { ...features, age: 30 + (i % 60) } }] }),
        }),
      ),
    )
    expect(responses.every((r) => r.status === 200)).toBe(true)
    // The server's own request ids key the audit events; all 200 are distinct.
    const ids = responses.map((r) => r.headers.get('x-request-id')!)
    expect(new Set(ids).size).toBe(200)
    // Read through a separate connection to the same file: what is there is what was committed.
    const reader = await openLibsql(db, 'normal')
    try {
      const sink = sqlAuditSink(reader)
      const { events } = await sink.query({ action: undefined }, { limit: 10_000 })
      for (const id of ids) {
        expect(
          events
            .filter((e) => e.requestId === id)
            .map((e) => e.action)
            .sort(),
          id,
        ).toEqual(['predict.request', 'predict.response'])
      }
      expect(await sink.verify()).toMatchObject({ ok: true })
    } finally {
      await reader.close()
    }
  })

  it('answers an oversized or malformed request head with a problem+json, not an empty 431 or 400', async () => {
    const raw = async (head: string) => {
      const { port } = new URL(server.url)
      const socket = connect(Number(port), '127.0.0.1')
      socket.write(head)
      let text = ''
      for await (const chunk of socket) text += chunk
      return {
        status: Number(text.split(' ')[1]),
        type: /content-type: ([^\r]+)/i.exec(text)?.[1],
        body: JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { code: string },
      }
    }
    const big = await raw(`GET /health HTTP/1.1\r\nHost: localhost\r\nx-junk: ${'j'.repeat(20_000)}\r\n\r\n`)
    expect(big).toMatchObject({ status: 431, type: 'application/problem+json', body: { code: 'request.headers_too_large' } })
    const bad = await raw('GET /health HTTP/1.1\r\nHost: localhost\r\nbad header line\r\n\r\n')
    expect(bad).toMatchObject({ status: 400, type: 'application/problem+json', body: { code: 'request.invalid' } })
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200)
  })
})
