/**
 * A FHIR R4 Bundle (read from disk, in the tab) → the in-browser readmission model's inputs.
 * Deliberately simple and documented (docs/ui.md, "In-browser scoring"):
 *
 * | feature | from |
 * |---|---|
 * | age | Patient.birthDate, whole years at `asOf` (default: now), or at Patient.deceasedDateTime if earlier |
 * | sex | Patient.gender: female → F, male → M (other values are left for the form) |
 * | systolic_bp | latest Observation LOINC 8480-6, alone or as a component of a BP panel (85354-9, 55284-4) |
 * | hba1c | latest Observation LOINC 4548-4 or 17856-6 (%) |
 * | egfr | latest Observation LOINC 33914-3, 48642-3, 48643-1, 62238-1, 69405-9, 98979-8 |
 * | length_of_stay | the latest inpatient Encounter (class IMP): whole days from period.start to period.end |
 * | prior_admissions | other inpatient Encounters starting in the 365 days before that one |
 *
 * `on_anticoagulant` is not mapped (medication coding varies too much): the form keeps it. "Latest"
 * is by effectiveDateTime, effectivePeriod.start or issued. Nothing leaves the tab.
 */
export type Features = Record<string, number | string | boolean>

export interface Mapped {
  features: Features
  sources: Record<string, string>
  notFound: string[]
}

interface Coding {
  system?: string
  code?: string
}
interface Resource {
  resourceType?: string
  birthDate?: string
  deceasedDateTime?: string
  gender?: string
  code?: { coding?: Coding[] }
  component?: { code?: { coding?: Coding[] }; valueQuantity?: { value?: number } }[]
  valueQuantity?: { value?: number; unit?: string }
  effectiveDateTime?: string
  effectivePeriod?: { start?: string }
  issued?: string
  status?: string
  class?: Coding | { coding?: Coding[] }
  period?: { start?: string; end?: string }
}

const LOINC = 'http://loinc.org'
export const LOINC_CODES = {
  systolic_bp: ['8480-6'],
  hba1c: ['4548-4', '17856-6'],
  egfr: ['33914-3', '48642-3', '48643-1', '62238-1', '69405-9', '98979-8'],
} as const
const BP_PANELS = ['85354-9', '55284-4']
const MAPPED = ['age', 'sex', 'systolic_bp', 'hba1c', 'egfr', 'length_of_stay', 'prior_admissions']
const DAY = 86_400_000

const hasCode = (c: { coding?: Coding[] } | undefined, codes: readonly string[]) =>
  (c?.coding ?? []).some((k) => (k.system === undefined || k.system === LOINC) && k.code !== undefined && codes.includes(k.code))
const when = (r: Resource) => Date.parse(r.effectiveDateTime ?? r.effectivePeriod?.start ?? r.issued ?? '') || 0
const classCode = (r: Resource) => {
  const c = r.class
  if (!c) return undefined
  return 'code' in c ? c.code : (c as { coding?: Coding[] }).coding?.[0]?.code
}

export function ageAt(birthDate: string, asOf: Date): number | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(birthDate)
  if (!m) return undefined
  const [y, mo, d] = [Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1)]
  let age = asOf.getUTCFullYear() - y
  if (asOf.getUTCMonth() + 1 < mo || (asOf.getUTCMonth() + 1 === mo && asOf.getUTCDate() < d)) age--
  return age
}

/** Read a Bundle (or a single Patient) into features; what is missing is listed in `notFound`. */
export function featuresFromBundle(bundle: unknown, asOf = new Date()): Mapped {
  const b = bundle as { resourceType?: string; entry?: { resource?: Resource }[] }
  if (!b || typeof b !== 'object' || (b.resourceType !== 'Bundle' && b.resourceType !== 'Patient')) throw new Error('not a FHIR Bundle')
  const resources: Resource[] =
    b.resourceType === 'Patient' ? [b as Resource] : (b.entry ?? []).map((e) => e.resource).filter((r): r is Resource => !!r && typeof r === 'object')
  const features: Features = {}
  const sources: Record<string, string> = {}
  const patient = resources.find((r) => r.resourceType === 'Patient')
  if (patient?.birthDate) {
    // A patient stops ageing at death.
    const died = Date.parse(patient.deceasedDateTime ?? '')
    const age = ageAt(patient.birthDate, died < asOf.getTime() ? new Date(died) : asOf)
    if (age !== undefined) {
      features.age = age
      sources.age = `Patient.birthDate ${patient.birthDate}`
    }
  }
  const sex = patient?.gender === 'female' ? 'F' : patient?.gender === 'male' ? 'M' : undefined
  if (sex) {
    features.sex = sex
    sources.sex = `Patient.gender ${patient!.gender}`
  }

  const observations = resources
    .filter((r) => r.resourceType === 'Observation' && r.status !== 'entered-in-error' && r.status !== 'cancelled')
    .sort((x, y) => when(y) - when(x))
  for (const [feature, codes] of Object.entries(LOINC_CODES)) {
    for (const o of observations) {
      let value: number | undefined
      if (hasCode(o.code, codes)) value = o.valueQuantity?.value
      else if (hasCode(o.code, BP_PANELS)) value = o.component?.find((c) => hasCode(c.code, codes))?.valueQuantity?.value
      if (typeof value === 'number' && Number.isFinite(value)) {
        features[feature] = value
        sources[feature] = `Observation LOINC ${codes.join('/')}${o.effectiveDateTime ? ` on ${o.effectiveDateTime.slice(0, 10)}` : ''}`
        break
      }
    }
  }

  const stays = resources
    .filter((r) => r.resourceType === 'Encounter' && classCode(r) === 'IMP' && r.period?.start)
    .sort((x, y) => Date.parse(y.period!.start!) - Date.parse(x.period!.start!))
  const index = stays[0]
  if (index) {
    const start = Date.parse(index.period!.start!)
    if (index.period?.end) {
      features.length_of_stay = Math.max(0, Math.round((Date.parse(index.period.end) - start) / DAY))
      sources.length_of_stay = `Encounter (IMP) ${index.period.start!.slice(0, 10)} to ${index.period.end.slice(0, 10)}`
    }
    features.prior_admissions = stays.slice(1).filter((s) => {
      const t = Date.parse(s.period!.start!)
      return t < start && t >= start - 365 * DAY
    }).length
    sources.prior_admissions = 'inpatient Encounters in the 365 days before the latest'
  }
  return { features, sources, notFound: MAPPED.filter((f) => !(f in features)) }
}
