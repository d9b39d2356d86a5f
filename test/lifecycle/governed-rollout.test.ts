import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { canaryBucket, DEMO_MODEL_KEY, generateCheckpointKey } from '../../core/index.ts'
import { jwtAuth } from '../../plugins/auth-jwt/index.ts'
import { sqlStorage } from '../../plugins/storage-sql/index.ts'
import { readmissionChallenger } from '../../testkit/lifecycle.ts'
import { CLINICIAN, heldOut, monitoredNexora, webhookReceiver } from '../../testkit/monitoring.ts'
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../../testkit/tokens.ts'

const MODEL = 'readmission-risk'
const dir = mkdtempSync(join(tmpdir(), 'nexora-rollout-'))
let key: TestKey
let signing: Awaited<ReturnType<typeof generateCheckpointKey>>
let hook: Awaited<ReturnType<typeof webhookReceiver>>
let ctx: Awaited<ReturnType<typeof monitoredNexora>>
const tokens: Record<string, string> = {}

/** An HTTP call as one of the principals. */
async function call(who: string, method: string, path: string, body?: unknown) {
  const res = await ctx.nexora.fetch(
    new Request(`http://nexora.test${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  )
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

const score = (patient: string, features: Record<string, unknown>) =>
  ctx.nexora.predict({ model: MODEL, rows: [{ patientRef: patient, features: features as never }] }, CLINICIAN)

beforeAll(async () => {
  key = await makeKey('ES384', 'k1')
  signing = await generateCheckpointKey('EdDSA', 'site-model-signing')
  hook = await webhookReceiver()
  ctx = await monitoredNexora(
    {
      alerts: [{ id: 'psi-age', quantity: 'psi', op: 'above', threshold: 0.25, model: MODEL, feature: 'age' }],
      lifecycleHooks: [hook.url],
      webhooks: { baseDelayMs: 1 },
    },
    sqlStorage({ url: `file:${join(dir, 'rollout.db')}` }),
    [jwtAuth({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audience: AUDIENCE })],
    // Production serves only signed versions: v1 by the demo key, v2 by the site's own.
    { modelSignatures: { trustedKeys: [DEMO_MODEL_KEY, signing.publicJwk], require: 'production' } },
  )
  const principals = {
    scientist: 'nexora/models.write nexora/models.read',
    reviewer: 'nexora/models.approve nexora/models.read',
    bystander: 'nexora/models.read',
    monitor: 'nexora/monitor',
  }
  for (const [sub, scope] of Object.entries(principals)) tokens[sub] = await sign(key, { sub, scope })
})

afterAll(async () => {
  await ctx.nexora.close()
  await hook.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('a governed rollout of readmission-risk@2.0.0', () => {
  const cohort = heldOut()
  const features = cohort.map(({ readmitted_30d: _y, ...f }) => f)

  it('registers v2, shadows it on live traffic and compares it once outcomes arrive', async () => {
    const unsigned = await readmissionChallenger('1.9.0')
    await ctx.nexora.registry.register(unsigned.manifest, unsigned.files, 'scientist')
    await ctx.nexora.lifecycle.approve(MODEL, '1.9.0', 'reviewer', 'unsigned, to be refused')
    const refused = await call('scientist', 'POST', `/models/${MODEL}/versions/1.9.0/canary`, { steps: [20] })
    expect([refused.status, refused.body.code]).toEqual([409, 'model.unsigned'])
    await ctx.nexora.registry.archive(MODEL, '1.9.0', 'scientist')

    const v2 = await readmissionChallenger('2.0.0', signing.privateJwk)
    await ctx.nexora.registry.register(v2.manifest, v2.files, 'scientist')
    expect((await call('scientist', 'POST', `/models/${MODEL}/versions/2.0.0/shadow`, { enabled: true })).body.shadows).toEqual(['2.0.0'])

    const served = await Promise.all(features.map((f, i) => score(`Patient/s${i}`, f)))
    // The shadow is never returned: every answer is v1's, with no per-row version.
    expect(new Set(served.map((r) => r.model.version))).toEqual(new Set(['1.0.0']))
    expect(served.every((r) => r.predictions[0]!.version === undefined)).toBe(true)

    const outcomes = served.map((r, i) => ({ model: MODEL, predictionId: `${r.requestId}#0`, value: cohort[i]!.readmitted_30d }))
    expect((await call('monitor', 'POST', '/monitoring/outcomes', { outcomes })).status).toBe(200)
    await vi.waitFor(
      async () => {
        await ctx.flush()
        const report = await call('monitor', 'GET', `/monitoring/compare?model=${MODEL}&challenger=2.0.0&bootstrap=200`)
        expect(report.body.n).toBe(cohort.length)
      },
      { timeout: 20_000, interval: 100 },
    )
    const report = (await call('monitor', 'GET', `/monitoring/compare?model=${MODEL}&challenger=2.0.0&bootstrap=200`)).body
    expect(report.champions).toEqual(['1.0.0'])
    expect(report.outcomes.n).toBe(cohort.length)
    // v1's AUROC on its own held-out rows is the manifest's (the same 800 patients, the same scores).
    expect(report.outcomes.champion.auroc).toBeCloseTo(0.746238, 5)
    const d = report.outcomes.difference.auroc
    expect(d.lower).toBeLessThanOrEqual(d.estimate)
    expect(d.upper).toBeGreaterThanOrEqual(d.estimate)
    expect(report.labelAgreement).toBeGreaterThan(0.5)
    expect(report.scores.correlation).toBeGreaterThan(0.9)
  })

  it('refuses canary and production until a second principal approves', async () => {
    const refused = await call('scientist', 'POST', `/models/${MODEL}/versions/2.0.0/canary`, { steps: [20, 50], rollbackOn: ['psi-age'] })
    expect([refused.status, refused.body.code]).toEqual([409, 'model.approval_required'])
    expect((await call('bystander', 'POST', `/models/${MODEL}/versions/2.0.0/approve`, { reason: 'looks fine' })).status).toBe(403)
    expect((await call('scientist', 'POST', `/models/${MODEL}/versions/2.0.0/approve`, { reason: 'mine' })).status).toBe(403)
    const approved = await call('reviewer', 'POST', `/models/${MODEL}/versions/2.0.0/approve`, { reason: 'compared on 800 of our patients' })
    expect(approved.body.approvals.filter((a: { version: string }) => a.version === '2.0.0')).toEqual([expect.objectContaining({ by: 'reviewer' })])
  })

  it('canaries 20 % of patients by a stable patient hash', async () => {
    const started = await call('scientist', 'POST', `/models/${MODEL}/versions/2.0.0/canary`, { steps: [20, 50], rollbackOn: ['psi-age'] })
    expect(started.status).toBe(200)
    expect(started.body.canary).toMatchObject({ version: '2.0.0', champion: '1.0.0', percentNow: 20 })
    let canaried = 0
    for (let i = 0; i < 200; i++) {
      const patient = `Patient/c${i}`
      const expected = (await canaryBucket(MODEL, '2.0.0', patient)) < 20 ? '2.0.0' : '1.0.0'
      const first = await score(patient, features[i]!)
      const again = await score(patient, features[(i + 7) % features.length]!)
      expect([first.model.version, again.model.version]).toEqual([expected, expected])
      if (expected === '2.0.0') canaried++
    }
    expect(canaried).toBeGreaterThan(20)
    expect(canaried).toBeLessThan(60)
  })

  it('rolls traffic back to v1 when the drift alert the canary names fires, audited before the webhook', async () => {
    // Drift: the next patients are 35 years older than the training population.
    await Promise.all(features.map((f, i) => score(`Patient/d${i}`, { ...f, age: Math.min(110, f.age + 35) })))
    await ctx.flush()
    expect((await call('monitor', 'POST', '/monitoring/evaluate')).status).toBe(200)
    const state = (await call('scientist', 'GET', `/models/${MODEL}/lifecycle`)).body
    expect(state.canary).toBeUndefined()
    expect(state.lastRollback).toMatchObject({ version: '2.0.0', champion: '1.0.0', reason: 'alert.psi-age' })
    for (let i = 0; i < 40; i++) expect((await score(`Patient/c${i}`, features[i]!)).model.version).toBe('1.0.0')

    const timeline = (await call('scientist', 'GET', `/models/${MODEL}/timeline`)).body.events as { action: string; actor: string; seq: number }[]
    expect(timeline.map((e) => `${e.action}:${e.actor}`)).toEqual([
      'model.register:nexora:startup',
      'model.promote:nexora:startup',
      'model.register:scientist',
      'model.approve:reviewer',
      'model.archive:scientist',
      'model.register:scientist',
      'model.shadow:scientist',
      'model.approve:reviewer',
      'model.canary:scientist',
      'model.rollback:monitoring',
    ])
    await vi.waitFor(() => expect(hook.received.map((r) => r.body.kind)).toEqual(['model.rollback']), { timeout: 10_000 })
    expect(hook.received[0]!.body).toMatchObject({ model: MODEL, version: '2.0.0', champion: '1.0.0', reason: 'alert.psi-age' })
    const delivered = async () =>
      (await ctx.nexora.audit.queryLogs('1970-01-01T00:00:00Z', '9999-01-01T00:00:00Z', { action: 'webhook.delivery' })).events.filter(
        (e) => e.context.kind === 'model.rollback',
      )
    await vi.waitFor(async () => expect(await delivered()).toHaveLength(1), { timeout: 10_000 })
    expect((await delivered())[0]!.seq).toBeGreaterThan(timeline.at(-1)!.seq)
  })

  it('rolls a canary back at once when a severe adverse event is reported against the model', async () => {
    expect((await call('scientist', 'POST', `/models/${MODEL}/versions/2.0.0/canary`, { steps: [10], rollbackOn: ['adverse_event'] })).status).toBe(200)
    const mild = await call('monitor', 'POST', '/adverse-events', { type: 'fall', severity: 'mild', description: 'minor', model: MODEL })
    expect(mild.status).toBe(201)
    expect((await call('scientist', 'GET', `/models/${MODEL}/lifecycle`)).body.canary).toMatchObject({ version: '2.0.0' })
    const severe = await call('monitor', 'POST', '/adverse-events', { type: 'missed deterioration', severity: 'severe', description: 'sepsis', model: MODEL })
    expect(severe.status).toBe(201)
    await vi.waitFor(async () => expect((await call('scientist', 'GET', `/models/${MODEL}/lifecycle`)).body.lastRollback?.reason).toBe('adverse_event'), {
      timeout: 10_000,
    })
    expect((await call('scientist', 'GET', `/models/${MODEL}/lifecycle`)).body.canary).toBeUndefined()
  })
})
