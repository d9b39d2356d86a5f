import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { post } from '../../testkit/nexora.ts'
import { monitoredNexora, webhookReceiver } from '../../testkit/monitoring.ts'

const report = { type: 'missed-deterioration', severity: 'severe', description: 'x', patientRef: 'Patient/p-1', occurredAt: '2026-11-20T10:00:00Z' }

describe('webhook deliveries', () => {
  const elsewhere = webhookReceiver()
  afterAll(async () => (await elsewhere).close())

  it('never follow a redirect: the signed body goes to the configured URL only, and a 307 is a failed delivery', async () => {
    const other = await elsewhere
    const redirecting = createServer((req, res) => {
      req.resume()
      res.writeHead(307, { location: `${other.url}/stolen` }).end()
    })
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/ae`
    const { nexora, flush } = await monitoredNexora({ adverseEventHooks: [url], webhooks: { sleep: async () => {}, secret: 'hook-secret' } })
    expect((await nexora.app.request('/adverse-events', post('', report))).status).toBe(201)
    await flush()
    await nexora.close()
    redirecting.close()
    expect(other.received).toEqual([])
    const { events } = await nexora.ports.get('auditSink').query({ action: 'webhook.delivery' }, { limit: 10 })
    expect(events.map((e) => [e.outcome, e.context.status])).toEqual([['failure', 307]])
  })
})
