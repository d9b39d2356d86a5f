import { describe, expect, it } from 'vitest'
import type { Caller } from '../../core/index.ts'
import { mayTouchPatient, patientContextRefusal, patientReference, routeParam } from '../../core/security/patient-context.ts'
import { callerFromClaims } from '../../plugins/auth-jwt/index.ts'
import { toyNexora } from '../../testkit/nexora.ts'

const launched: Caller = { subject: 'dr-smart', scopes: ['nexora/predict'], roles: [], via: 'http', patient: 'pt-7' }
const row = (patientRef?: string) => ({ ...(patientRef ? { patientRef } : {}), features: { age: 70 } })

describe('a SMART patient-context token scores only its launch patient', () => {
  it('reads the launch patient from the token claims', () => {
    expect(callerFromClaims({ sub: 'u', scope: 'nexora/predict', patient: 'pt-7' }).patient).toBe('pt-7')
    expect(callerFromClaims({ sub: 'u', scope: 'nexora/predict' }).patient).toBeUndefined()
  })

  it('scores the launch patient, and refuses (audited) another patient, a batch that mixes them, or an anonymous row', async () => {
    const { nexora, audit } = await toyNexora()
    const ok = await nexora.predict({ model: 'toy', rows: [row('Patient/pt-7')] }, launched)
    expect(ok.predictions).toHaveLength(1)
    for (const rows of [[row('Patient/pt-8')], [row('Patient/pt-7'), row('Patient/pt-8')], [row()]]) {
      const refused = await nexora.predict({ model: 'toy', rows }, launched).then(
        () => 'scored',
        (e: { code: string }) => e.code,
      )
      expect(refused).toBe('auth.forbidden')
    }
    const failures = audit.events.filter((e) => e.action === 'predict.response' && e.outcome === 'failure')
    expect(failures.map((e) => e.reason)).toEqual(['auth.forbidden', 'auth.forbidden', 'auth.forbidden'])
    // A caller without launch context is not limited to one patient.
    const { patient: _p, ...clinician } = launched
    expect((await nexora.predict({ model: 'toy', rows: [row('Patient/pt-8')] }, clinician)).predictions).toHaveLength(1)
  })
})

describe("the route table's patient-context rule (core/security/patient-context.ts)", () => {
  const policy = (patientContext?: 'own' | 'refuse' | 'any', patientParam?: string) => ({
    access: { anyOf: ['nexora/predict'] },
    rate: 'read' as const,
    audit: 'handler' as const,
    ...(patientContext ? { patientContext } : {}),
    ...(patientParam ? { patientParam } : {}),
  })
  const none = () => undefined

  it('never limits a caller without launch context', () => {
    expect(patientContextRefusal(policy('refuse'), {}, none)).toBeUndefined()
    expect(patientContextRefusal(undefined, {}, none)).toBeUndefined()
    expect(mayTouchPatient({}, 'Patient/anyone')).toBe(true)
  })

  it('refuses a launch token where the route says refuse or says nothing (fail closed), and lets `any` and `own` through', () => {
    expect(patientContextRefusal(policy('refuse'), { patient: 'pt-7' }, none)).toMatch(/may not use this route/)
    expect(patientContextRefusal(policy(), { patient: 'pt-7' }, none)).toMatch(/may not use this route/)
    expect(patientContextRefusal(policy('any'), { patient: 'pt-7' }, none)).toBeUndefined()
    expect(patientContextRefusal(policy('own'), { patient: 'pt-7' }, none)).toBeUndefined()
  })

  it('checks a readable patient path parameter on an `own` route, in either reference form', () => {
    const own = policy('own', 'id')
    expect(patientContextRefusal(own, { patient: 'pt-7' }, () => 'pt-7')).toBeUndefined()
    expect(patientContextRefusal(own, { patient: 'pt-7' }, () => 'Patient/pt-7')).toBeUndefined()
    expect(patientContextRefusal(own, { patient: 'pt-7' }, () => 'pt-8')).toMatch(/only name its launch patient/)
    expect(routeParam('POST /fhir/patient/:id/predict', '/fhir/patient/pt-8/predict', 'id')).toBe('pt-8')
    expect(routeParam('POST /fhir/patient/:id/predict', '/fhir/patient/pt-8/other/predict', 'id')).toBeUndefined()
  })

  it('matches only the launch patient: a missing, foreign-typed or malformed reference is not it', () => {
    for (const ref of [undefined, null, '', 'Patient/pt-8', 'Group/pt-7', 'Patient/pt-7/_history/1', 'pt-7 '])
      expect(mayTouchPatient({ patient: 'pt-7' }, ref as string)).toBe(false)
    expect(patientReference('pt-7')).toBe('Patient/pt-7')
  })
})
