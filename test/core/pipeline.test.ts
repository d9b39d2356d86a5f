import { describe, expect, it } from 'vitest'
import { NexoraError, recordingStage, type ComplianceStage, type Prediction, type Row } from '../../core/index.ts'
import { toyNexora } from '../../testkit/nexora.ts'

const caller = { subject: 'ehr-app', scopes: ['nexora/predict'], roles: [], via: 'in-process' as const }

describe('in-process prediction (nexora.predict)', () => {
  it('runs the same pipeline as HTTP, audited under the caller identity', async () => {
    const { nexora, audit } = await toyNexora()
    const result = await nexora.predict({ model: 'toy', rows: [{ patientRef: 'Patient/1', features: { age: 40 } }], purpose: 'TREAT' }, caller)
    expect(result.model).toEqual({ name: 'toy', version: '1.0.0' })
    expect(result.auditIds).toHaveLength(2)
    const events = audit.events.filter((e) => result.auditIds.includes(e.seq))
    expect(events.map((e) => [e.actor, e.action])).toEqual([
      ['ehr-app', 'predict.request'],
      ['ehr-app', 'predict.response'],
    ])
    expect(events[0]!.context).toMatchObject({ via: 'in-process', purpose: 'TREAT', rows: 1 })
  })

  it('refuses a caller without nexora/predict before touching the model', async () => {
    const { nexora, audit } = await toyNexora()
    const error = await nexora.predict({ model: 'toy', rows: [{ features: { age: 1 } }] }, { ...caller, scopes: ['user/Patient.r'] }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'auth.forbidden', status: 403 })
    expect(audit.events).toHaveLength(0)
  })

  it('lists a multi-patient batch in the audit context', async () => {
    const { nexora, audit } = await toyNexora()
    await nexora.predict(
      {
        model: 'toy',
        rows: [
          { patientRef: 'Patient/a', features: { age: 1 } },
          { patientRef: 'Patient/b', features: { age: 2 } },
        ],
      },
      caller,
    )
    expect(audit.events[0]).toMatchObject({ patientRef: null, context: { patients: ['Patient/a', 'Patient/b'] } })
  })

  it("runs 'pre' stages before the model and 'post' stages on the result", async () => {
    const pre = recordingStage('zero-age', 'pre', (rows) => (rows as Row[]).map((r) => ({ ...r, features: { ...r.features, age: 0 } })))
    const post = recordingStage('round', 'post', (predictions) => (predictions as Prediction[]).map((p) => ({ ...p, score: Math.round(p.score * 100) / 100 })))
    const { nexora } = await toyNexora({}, [post, pre])
    const result = await nexora.predict({ model: 'toy', rows: [{ features: { age: 100 } }], requestId: 'stages-1' }, caller)
    expect(pre.calls).toEqual([{ route: 'predict', requestId: result.requestId }])
    expect(post.calls).toHaveLength(1)
    // The model saw age 0 (the pre stage ran first), and the post stage rounded its score.
    expect(result.predictions[0]!.score).toBe(Math.round(100 / (1 + Math.exp(3))) / 100)
  })

  it('lets a stage reject with a coded error, which is audited as a failure', async () => {
    const guard: ComplianceStage = {
      name: 'guard',
      order: 'pre',
      async process() {
        throw new NexoraError('request.invalid', { detail: 'free text looks like PHI' })
      },
    }
    const { nexora, audit } = await toyNexora({}, [guard])
    await expect(nexora.predict({ model: 'toy', rows: [{ features: { age: 1 } }] }, caller)).rejects.toMatchObject({ code: 'request.invalid' })
    expect(audit.events.at(-1)).toMatchObject({ action: 'predict.response', outcome: 'failure', reason: 'request.invalid' })
  })

  it('waits for in-flight predictions on close, then refuses new ones', async () => {
    const { nexora, audit } = await toyNexora()
    const pending = Array.from({ length: 20 }, (_, i) => nexora.predict({ model: 'toy', rows: [{ features: { age: i } }] }, caller))
    await nexora.close()
    expect((await Promise.allSettled(pending)).every((r) => r.status === 'fulfilled')).toBe(true)
    expect(audit.events).toHaveLength(40)
    await expect(nexora.predict({ model: 'toy', rows: [{ features: { age: 1 } }] }, caller)).rejects.toMatchObject({ code: 'nexora.closed' })
  })
})
