import { afterEach, describe, expect, it } from 'vitest'
import { ADVERSE_EVENT_TEXTS, phiGuard } from '../../plugins/compliance/index.ts'
import { post } from '../../testkit/nexora.ts'
import { monitoredNexora, webhookReceiver } from '../../testkit/monitoring.ts'

/** Issue 14: a severe report's webhook carried the reporter's free-text type verbatim. */
const PHI_TYPE = 'John Smith MRN 998877 fell'
const report = (over: Record<string, unknown> = {}) => ({
  type: 'missed-deterioration',
  severity: 'severe',
  description: 'Low score at discharge; readmitted on day 4.',
  model: 'readmission-risk',
  version: '1.0.0',
  predictionId: 'req-1#0',
  patientRef: 'Patient/p-77',
  occurredAt: '2026-11-20T11:00:00+01:00',
  ...over,
})
const patch = (body: unknown) => ({ method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

async function setup(extra: Parameters<typeof monitoredNexora>[2] = []) {
  const hook = await webhookReceiver()
  const m = await monitoredNexora({ adverseEventHooks: [`${hook.url}/ae`], webhooks: { sleep: async () => {} } }, undefined, extra)
  cleanups.push(async () => {
    await m.nexora.close()
    await hook.close()
  })
  return { ...m, hook }
}

describe('adverse-event webhooks carry codes only', () => {
  it('sends ids, codes and UTC times, never the type, the description or the patient, whatever the type says', async () => {
    const { nexora, hook, flush } = await setup()
    const created = await nexora.app.request('/adverse-events', post('', report({ type: PHI_TYPE })))
    expect(created.status).toBe(201)
    const id = ((await created.json()) as { id: string }).id
    await flush()
    expect(hook.received).toHaveLength(1)
    const body = hook.received[0]!.body
    expect(Object.keys(body).sort()).toEqual([
      'createdAt',
      'id',
      'kind',
      'model',
      'occurredAt',
      'predictionId',
      'sentAt',
      'severity',
      'status',
      'updatedAt',
      'version',
    ])
    expect(body).toMatchObject({
      kind: 'adverse-event',
      id,
      severity: 'severe',
      status: 'reported',
      model: 'readmission-risk',
      version: '1.0.0',
      predictionId: 'req-1#0',
      occurredAt: '2026-11-20T10:00:00.000Z',
    })
    expect(JSON.stringify(body)).not.toMatch(/John|Smith|998877|fell|readmitted|p-77|Patient/i)
  })

  it('sends the same codes-only body when an update raises a report to an alerting grade', async () => {
    const { nexora, hook, flush } = await setup()
    const { id } = (await (await nexora.app.request('/adverse-events', post('', report({ severity: 'mild' })))).json()) as { id: string }
    expect((await nexora.app.request(`/adverse-events/${id}`, patch({ severity: 'death', type: PHI_TYPE }))).status).toBe(200)
    await flush()
    expect(hook.received.map((r) => r.body.severity)).toEqual(['death'])
    expect(JSON.stringify(hook.received[0]!.body)).not.toMatch(/John|Smith|998877/)
  })

  it('takes only identifiers in the model, version and prediction id (they leave in webhooks and the audit trail)', async () => {
    const { nexora, hook, flush } = await setup()
    for (const over of [{ model: 'John Smith' }, { version: 'MRN 998877' }, { predictionId: 'John Smith fell' }]) {
      const res = await nexora.app.request('/adverse-events', post('', report(over)))
      expect(res.status).toBe(400)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(await res.text()).not.toMatch(/John|Smith|998877/)
    }
    const outcome = await nexora.app.request(
      '/monitoring/outcomes',
      post('', { outcomes: [{ model: 'readmission-risk', predictionId: 'John Smith', value: 1 }] }),
    )
    expect(outcome.status).toBe(400)
    await flush()
    expect(hook.received).toHaveLength(0)
    expect(((await (await nexora.app.request('/adverse-events')).json()) as { events: unknown[] }).events).toEqual([])
  })
})

describe('the PHI guard screens every free-text field of an adverse event', () => {
  it('refuses PHI in the type (not only the description) where the route says reject, on create and on update', async () => {
    const { nexora, hook, flush } = await setup([phiGuard({ routes: { 'adverse-events': { texts: ADVERSE_EVENT_TEXTS, action: 'reject' } } })])
    const res = await nexora.app.request('/adverse-events', post('', report({ type: PHI_TYPE })))
    expect(res.status).toBe(422)
    const body = (await res.json()) as { code: string; detail: string }
    expect(body.code).toBe('phi.detected')
    expect(body.detail).toMatch(/NAME×1/)
    expect(JSON.stringify(body)).not.toMatch(/John|Smith|998877/)
    const { id } = (await (await nexora.app.request('/adverse-events', post('', report({ severity: 'mild' })))).json()) as { id: string }
    expect((await nexora.app.request(`/adverse-events/${id}`, patch({ type: PHI_TYPE }))).status).toBe(422)
    const stored = ((await (await nexora.app.request('/adverse-events')).json()) as { events: { type: string }[] }).events
    expect(stored.map((e) => e.type)).toEqual(['missed-deterioration'])
    await flush()
    expect(hook.received).toHaveLength(0)
  })

  it('by default (warn) records the event and logs counts by type only', async () => {
    const { nexora, logs } = await setup([phiGuard()])
    expect((await nexora.app.request('/adverse-events', post('', report({ type: PHI_TYPE })))).status).toBe(201)
    const warning = logs.find((l) => l.includes('phi.detected'))
    expect(warning).toBeDefined()
    expect(warning).toMatch(/"route":"adverse-events"/)
    expect(logs.join('\n')).not.toMatch(/John|Smith|998877/)
  })
})
