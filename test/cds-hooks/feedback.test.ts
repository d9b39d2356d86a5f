import { beforeAll, describe, expect, it } from 'vitest'
import { FEEDBACK_ACTION } from '../../plugins/cds-hooks/index.ts'
import { monitoring } from '../../plugins/monitoring/index.ts'
import { cdsBench, MODEL, type CdsBench } from '../../testkit/cds-hooks.ts'
import { MONITORING_KEY } from '../../testkit/monitoring.ts'

const SERVICE = `/cds-services/${MODEL}`
const REASONS = 'http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes'
let b: CdsBench
let critical: string
let warning: string
beforeAll(async () => {
  b = await cdsBench({ plugins: monitoring({ key: MONITORING_KEY }) })
  critical = (await (await b.call(SERVICE, b.hookRequest('pt-0018', await b.prefetch('pt-0018')))).json()).cards[0].uuid
  warning = (await (await b.call(SERVICE, b.hookRequest('pt-0004', await b.prefetch('pt-0004')))).json()).cards[0].uuid
})

const send = async (...feedback: Record<string, unknown>[]) => {
  const res = await b.call(`${SERVICE}/feedback`, { feedback })
  return { status: res.status, body: await res.json() }
}
const at = '2026-06-30T00:05:00Z'

describe('POST /cds-services/{id}/feedback', () => {
  it('stores accepted and overridden outcomes in the audit trail with the model version, the patient and the override reason, never the comment', async () => {
    const result = await send(
      { card: critical, outcome: 'accepted', acceptedSuggestions: [{ id: `${critical}.follow-up` }], outcomeTimestamp: at },
      {
        card: warning,
        outcome: 'overridden',
        overrideReason: {
          reason: { system: REASONS, code: 'need-more-info', display: 'Need more information' },
          userComment: 'Spoke with Jane Roe at 555-0142, follow-up booked',
        },
        outcomeTimestamp: at,
      },
    )
    expect(result).toEqual({ status: 200, body: { recorded: 2, unknownCards: 0 } })
    const stored = b.events().filter((e) => e.action === FEEDBACK_ACTION)
    expect(stored.map((e) => [e.patientRef, e.outcome, e.context.model, e.context.version, e.context.card, e.context.outcome])).toEqual([
      ['Patient/pt-0018', 'success', MODEL, '1.0.0', critical, 'accepted'],
      ['Patient/pt-0004', 'success', MODEL, '1.0.0', warning, 'overridden'],
    ])
    expect(stored[0]!.context).toMatchObject({ accepted: ['follow-up'], reason: null, known: true })
    expect(stored[1]!.context).toMatchObject({ accepted: [], reason: { system: REASONS, code: 'need-more-info' }, comment: true, outcomeTimestamp: at })
    expect(JSON.stringify(b.events())).not.toMatch(/Jane Roe|555-0142/)
    expect(JSON.stringify(b.logs)).not.toMatch(/Jane Roe|555-0142|pt-0018/)
  })

  it('keeps an override reason the card did not offer only if it looks like a coding: free text dressed as a code is recorded as other', async () => {
    const result = await send(
      { card: warning, outcome: 'overridden', overrideReason: { reason: { system: REASONS, code: 'John Smith MRN 998877' } }, outcomeTimestamp: at },
      {
        card: warning,
        outcome: 'overridden',
        overrideReason: { reason: { system: 'urn:patient:jsmith 998877', code: 'need-more-info' } },
        outcomeTimestamp: at,
      },
      {
        card: warning,
        outcome: 'overridden',
        overrideReason: { reason: { system: 'https://ehr.example/reasons', code: 'pt-declined' } },
        outcomeTimestamp: at,
      },
    )
    expect(result.status).toBe(200)
    const stored = b
      .events()
      .filter((e) => e.action === FEEDBACK_ACTION)
      .slice(-3)
    expect(stored.map((e) => e.context.reason)).toEqual([
      { system: null, code: 'other', offered: false },
      { system: null, code: 'other', offered: false },
      { system: 'https://ehr.example/reasons', code: 'pt-declined', offered: false },
    ])
    expect(JSON.stringify(b.events())).not.toMatch(/John Smith|998877/)
  })

  it('records feedback on a card it never issued, without a version', async () => {
    const unknown = crypto.randomUUID()
    expect(await send({ card: unknown, outcome: 'overridden', outcomeTimestamp: at })).toEqual({ status: 200, body: { recorded: 1, unknownCards: 1 } })
    expect(b.events().at(-1)).toMatchObject({ action: FEEDBACK_ACTION, patientRef: null, context: { card: unknown, version: null, known: false } })
  })

  it('refuses feedback without the required fields, and for a service that does not exist', async () => {
    expect((await send({ card: critical, outcome: 'accepted', outcomeTimestamp: at })).status).toBe(400)
    expect((await send({ card: critical, outcome: 'ignored', outcomeTimestamp: at })).status).toBe(400)
    expect((await send({ card: critical, outcome: 'overridden' })).status).toBe(400)
    const res = await b.call('/cds-services/nope/feedback', { feedback: [{ card: critical, outcome: 'overridden', outcomeTimestamp: at }] })
    expect(res.status).toBe(404)
  })
})

describe('GET /monitoring/overrides', () => {
  it('reports override rates per model and version from the audit trail, each card counted once by its latest feedback', async () => {
    // The warning card is reported again; the critical one is overridden after all, without a reason.
    await send({ card: warning, outcome: 'overridden', overrideReason: { reason: { system: REASONS, code: 'need-more-info' } }, outcomeTimestamp: at })
    await send({ card: critical, outcome: 'overridden', outcomeTimestamp: at })
    const res = await b.nexora.app.request(`/monitoring/overrides?model=${MODEL}`)
    expect(res.status).toBe(200)
    const report = await res.json()
    expect(report.models).toEqual([
      // The card it never issued (above) has no version: it is reported on its own row.
      {
        model: MODEL,
        version: null,
        assessments: 0,
        cards: 1,
        accepted: 0,
        overridden: 1,
        overrideRate: 1,
        reasons: [{ system: null, code: 'none', count: 1 }],
      },
      {
        model: MODEL,
        version: '1.0.0',
        assessments: 2,
        cards: 2,
        accepted: 0,
        overridden: 2,
        overrideRate: 1,
        reasons: [
          { system: REASONS, code: 'need-more-info', count: 1 },
          { system: null, code: 'none', count: 1 },
        ],
      },
    ])
    const onlyVersion = await (await b.nexora.app.request(`/monitoring/overrides?model=${MODEL}&version=1.0.0`)).json()
    expect(onlyVersion.models.map((m: { version: string }) => m.version)).toEqual(['1.0.0'])
  })
})
