import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../core/index.ts'
import { overrideRates } from '../../plugins/monitoring/index.ts'

let seq = 0
const event = (action: string, fields: Partial<AuditEvent>, context: Record<string, unknown>): AuditEvent => ({
  seq: ++seq,
  ts: '2026-06-30T00:00:00.000Z',
  actor: 'https://ehr.test',
  action,
  outcome: 'success',
  prevHash: '',
  hash: '',
  ...fields,
  context,
})
const assessed = (model: string, version: string, via = 'cds-hooks', outcome: AuditEvent['outcome'] = 'success') =>
  event('predict.response', { model, version, outcome }, { via })
const feedback = (model: string, version: string | null, card: string, outcome: string, reason: { system: string; code: string } | null = null) =>
  event('cds.feedback', {}, { model, version, card, outcome, reason })

describe('override rates from audit events', () => {
  it('counts each card once by its latest feedback, per model and version, with the reasons by coding', () => {
    const why = { system: 'urn:reasons', code: 'need-more-info' }
    const rows = overrideRates(
      [
        feedback('m', '1.0.0', 'a', 'overridden', why),
        feedback('m', '1.0.0', 'a', 'accepted'),
        feedback('m', '1.0.0', 'b', 'overridden', why),
        feedback('m', '1.0.0', 'c', 'overridden'),
        feedback('m', '2.0.0', 'd', 'accepted'),
      ],
      [
        assessed('m', '1.0.0'),
        assessed('m', '1.0.0'),
        assessed('m', '1.0.0'),
        assessed('m', '1.0.0'),
        assessed('m', '2.0.0'),
        assessed('m', '2.0.0', 'http'),
        assessed('m', '2.0.0', 'cds-hooks', 'failure'),
      ],
    )
    expect(rows).toEqual([
      {
        model: 'm',
        version: '1.0.0',
        assessments: 4,
        cards: 3,
        accepted: 1,
        overridden: 2,
        overrideRate: 2 / 3,
        reasons: [
          { system: 'urn:reasons', code: 'need-more-info', count: 1 },
          { system: null, code: 'none', count: 1 },
        ],
      },
      // A REST prediction or a failed call is not a CDS Hooks assessment.
      { model: 'm', version: '2.0.0', assessments: 1, cards: 1, accepted: 1, overridden: 0, overrideRate: 0, reasons: [] },
    ])
  })

  it('reports assessments without feedback with no rate rather than a rate of 0', () => {
    expect(overrideRates([], [assessed('m', '1.0.0')])).toEqual([
      { model: 'm', version: '1.0.0', assessments: 1, cards: 0, accepted: 0, overridden: 0, overrideRate: null, reasons: [] },
    ])
  })
})
