import { describe, expect, it } from 'vitest'
import type { Caller } from '../../core/index.ts'
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
      const refused = await nexora.predict({ model: 'toy', rows }, launched).then(() => 'scored', (e: { code: string }) => e.code)
      expect(refused).toBe('auth.forbidden')
    }
    const failures = audit.events.filter((e) => e.action === 'predict.response' && e.outcome === 'failure')
    expect(failures.map((e) => e.reason)).toEqual(['auth.forbidden', 'auth.forbidden', 'auth.forbidden'])
    // A caller without launch context is not limited to one patient.
    const { patient: _p, ...clinician } = launched
    expect((await nexora.predict({ model: 'toy', rows: [row('Patient/pt-8')] }, clinician)).predictions).toHaveLength(1)
  })
})
