/**
 * Issue 14: a patient who died is not aged to today. Age is computed at the index time or at
 * death, whichever is earlier, on every path the ETL computes it (training and population
 * extraction, the FHIR front door, CDS Hooks, the CLI) and in the in-browser mapper.
 */
import { describe, expect, it } from 'vitest'
import type { FhirResource } from '../../core/index.ts'
import { ClinicalETL, isDeceasedAt, refuseDeceased } from '../../plugins/etl/index.ts'
import { featuresFromBundle } from '../../site/pages/score/fhir-features.ts'

const YEAR = 365.2425 * 86_400_000
const BORN = '1904-03-01'
const DIED = '2006-01-27T00:00:00Z'
const NOW = Date.parse('2026-06-30T00:00:00Z')
const years = (from: string, to: string) => Math.floor(((Date.parse(to) - Date.parse(`${from}T00:00:00Z`)) / YEAR) * 100) / 100

async function age(patient: FhirResource, indexTime?: string) {
  const etl = new ClinicalETL({ name: 't', features: [{ name: 'age', kind: 'age' }] })
  const { rows } = await etl.extractFeatures(etl.fromBundle({ entry: [{ resource: patient }] }), { now: NOW, ...(indexTime ? { indexTime } : {}) })
  return rows[0]!.features.age as number
}

const dead: FhirResource = { resourceType: 'Patient', id: 'd1', birthDate: BORN, deceasedDateTime: DIED }

describe('age of a deceased patient', () => {
  it('is the age at death when the index time is later (today by default), never the age the patient would be now', async () => {
    const atDeath = years(BORN, DIED)
    expect(atDeath).toBeCloseTo(101.91, 2)
    expect(await age(dead)).toBe(atDeath)
    expect(await age(dead, '2026-06-01T00:00:00Z')).toBe(atDeath)
  })

  it("is the age at the index time when that is before death, and a living patient's age is unchanged", async () => {
    expect(await age(dead, '2005-06-01T00:00:00Z')).toBe(years(BORN, '2005-06-01T00:00:00Z'))
    expect(await age({ ...dead, deceasedDateTime: undefined, deceasedBoolean: false }, '2026-06-01T00:00:00Z')).toBe(years(BORN, '2026-06-01T00:00:00Z'))
  })

  it('takes a date-only deceasedDateTime as the start of that day', async () => {
    expect(await age({ ...dead, deceasedDateTime: '2006-01-27' })).toBe(years(BORN, DIED))
  })

  it('is right in the in-browser FHIR mapper too (whole years at death)', () => {
    const mapped = featuresFromBundle(
      { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Patient', birthDate: BORN, deceasedDateTime: DIED } }] },
      new Date('2026-06-01T00:00:00Z'),
    )
    expect(mapped.features.age).toBe(101)
    expect(featuresFromBundle({ resourceType: 'Patient', birthDate: BORN, deceasedDateTime: DIED }, new Date('2005-06-01T00:00:00Z')).features.age).toBe(101)
    expect(featuresFromBundle({ resourceType: 'Patient', birthDate: BORN, deceasedDateTime: DIED }, new Date('2004-06-01T00:00:00Z')).features.age).toBe(100)
  })
})

describe('deceased as of the index time', () => {
  const at = (iso: string) => Date.parse(iso)
  it('is true from the death time on, and for deceasedBoolean true (no date: assumed already dead)', () => {
    expect(isDeceasedAt(dead, at('2026-06-01T00:00:00Z'))).toBe(true)
    expect(isDeceasedAt(dead, at(DIED))).toBe(true)
    expect(isDeceasedAt(dead, at('2005-06-01T00:00:00Z'))).toBe(false)
    expect(isDeceasedAt({ resourceType: 'Patient', deceasedBoolean: true }, at('1990-01-01T00:00:00Z'))).toBe(true)
    expect(isDeceasedAt({ resourceType: 'Patient', deceasedBoolean: false }, NOW)).toBe(false)
    expect(isDeceasedAt({ resourceType: 'Patient' }, NOW)).toBe(false)
  })

  it('refuses a model that does not apply to deceased patients with patient.deceased, naming the model only', () => {
    const manifest = { name: 'readmission-fhir', version: '1.0.0', kind: 'linear', inputs: [], outputs: [{ name: 'risk', type: 'probability' as const }] }
    const error = (() => {
      try {
        refuseDeceased(manifest, [dead], NOW)
      } catch (e) {
        return e as Error & { code: string; status: number }
      }
    })()
    expect(error).toMatchObject({ code: 'patient.deceased', status: 422 })
    expect(error!.message).not.toMatch(/d1|1904|2006/)
    expect(() => refuseDeceased({ ...manifest, appliesToDeceased: true } as typeof manifest, [dead], NOW)).not.toThrow()
    expect(() => refuseDeceased(manifest, [{ ...dead, deceasedDateTime: undefined }], NOW)).not.toThrow()
  })
})
