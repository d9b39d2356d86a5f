import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ADVERSE_EVENT_TEXTS, phiGuard } from '../../plugins/compliance/index.ts'
import { post } from '../../testkit/nexora.ts'
import { monitoredNexora, webhookReceiver } from '../../testkit/monitoring.ts'

const json = async (res: Response) => ({ status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, any> })
const patch = (body: unknown) => ({ method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const report = (over: Record<string, unknown> = {}) => ({
  type: 'missed-deterioration',
  severity: 'severe',
  description: 'Low score at discharge; readmitted with sepsis on day 4.',
  model: 'readmission-risk',
  version: '1.0.0',
  predictionId: 'req-1#0',
  patientRef: 'Patient/p-77',
  occurredAt: '2026-11-20T10:00:00Z',
  ...over,
})
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

async function setup(answers: number[] = [], extra: Parameters<typeof monitoredNexora>[2] = []) {
  const hook = await webhookReceiver(answers)
  const m = await monitoredNexora({ adverseEventHooks: [`${hook.url}/ae`], webhooks: { sleep: async () => {}, secret: 'hook-secret' } }, undefined, extra)
  cleanups.push(async () => {
    await m.nexora.close()
    await hook.close()
  })
  return { ...m, hook }
}

describe('adverse events', () => {
  it('records a report, alerts the hook without the text or the patient, and audits both', async () => {
    const { nexora, hook, flush } = await setup()
    const created = await json(await nexora.app.request('/adverse-events', post('', report())))
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ ...report(), status: 'reported', reporter: 'dev' })
    await flush()
    expect(hook.received).toHaveLength(1)
    const sent = hook.received[0]!
    expect(sent.body).toMatchObject({ kind: 'adverse-event', id: created.body.id, severity: 'severe', model: 'readmission-risk', predictionId: 'req-1#0' })
    expect(JSON.stringify(sent.body)).not.toMatch(/sepsis|p-77|Patient/)
    // The body is signed with the shared secret (HMAC-SHA-256, hex).
    const { createHmac } = await import('node:crypto')
    expect(sent.headers['x-nexora-signature']).toBe(`sha256=${createHmac('sha256', 'hook-secret').update(JSON.stringify(sent.body)).digest('hex')}`)
    const trail = await nexora.audit.queryLogs('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z')
    expect(trail.events.find((e) => e.action === 'adverse_event.create')).toMatchObject({
      patientRef: 'Patient/p-77',
      context: { id: created.body.id, severity: 'severe' },
    })
    expect(trail.events.find((e) => e.action === 'webhook.delivery')).toMatchObject({
      outcome: 'success',
      context: { kind: 'adverse-event', attempts: 1, status: 200 },
    })
  })

  it('retries a failing hook with back-off, and gives up at once on a 4xx refusal', async () => {
    const { nexora, hook, flush } = await setup([503, 502, 200, 400])
    await nexora.app.request('/adverse-events', post('', report({ severity: 'death' })))
    await flush()
    expect(hook.received).toHaveLength(3)
    await nexora.app.request('/adverse-events', post('', report({ severity: 'life-threatening' })))
    await flush()
    expect(hook.received).toHaveLength(4)
    const deliveries = (await nexora.audit.queryLogs('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z', { action: 'webhook.delivery' })).events
    expect(deliveries.map((e) => [e.outcome, e.context.attempts, e.context.status])).toEqual([
      ['success', 3, 200],
      ['failure', 1, 400],
    ])
  })

  it('does not alert below the alerting severity, and alerts when an update raises it', async () => {
    const { nexora, hook, flush } = await setup()
    const created = await json(await nexora.app.request('/adverse-events', post('', report({ severity: 'mild' }))))
    await flush()
    expect(hook.received).toHaveLength(0)
    const updated = await json(await nexora.app.request(`/adverse-events/${created.body.id}`, patch({ severity: 'severe', status: 'confirmed' })))
    expect(updated.body).toMatchObject({ severity: 'severe', status: 'confirmed', description: report().description })
    expect(updated.body.updatedAt >= created.body.updatedAt).toBe(true)
    await flush()
    expect(hook.received.map((r) => r.body.severity)).toEqual(['severe'])
  })

  it('lists with filters and pages, and reads one', async () => {
    const { nexora } = await setup()
    for (const severity of ['mild', 'moderate', 'severe'])
      await nexora.app.request('/adverse-events', post('', report({ severity, model: severity === 'mild' ? 'other' : 'readmission-risk' })))
    const all = await json(await nexora.app.request('/adverse-events'))
    expect(all.body.events.map((e: { severity: string }) => e.severity)).toEqual(['severe', 'moderate', 'mild'])
    expect(
      (await json(await nexora.app.request('/adverse-events?model=readmission-risk&limit=1&offset=1'))).body.events.map(
        (e: { severity: string }) => e.severity,
      ),
    ).toEqual(['moderate'])
    expect((await json(await nexora.app.request('/adverse-events?severity=mild'))).body.events).toHaveLength(1)
    expect((await json(await nexora.app.request('/adverse-events?patient=Patient/p-77'))).body.events).toHaveLength(3)
    const one = await json(await nexora.app.request(`/adverse-events/${all.body.events[0].id}`))
    expect(one.body).toEqual(all.body.events[0])
  })

  it('answers client mistakes with problem+json and stores nothing', async () => {
    const { nexora } = await setup()
    for (const body of [report({ severity: 'catastrophic' }), report({ description: '' }), report({ patientRef: 'John Smith' }), { type: 'x' }]) {
      const res = await json(await nexora.app.request('/adverse-events', post('', body)))
      expect(res.status).toBe(400)
      expect(res.type).toContain('application/problem+json')
    }
    expect((await json(await nexora.app.request('/adverse-events/nope'))).body.code).toBe('adverse_event.not_found')
    expect((await nexora.app.request('/adverse-events/nope', patch({ status: 'closed' }))).status).toBe(404)
    expect((await nexora.app.request('/adverse-events/nope', patch({}))).status).toBe(400)
    expect((await json(await nexora.app.request('/adverse-events'))).body.events).toEqual([])
  })

  it('passes the description through the phi-guard: rejected when the route says so, with counts only', async () => {
    const { nexora, hook } = await setup([], [phiGuard({ routes: { 'adverse-events': { texts: ADVERSE_EVENT_TEXTS, action: 'reject' } } })])
    const res = await json(await nexora.app.request('/adverse-events', post('', report({ description: 'Mr John Smith (SSN 123-45-6789) was readmitted.' }))))
    expect(res.status).toBe(422)
    expect(res.body.code).toBe('phi.detected')
    expect(JSON.stringify(res.body)).not.toMatch(/Smith|123-45/)
    expect((await json(await nexora.app.request('/adverse-events'))).body.events).toEqual([])
    expect(hook.received).toHaveLength(0)
  })
})

describe('FHIR R4 AdverseEvent export', () => {
  const examples = dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json'))
  const read = (file: string) => JSON.parse(readFileSync(join(examples, file), 'utf8'))
  const definition = read('StructureDefinition-AdverseEvent.json') as { snapshot: { element: { path: string; min: number }[] } }
  const codes = (name: string) => new Set((read(`CodeSystem-${name}.json`) as { concept: { code: string }[] }).concept.map((c) => c.code))

  it('uses only R4 elements, has every required one, and codes from the R4 code systems', async () => {
    const { nexora } = await setup()
    for (const severity of ['mild', 'severe', 'life-threatening', 'death']) {
      const created = await json(await nexora.app.request('/adverse-events', post('', report({ severity, description: 'Score <0.1 & "low" risk' }))))
      const res = await nexora.app.request(`/adverse-events/${created.body.id}/fhir`)
      expect(res.headers.get('content-type')).toContain('application/fhir+json')
      const resource = (await res.json()) as Record<string, any>
      const elements = new Set(definition.snapshot.element.map((e) => e.path.split('.')[1]).filter(Boolean))
      for (const key of Object.keys(resource).filter((k) => k !== 'resourceType')) expect(elements.has(key), key).toBe(true)
      for (const e of definition.snapshot.element.filter((x) => x.min > 0 && x.path.split('.').length === 2))
        expect(resource[e.path.split('.')[1]!], e.path).toBeDefined()
      expect(codes('adverse-event-severity').has(resource.severity.coding[0].code)).toBe(true)
      expect(codes('adverse-event-seriousness').has(resource.seriousness.coding[0].code)).toBe(true)
      expect(resource.seriousness.coding[0].code).toBe(severity === 'mild' ? 'Non-serious' : 'Serious')
      expect(resource.outcome?.coding[0].code).toBe(severity === 'death' ? 'fatal' : undefined)
      if (resource.outcome) expect(codes('adverse-event-outcome').has(resource.outcome.coding[0].code)).toBe(true)
      expect(resource).toMatchObject({
        resourceType: 'AdverseEvent',
        actuality: 'actual',
        subject: { reference: 'Patient/p-77' },
        date: '2026-11-20T10:00:00Z',
      })
      expect(resource.suspectEntity[0].instance.identifier).toEqual({ system: 'urn:nexora:model', value: 'readmission-risk@1.0.0' })
      expect(resource.text.div).toBe('<div xmlns="http://www.w3.org/1999/xhtml"><p>Score &lt;0.1 &amp; &quot;low&quot; risk</p></div>')
    }
  })
})
