/**
 * Bundle → features throughput on one core: each synthetic patient's record (a few hundred
 * resources) as a JSON Bundle string, parsed, validated, references resolved and run through
 * the demo FHIR feature spec (FHIRPath filters, windows, units, Charlson, Elixhauser). Baseline
 * in the same run: parsing and validating the same Bundles without extracting features.
 */
import { readFileSync } from 'node:fs'
import { generateFhirCohort } from '../devtools/fhir-server/index.ts'
import { ClinicalETL } from '../plugins/etl/index.ts'
import { patientIdOf } from '../plugins/fhir/index.ts'

const spec = JSON.parse(readFileSync(new URL('../models/readmission-fhir/feature-spec.json', import.meta.url), 'utf8'))

export async function fhirFeatures() {
  const cohort = generateFhirCohort({ patients: Number(process.env.BENCH_FHIR_PATIENTS ?? 300), seed: 7 })
  const byPatient = new Map<string, unknown[]>()
  for (const r of cohort.resources) {
    const id = patientIdOf(r as never)!
    byPatient.set(id, [...(byPatient.get(id) ?? []), r])
  }
  const bundles = [...byPatient.values()].map((rs) =>
    JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: rs.map((resource) => ({ resource })) }),
  )
  const resourcesPerPatient = cohort.resources.length / bundles.length
  const now = Date.parse('2026-06-30T00:00:00Z')

  const time = (fn: (bundle: string) => void) => {
    for (const b of bundles.slice(0, 20)) fn(b) // warm-up
    const started = performance.now()
    for (const b of bundles) fn(b)
    return bundles.length / ((performance.now() - started) / 1000)
  }
  const baselineEtl = new ClinicalETL(spec)
  const baseline = time((b) => {
    baselineEtl.fromBundle(JSON.parse(b))
  })
  const etl = new ClinicalETL(spec)
  const extracted = time((b) => {
    for (const record of etl.fromBundle(JSON.parse(b))) etl.transform(record, { now })
  })
  return {
    patients: bundles.length,
    resourcesPerPatient: Math.round(resourcesPerPatient),
    features: spec.features.length,
    patientsPerSecond: Math.round(extracted),
    baselineParseOnlyPerSecond: Math.round(baseline),
    ratio: Number((extracted / baseline).toFixed(3)),
    target: 200,
  }
}
