import { describe, expect, it } from 'vitest'
import type { FhirResource } from '../../core/index.ts'
import { aggregate, ClinicalETL, inputsFromSpec, parseFeatureSpec } from '../../plugins/etl/index.ts'

const LOINC = 'http://loinc.org'
const NOW = Date.parse('2026-06-30T00:00:00Z')
const INDEX = '2026-06-01T00:00:00Z'
const patient: FhirResource = { resourceType: 'Patient', id: 'p1', birthDate: '1950-06-15', gender: 'female' }
const obs = (id: string, code: string, value: number | undefined, at: string, unit = '%'): FhirResource => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: at,
  code: { coding: [{ system: LOINC, code }] },
  ...(value === undefined ? {} : { valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit } }),
})
const bp = (id: string, sys: number, dia: number, at: string): FhirResource => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: at,
  code: { coding: [{ system: LOINC, code: '85354-9' }] },
  component: [
    { code: { coding: [{ system: LOINC, code: '8480-6' }] }, valueQuantity: { value: sys, unit: 'mm[Hg]' } },
    { code: { coding: [{ system: LOINC, code: '8462-4' }] }, valueQuantity: { value: dia, unit: 'mm[Hg]' } },
  ],
})
const hba1c = (agg: string, extra: Record<string, unknown> = {}) => ({
  name: `hba1c_${agg.replace('-', '_')}`,
  resourceType: 'Observation',
  filter: "code.coding.where(system='http://loinc.org' and code='4548-4').exists()",
  aggregate: agg,
  ...extra,
})

const record: FhirResource[] = [
  patient,
  obs('a1', '4548-4', 7.0, '2025-01-10T00:00:00Z'),
  obs('a2', '4548-4', 8.0, '2026-01-10T00:00:00Z'),
  obs('a3', '4548-4', 9.0, '2026-05-01T00:00:00Z'),
  obs('a4', '4548-4', 12.0, '2026-06-10T00:00:00Z'), // after the index: excluded, never leaks
  obs('a5', '4548-4', undefined, '2026-05-02T00:00:00Z'), // no value
  obs('a6', '4548-4', 6.0, '2027-01-01T00:00:00Z'), // future-dated
  obs('g1', '2345-7', 180, '2026-05-01T00:00:00Z', 'mg/dL'),
  obs('g2', '2345-7', 5, '2026-05-02T00:00:00Z', 'mmol/L'),
  obs('g3', '2345-7', 99, '2026-05-03T00:00:00Z', 'furlongs'),
  bp('bp1', 150, 90, '2026-04-01T00:00:00Z'),
  bp('bp2', 130, 80, '2026-05-01T00:00:00Z'),
]

async function extract(features: unknown[], resources = record, options: { indexTime?: string } = { indexTime: INDEX }) {
  const etl = new ClinicalETL({ name: 't', features })
  const result = await etl.extractFeatures(etl.fromBundle({ entry: resources.map((resource) => ({ resource })) }), { ...options, now: NOW })
  return { row: result.rows[0]!, report: result.report, manifest: result.manifest }
}

describe('feature extraction from FHIR', () => {
  it('computes every aggregate over the qualifying values before the index time', async () => {
    const { row } = await extract(['latest', 'first', 'mean', 'min', 'max', 'count', 'sum', 'exists', 'time-since'].map((a) => hba1c(a)))
    expect(row.features).toEqual({
      // count and time-since count events, so the result without a value (May 2) counts there.
      hba1c_latest: 9,
      hba1c_first: 7,
      hba1c_mean: 8,
      hba1c_min: 7,
      hba1c_max: 9,
      hba1c_count: 4,
      hba1c_sum: 24,
      hba1c_exists: 1,
      hba1c_time_since: 30,
    })
  })

  it('looks back only within the window, and computes the slope per day', async () => {
    const { row } = await extract([hba1c('count', { windowDays: 365, filter: "code.coding.where(code='4548-4').exists() and value.exists()" }), hba1c('slope')])
    expect(row.features.hba1c_count).toBe(2)
    // Least squares over (day, value) for 7 → 8 → 9 at roughly one-year and four-month gaps.
    const days = [0, 365, 476]
    const mx = days.reduce((a, b) => a + b) / 3
    const expected = days.reduce((s, d, i) => s + (d - mx) * ([7, 8, 9][i]! - 8), 0) / days.reduce((s, d) => s + (d - mx) ** 2, 0)
    expect(row.features.hba1c_slope).toBeCloseTo(expected, 10)
  })

  it('reads blood-pressure panel components and converts units, dropping the unconvertible', async () => {
    const { row, report } = await extract([
      {
        name: 'sbp_mean',
        resourceType: 'Observation',
        filter: "code.coding.where(code='85354-9').exists()",
        value: "component.where(code.coding.where(code='8480-6').exists()).valueQuantity.value",
        aggregate: 'mean',
      },
      {
        name: 'dbp_max',
        resourceType: 'Observation',
        filter: "code.coding.where(code='85354-9').exists()",
        value: "component.where(code.coding.where(code='8462-4').exists()).valueQuantity.value",
        aggregate: 'max',
      },
      {
        name: 'glucose_mean',
        resourceType: 'Observation',
        filter: "code.coding.where(code='2345-7').exists()",
        aggregate: 'mean',
        unit: { expect: 'mg/dL', convert: { 'mmol/L': 18.016 } },
      },
    ])
    expect(row.features.sbp_mean).toBe(140)
    expect(row.features.dbp_max).toBe(90)
    expect(row.features.glucose_mean).toBeCloseTo((180 + 5 * 18.016) / 2, 10)
    expect(report.conversions).toBe(1)
    expect(report.skipped.unit_mismatch).toBe(1)
  })

  it('counts each bad-data rule in the report instead of failing', async () => {
    const dead = { ...patient, deceasedDateTime: '2026-04-15T00:00:00Z' }
    const { report, row } = await extract(
      [hba1c('latest')],
      [dead, ...record.slice(1), { resourceType: 'Observation', subject: { reference: 'Patient/p1' } }],
      { indexTime: INDEX },
    )
    expect(row.features.hba1c_latest).toBe(8)
    expect(report.skipped).toMatchObject({ after_death: 3, future_date: 1, invalid_resource: 1 })
  })

  it('derives age at the index time and sex, and returns the basis of the features', async () => {
    const { row } = await extract([{ name: 'age', kind: 'age' }, { name: 'sex', kind: 'sex' }, hba1c('latest')])
    expect(row.features.age).toBeCloseTo(75.96, 2)
    expect(row.features.sex).toBe('female')
    expect(row.basis).toEqual(['Observation/a1', 'Observation/a2', 'Observation/a3', 'Patient/p1'])
  })

  it('uses null for a missing value and the default when one is given', async () => {
    const { row, report } = await extract([
      hba1c('latest', { name: 'none', filter: "code.coding.where(code='0000-0').exists()" }),
      hba1c('latest', { name: 'dflt', filter: "code.coding.where(code='0000-0').exists()", default: -1 }),
    ])
    expect(row.features).toEqual({ none: null, dflt: -1 })
    expect(report.features.none).toEqual({ present: 0, missing: 1 })
  })

  it('turns a spec into model inputs, and rejects a bad spec with paths', () => {
    const spec = parseFeatureSpec({ name: 's', features: [{ name: 'age', kind: 'age' }, { name: 'sex', kind: 'sex' }, hba1c('count')] })
    expect(inputsFromSpec(spec).map((i) => [i.name, i.type, i.required])).toEqual([
      ['age', 'number', false],
      ['sex', 'category', false],
      ['hba1c_count', 'number', true],
    ])
    expect(() => parseFeatureSpec({ name: 's', features: [{ name: 'x', resourceType: 'Observation', aggregate: 'median' }] })).toThrow(/invalid feature spec/)
    expect(() => new ClinicalETL({ name: 's', features: [hba1c('latest', { filter: 'code.coding.where(' })] })).toThrow(/invalid FHIRPath/)
  })
})

describe('aggregate', () => {
  it('handles empty input and a single point', () => {
    expect(aggregate('mean', [], 0)).toBeNull()
    expect(aggregate('count', [], 0)).toBe(0)
    expect(aggregate('slope', [{ time: 0, value: 1 }], 0)).toBeNull()
  })
})

describe('sources', () => {
  it('resolves urn:uuid references in a transaction Bundle and groups by patient', async () => {
    const etl = new ClinicalETL({ name: 't', features: [hba1c('count')] })
    const bundle = {
      entry: [
        { fullUrl: 'urn:uuid:11111111-1111-1111-1111-111111111111', resource: { resourceType: 'Patient', birthDate: '1960-01-01' } },
        {
          fullUrl: 'urn:uuid:22222222-2222-2222-2222-222222222222',
          resource: {
            ...obs('x', '4548-4', 7, '2026-01-01T00:00:00Z'),
            id: undefined,
            subject: { reference: 'urn:uuid:11111111-1111-1111-1111-111111111111' },
          },
        },
      ],
    }
    const records = etl.fromBundle(bundle as never)
    expect(records.map((r) => [r.patientId, r.resources.length])).toEqual([['11111111-1111-1111-1111-111111111111', 2]])
    const { rows } = await etl.extractFeatures(records, { indexTime: INDEX, now: NOW })
    expect(rows[0]!.features.hba1c_count).toBe(1)
  })

  it('streams NDJSON, emitting each patient as soon as the next begins when the input is grouped', async () => {
    const etl = new ClinicalETL({ name: 't', features: [hba1c('count')] })
    const lines = [
      patient,
      obs('o1', '4548-4', 7, '2026-01-01T00:00:00Z'),
      { ...patient, id: 'p2' },
      { ...obs('o2', '4548-4', 7, '2026-01-01T00:00:00Z'), subject: { reference: 'Patient/p2' } },
      'not json',
    ]
    const emitted: string[] = []
    async function* source() {
      for (const l of lines) {
        yield typeof l === 'string' ? l : JSON.stringify(l)
      }
    }
    for await (const record of etl.fromNdjson(source(), { grouped: true })) emitted.push(`${record.patientId}:${record.resources.length}`)
    expect(emitted).toEqual(['p1:2', 'p2:2'])
    expect(etl.report.skipped.invalid_resource).toBe(1)
  })
})

describe('event sequences', () => {
  it('orders events oldest first with age and days to the index, keeping the most recent when truncating', async () => {
    const etl = new ClinicalETL({ name: 't', features: [{ name: 'age', kind: 'age' }], sequence: { maxLength: 3 } })
    const conditions: FhirResource[] = [
      {
        resourceType: 'Condition',
        id: 'c1',
        subject: { reference: 'Patient/p1' },
        onsetDateTime: '2020-01-01',
        code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'E11.9' }] },
      },
      {
        resourceType: 'Condition',
        id: 'c2',
        subject: { reference: 'Patient/p1' },
        onsetDateTime: '2021-01-01',
        code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] },
      },
    ]
    const { rows } = await etl.extractFeatures(etl.fromBundle({ entry: [...record, ...conditions].map((resource) => ({ resource })) }), {
      indexTime: INDEX,
      now: NOW,
    })
    const seq = rows[0]!.sequence!
    expect(seq).toHaveLength(3)
    expect(seq.at(-1)!.deltaDays).toBeLessThan(60)
    const full = new ClinicalETL({ name: 't', features: [{ name: 'age', kind: 'age' }], sequence: { maxLength: 100 } })
    const all = (
      await full.extractFeatures(full.fromBundle({ entry: [...record, ...conditions].map((resource) => ({ resource })) }), { indexTime: INDEX, now: NOW })
    ).rows[0]!.sequence!
    expect(all.slice(0, 2).map((e) => e.code)).toEqual(['ICD10:E11', 'SNOMED:38341003'])
    expect(all[0]!.age).toBeCloseTo(69.55, 1)
    expect(all.some((e) => e.time > INDEX)).toBe(false)
    expect(all.every((e, i) => i === 0 || e.time >= all[i - 1]!.time)).toBe(true)
    expect(seq).toEqual(all.slice(-3))
  })
})

describe('comorbidity features', () => {
  it('scores Charlson and Elixhauser from ICD-10-CM conditions before the index, ignoring SNOMED-only ones', async () => {
    const condition = (id: string, code: string, at: string, system = 'http://hl7.org/fhir/sid/icd-10-cm'): FhirResource => ({
      resourceType: 'Condition',
      id,
      subject: { reference: 'Patient/p1' },
      recordedDate: at,
      code: { coding: [{ system, code }] },
    })
    const resources = [
      patient,
      condition('c1', 'I50.9', '2025-01-01'), // CHF: Charlson 1, Elixhauser chf
      condition('c2', 'E11.9', '2025-02-01'), // diabetes without complications: 1
      condition('c3', 'C78.00', '2026-01-01'), // metastatic solid tumour: 6
      condition('c4', 'K70.30', '2026-07-01'), // after the index: excluded
      condition('c5', '84114007', '2025-01-01', 'http://snomed.info/sct'),
    ]
    const { row } = await extract(
      [
        { name: 'charlson', kind: 'charlson' },
        { name: 'elix', kind: 'elixhauser' },
      ],
      resources,
    )
    expect(row.features.charlson).toBe(8)
    expect(row.features.elix).toBe(3)
    expect(row.basis).toEqual(['Condition/c1', 'Condition/c2', 'Condition/c3'])
  })
})
