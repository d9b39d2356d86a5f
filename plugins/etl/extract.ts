import type { FeatureValue, FhirResource } from '../../core/index.ts'
import { aggregate, type Point } from './aggregate.ts'
import { conditionCodes } from './codes.ts'
import { deathTime } from './deceased.ts'
import { compilePath, type Compiled } from './fhirpath.ts'
import { charlson, elixhauser } from './icd10/index.ts'
import { skip, type EtlReport } from './report.ts'
import type { Feature, FeatureSpec } from './spec.ts'
import { defaultTime, fhirTime } from './time.ts'

const DAY = 86_400_000
const YEAR = 365.2425 * DAY

interface CompiledFeature {
  feature: Feature
  filter?: Compiled
  value?: Compiled
  time?: Compiled
  unit?: Compiled
  /** Exact `system|code` keys, and `system|prefix` keys for codes ending in `*`. */
  exact?: Set<string>
  prefixes?: string[]
}

/** The record indexed once per patient: by type, and by each `system|code` its resources carry. */
interface RecordIndex {
  byType: Map<string, FhirResource[]>
  byCode: Map<string, FhirResource[]>
}

const CODED_ELEMENTS = ['code', 'medicationCodeableConcept'] as const

function indexRecord(resources: FhirResource[]): RecordIndex {
  const byType = new Map<string, FhirResource[]>()
  const byCode = new Map<string, FhirResource[]>()
  const add = (key: string, r: FhirResource) => {
    const list = byCode.get(key)
    if (list) {
      if (list.at(-1) !== r) list.push(r)
    } else byCode.set(key, [r])
  }
  for (const r of resources) {
    const list = byType.get(r.resourceType)
    if (list) list.push(r)
    else byType.set(r.resourceType, [r])
    for (const element of CODED_ELEMENTS) {
      for (const c of (r[element] as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [])
        if (c.code) add(`${c.system ?? ''}|${c.code}`, r)
    }
    const cls = r.class as { system?: string; code?: string } | undefined
    if (cls?.code) add(`${cls.system ?? ''}|${cls.code}`, r)
  }
  return { byType, byCode }
}

function candidates(index: RecordIndex, f: CompiledFeature, type: string): FhirResource[] {
  if (!f.exact && !f.prefixes) return index.byType.get(type) ?? []
  const found = new Set<FhirResource>()
  for (const key of f.exact ?? []) for (const r of index.byCode.get(key) ?? []) found.add(r)
  if (f.prefixes?.length) {
    for (const [key, list] of index.byCode) if (f.prefixes.some((p) => key.startsWith(p))) for (const r of list) found.add(r)
  }
  // Keep record order so ties in time resolve the same way every run.
  return (index.byType.get(type) ?? []).filter((r) => found.has(r))
}

const DEFAULT_VALUE = 'valueQuantity.value'
const quantity = (r: FhirResource) => r.valueQuantity as { value?: unknown; code?: string; unit?: string } | undefined

export interface CompiledSpec {
  spec: FeatureSpec
  features: CompiledFeature[]
}

/** Compile every FHIRPath of a spec once; the result is reused for every patient. */
export function compileSpec(spec: FeatureSpec): CompiledSpec {
  return {
    spec,
    features: spec.features.map((feature) =>
      feature.kind === 'resource'
        ? {
            feature,
            filter: feature.filter ? compilePath(feature.filter) : undefined,
            // The default value and unit are read directly: no FHIRPath on the hot path.
            value:
              ['count', 'exists', 'time-since'].includes(feature.aggregate) || (feature.value ?? DEFAULT_VALUE) === DEFAULT_VALUE
                ? undefined
                : compilePath(feature.value!),
            time: feature.time ? compilePath(feature.time) : undefined,
            unit: feature.unit?.path ? compilePath(feature.unit.path) : undefined,
            exact: feature.codes ? new Set(feature.codes.filter((c) => !c.endsWith('*'))) : undefined,
            prefixes: feature.codes?.filter((c) => c.endsWith('*')).map((c) => c.slice(0, -1)),
          }
        : { feature },
    ),
  }
}

export interface PatientContext {
  /** The index time (ms): features look back from it and never past it. */
  indexTime: number
  /** When extraction runs (ms): anything dated later is a data error. */
  now: number
}

/**
 * The features of one patient's record, by the documented rules: resources after the index
 * time are excluded (no leakage), as are those dated in the future or after death, values
 * without a number or in an unconvertible unit; each exclusion is counted in the report.
 */
export function extractPatient(
  compiled: CompiledSpec,
  resources: FhirResource[],
  ctx: PatientContext,
  report: EtlReport,
  used?: Set<string>,
): Record<string, FeatureValue> {
  const use = (r: FhirResource | Record<string, any> | undefined) => {
    if (used && r?.id) used.add(`${r.resourceType}/${r.id}`)
  }
  const patient = resources.find((r) => r.resourceType === 'Patient') as Record<string, any> | undefined
  const death = deathTime(patient as FhirResource | undefined)
  const usable = (time: number, windowDays?: number): boolean => {
    if (Number.isNaN(time)) return (skip(report, 'bad_date'), false)
    if (time > ctx.now) return (skip(report, 'future_date'), false)
    if (!Number.isNaN(death) && time > death) return (skip(report, 'after_death'), false)
    if (time > ctx.indexTime) return (skip(report, 'after_index'), false)
    if (windowDays !== undefined && time < ctx.indexTime - windowDays * DAY) return (skip(report, 'outside_window'), false)
    return true
  }
  const conditionCodesIn = (windowDays?: number) =>
    resources
      .filter((r) => r.resourceType === 'Condition' && usable(fhirTime(defaultTime(r)), windowDays))
      .flatMap((r) => {
        const { icd10 } = conditionCodes(r)
        if (icd10.length) use(r)
        return icd10
      })

  const index = indexRecord(resources)
  const row: Record<string, FeatureValue> = {}
  for (const compiledFeature of compiled.features) {
    const { feature, filter, value, time, unit } = compiledFeature
    let result: FeatureValue = null
    if (feature.kind === 'age') {
      const born = fhirTime(patient?.birthDate)
      if (Number.isNaN(born)) skip(report, 'missing_birth_date')
      else {
        // A patient stops ageing at death: the age is at the index time or at death, whichever is earlier.
        const at = Number.isNaN(death) ? ctx.indexTime : Math.min(ctx.indexTime, death)
        result = Math.floor(((at - born) / YEAR) * 100) / 100
        use(patient)
      }
    } else if (feature.kind === 'sex') {
      result = typeof patient?.gender === 'string' ? patient.gender : null
      if (result !== null) use(patient)
    } else if (feature.kind === 'charlson' || feature.kind === 'elixhauser') {
      const codes = conditionCodesIn(feature.windowDays)
      result = feature.kind === 'charlson' ? charlson(codes).index : elixhauser(codes).count
    } else if (feature.kind === 'resource') {
      const points: Point[] = []
      const readsValue = !['count', 'exists', 'time-since'].includes(feature.aggregate)
      for (const resource of candidates(index, compiledFeature, feature.resourceType)) {
        if (filter && filter(resource)[0] !== true) continue
        const at = fhirTime(time ? time(resource)[0] : defaultTime(resource))
        if (!usable(at, feature.windowDays)) continue
        let v = 1
        if (readsValue) {
          const raw = value ? value(resource)[0] : quantity(resource)?.value
          if (typeof raw !== 'number' || !Number.isFinite(raw)) {
            skip(report, 'missing_value')
            continue
          }
          v = raw
          if (feature.unit) {
            const given = unit ? unit(resource)[0] : (quantity(resource)?.code ?? quantity(resource)?.unit)
            if (given !== feature.unit.expect) {
              const factor = typeof given === 'string' ? feature.unit.convert?.[given] : undefined
              if (factor === undefined) {
                skip(report, 'unit_mismatch')
                continue
              }
              v *= factor
              report.conversions++
            }
          }
        }
        points.push({ time: at, value: v })
        use(resource)
      }
      points.sort((a, b) => a.time - b.time)
      result = aggregate(feature.aggregate, points, ctx.indexTime) ?? feature.default ?? null
    }
    row[feature.name] = result
    const tally = (report.features[feature.name] ??= { present: 0, missing: 0 })
    if (result === null) tally.missing++
    else tally.present++
  }
  report.patients++
  report.resources += resources.length
  return row
}
