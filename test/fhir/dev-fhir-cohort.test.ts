import { describe, expect, it, vi } from 'vitest'
import { generateFhirCohort, truthFeatures, type FhirJson } from '../../devtools/fhir-server/index.ts'
import { auroc } from '../../core/index.ts'

const LOINC = 'http://loinc.org'
const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm'
const SNOMED = 'http://snomed.info/sct'

interface Coding {
  system?: string
  code?: string
}

const cohort = generateFhirCohort()
const resources = cohort.resources as (FhirJson & Record<string, any>)[]
const patientIds = Object.keys(cohort.outcomes)
const subjectOf = (r: FhirJson & Record<string, any>) => (r.resourceType === 'Patient' ? r.id : String(r.subject?.reference).replace('Patient/', ''))
const byPatient = new Map<string, (FhirJson & Record<string, any>)[]>()
for (const r of resources) {
  const id = subjectOf(r)!
  if (!byPatient.has(id)) byPatient.set(id, [])
  byPatient.get(id)!.push(r)
}
const codes = (r: Record<string, any>): Coding[] => r.code?.coding ?? []

describe('generateFhirCohort', () => {
  it('is deterministic for a seed, differs across seeds, and never reads Math.random or the clock', () => {
    const random = vi.spyOn(Math, 'random')
    const now = vi.spyOn(Date, 'now')
    const a = JSON.stringify(generateFhirCohort({ patients: 15 }))
    const b = JSON.stringify(generateFhirCohort({ patients: 15 }))
    const c = JSON.stringify(generateFhirCohort({ patients: 15, seed: 42 }))
    expect(random).not.toHaveBeenCalled()
    expect(now).not.toHaveBeenCalled()
    random.mockRestore()
    now.mockRestore()
    expect(a).toBe(b)
    expect(c).not.toBe(a)
    // Patients come off one stream in order, so a smaller cohort is a prefix of a larger one.
    expect(JSON.stringify(generateFhirCohort({ patients: 3 }).resources)).toBe(
      JSON.stringify(resources.filter((r) => ['pt-0001', 'pt-0002', 'pt-0003'].includes(subjectOf(r)!))),
    )
  })

  it('gives each patient a record of a few hundred resources, 3–10 encounters, the last inpatient one being the index', () => {
    expect(patientIds).toHaveLength(200)
    expect(patientIds[0]).toBe('pt-0001')
    const counts = patientIds.map((id) => byPatient.get(id)!.length).sort((x, y) => x - y)
    expect(counts[0]).toBeGreaterThanOrEqual(50)
    expect(counts.at(-1)).toBeLessThanOrEqual(1000)
    expect(counts[100]).toBeGreaterThanOrEqual(150)
    expect(counts[100]).toBeLessThanOrEqual(400)
    for (const id of patientIds) {
      const record = byPatient.get(id)!
      expect(record[0]).toMatchObject({ resourceType: 'Patient', id })
      const encounters = record.filter((r) => r.resourceType === 'Encounter')
      expect(encounters.length).toBeGreaterThanOrEqual(3)
      expect(encounters.length).toBeLessThanOrEqual(10)
      const lastInpatient = encounters
        .filter((e) => e.class.code === 'IMP')
        .sort((x, y) => Date.parse(x.period.start) - Date.parse(y.period.start))
        .at(-1)!
      expect(`Encounter/${lastInpatient.id}`).toBe(cohort.outcomes[id]!.indexEncounter)
      expect(lastInpatient.period.end).toBe(cohort.outcomes[id]!.indexDischarge)
      // Nothing happens after the index admission starts except its own care and the deliberate data errors.
      expect(encounters.every((e) => e === lastInpatient || Date.parse(e.period.start) < Date.parse(lastInpatient.period.start))).toBe(true)
      expect(Date.parse(lastInpatient.period.end) + 30 * 86_400_000).toBeLessThan(Date.parse(cohort.now))
    }
  })

  it('codes observations in LOINC with UCUM units, blood pressure as a panel with both components, and some glucose in mmol/L', () => {
    const observations = resources.filter((r) => r.resourceType === 'Observation')
    const loinc = new Set(
      observations.flatMap((o) =>
        codes(o)
          .filter((c) => c.system === LOINC)
          .map((c) => c.code),
      ),
    )
    for (const code of [
      '8867-4',
      '85354-9',
      '8310-5',
      '9279-1',
      '2708-6',
      '29463-7',
      '39156-5',
      '4548-4',
      '2160-0',
      '33914-3',
      '2951-2',
      '2823-3',
      '718-7',
      '2345-7',
      '6690-2',
    ])
      expect(loinc, code).toContain(code)
    const panels = observations.filter((o) => codes(o).some((c) => c.code === '85354-9'))
    expect(panels.length).toBeGreaterThan(1000)
    const mmHg = (q: any) => q?.unit === 'mm[Hg]' && q.code === 'mm[Hg]' && q.system === 'http://unitsofmeasure.org' && typeof q.value === 'number'
    const broken = panels.filter((p) => {
      const parts = Object.fromEntries((p.component ?? []).map((c: any) => [c.code.coding[0].code, c.valueQuantity]))
      return (
        p.valueQuantity !== undefined ||
        p.component.length !== 2 ||
        !mmHg(parts['8480-6']) ||
        !mmHg(parts['8462-4']) ||
        !(parts['8480-6'].value > parts['8462-4'].value)
      )
    })
    expect(broken).toEqual([])
    const glucose = observations.filter((o) => codes(o).some((c) => c.code === '2345-7') && o.valueQuantity)
    const units = new Set(glucose.map((o) => o.valueQuantity.code))
    expect([...units].sort()).toEqual(['mg/dL', 'mmol/L'])
    expect(glucose.filter((o) => o.valueQuantity.code === 'mmol/L').length).toBeLessThan(glucose.length * 0.15)
    expect(
      observations.filter(
        (o) =>
          !/^Patient\/pt-\d{4}$/.test(o.subject.reference) || !['vital-signs', 'laboratory'].includes(o.category[0].coding[0].code) || !o.effectiveDateTime,
      ),
    ).toEqual([])
  })

  it('codes conditions in ICD-10-CM (with dots) and SNOMED CT, some in SNOMED CT only', () => {
    const conditions = resources.filter((r) => r.resourceType === 'Condition')
    const snomedOnly = conditions.filter((c) => codes(c).length > 0 && codes(c).every((k) => k.system === SNOMED))
    const icd = conditions.flatMap((c) =>
      codes(c)
        .filter((k) => k.system === ICD10)
        .map((k) => k.code!),
    )
    const both = conditions.filter((c) => codes(c).some((k) => k.system === ICD10) && codes(c).some((k) => k.system === SNOMED))
    expect(snomedOnly.length).toBeGreaterThan(20)
    expect(both.length).toBeGreaterThan(100)
    expect(icd).toEqual(expect.arrayContaining(['E11.9', 'I50.9', 'J44.9', 'I10', 'N18.30']))
    expect(icd.filter((c) => c.length > 3).every((c) => /^[A-Z]\d{2}\.\d{1,4}$/.test(c))).toBe(true)
    for (const c of conditions) {
      expect(c.encounter.reference).toMatch(/^Encounter\//)
      expect(Date.parse(c.recordedDate)).not.toBeNaN()
      expect(Date.parse(c.onsetDateTime)).toBeLessThanOrEqual(Date.parse(c.recordedDate))
    }
    const meds = resources.filter((r) => r.resourceType === 'MedicationRequest')
    const rxnorm = new Set(meds.map((m) => m.medicationCodeableConcept.coding[0].code))
    for (const code of ['6809', '274783', '4603', '11289', '1364430']) expect(rxnorm, code).toContain(code)
    expect(
      meds.every((m) => m.medicationCodeableConcept.coding[0].system === 'http://www.nlm.nih.gov/research/umls/rxnorm' && m.intent === 'order' && m.authoredOn),
    ).toBe(true)
  })

  it('contains a little bad data on purpose: missing values, future dates, results after death', () => {
    const observations = resources.filter((r) => r.resourceType === 'Observation')
    const missing = observations.filter((o) => !o.valueQuantity && !o.component)
    expect(missing.length).toBeGreaterThan(50)
    expect(missing.length).toBeLessThan(observations.length * 0.03)
    expect(observations.filter((o) => Date.parse(o.effectiveDateTime) > Date.parse(cohort.now)).length).toBeGreaterThan(0)
    const deceased = resources.filter((r) => r.resourceType === 'Patient' && r.deceasedDateTime)
    expect(deceased.length).toBeGreaterThanOrEqual(1)
    expect(deceased.length).toBeLessThanOrEqual(15)
    for (const p of deceased) {
      const after = byPatient.get(p.id!)!.filter((r) => r.resourceType === 'Observation' && Date.parse(r.effectiveDateTime) > Date.parse(p.deceasedDateTime))
      expect(after.length, p.id).toBeGreaterThan(0)
    }
  })

  it('draws a plausible outcome from the documented truth, which separates outcomes and is computable from the record', () => {
    const outcomes = patientIds.map((id) => cohort.outcomes[id]!)
    const prevalence = outcomes.filter((o) => o.readmitted30d === 1).length / outcomes.length
    expect(prevalence).toBeGreaterThanOrEqual(0.1)
    expect(prevalence).toBeLessThanOrEqual(0.4)
    expect(
      auroc(
        outcomes.map((o) => o.readmitted30d),
        outcomes.map((o) => o.probability),
      ),
    ).toBeGreaterThan(0.7)
    // Every feature has spread (a constant feature would teach a model nothing).
    expect(new Set(outcomes.map((o) => o.features.priorAdmissions12m)).size).toBeGreaterThan(2)
    for (const flag of ['heartFailure', 'copd', 'ckd', 'anticoagulant'] as const) {
      const n = outcomes.filter((o) => o.features[flag]).length
      expect(n, flag).toBeGreaterThan(5)
      expect(n, flag).toBeLessThan(150)
    }
    for (const id of patientIds) {
      const o = cohort.outcomes[id]!
      expect(truthFeatures(byPatient.get(id)!)).toEqual(o.features)
      expect(cohort.truth(o.features)).toBeCloseTo(o.probability, 12)
    }
    // Heart failure raises the risk by the documented coefficient (0.9 on the logit).
    const f = outcomes[0]!.features
    const logit = (p: number) => Math.log(p / (1 - p))
    expect(logit(cohort.truth({ ...f, heartFailure: true })) - logit(cohort.truth({ ...f, heartFailure: false }))).toBeCloseTo(0.9, 9)
  })
})
