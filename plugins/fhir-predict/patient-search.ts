import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { NexoraError, SCOPES, hasScope, type AppEnv, type Caller, type FhirResource, type FhirSource, type FrontDoorContext } from '../../core/index.ts'
import { allowsSmart } from '../../core/security/smart-scopes.ts'
import { fhirError } from './route.ts'

export const PATIENT_SEARCH_PATH = '/fhir/patients'
/** Patients read from the FHIR server per search at most: a server that ignores `name`/`birthdate` is filtered here. */
export const MAX_SCANNED = 1000

const Query = z
  .object({
    name: z.string().trim().min(1).max(100).optional().openapi({
      description: 'Matches the start of any part of the name (given, family, text), case- and accent-insensitive, as FHIR `name` does',
      example: 'Rivera',
    }),
    birthdate: z
      .string()
      .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'YYYY, YYYY-MM or YYYY-MM-DD')
      .optional()
      .openapi({ example: '1950-04-12' }),
    _count: z.coerce.number().int().min(1).max(50).default(20),
  })
  .refine((q) => q.name !== undefined || q.birthdate !== undefined, { message: 'give a name or a birthdate', path: ['name'] })

const PatientSummary = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    birthDate: z.string().nullable(),
    gender: z.string().nullable(),
  })
  .openapi('PatientSummary')
const Result = z
  .object({
    patients: z.array(PatientSummary),
    /** True when more patients matched than `_count`, or the scan stopped at its limit. */
    more: z.boolean(),
  })
  .openapi('PatientSearchResult')

const route = createRoute({
  method: 'get',
  path: PATIENT_SEARCH_PATH,
  tags: ['fhir'],
  summary: 'Search patients on the configured FHIR server by name and birth date',
  description:
    'A short list (id, name, birth date, gender) for choosing whom to score: the FHIR server is searched with `name`, `birthdate` and `_count`, and the ' +
    'matches are checked again here (a server that ignores a parameter still answers correctly). Needs at least one criterion. Audited as data access ' +
    '(`fhir.search`, with the ids returned, never the criteria). A SMART patient-context token (EHR launch) finds its launch patient at most. Errors are ' +
    'OperationOutcomes.',
  request: { query: Query },
  responses: {
    200: { content: { 'application/json': { schema: Result } }, description: "Matching patients, in the server's order" },
    400: fhirError('Bad query'),
    401: fhirError('No valid token'),
    403: fhirError('Missing scope'),
    502: fhirError('The FHIR server failed'),
    503: fhirError('The FHIR server is unavailable'),
  },
})

type HumanName = { use?: string; text?: string; family?: string; given?: string[]; prefix?: string[] }

/** FHIR string matching: case- and accent-insensitive, at the start of the value. */
const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()

function nameParts(patient: FhirResource): string[] {
  const names = (patient.name as HumanName[] | undefined) ?? []
  return names.flatMap((n) => [n.family, ...(n.given ?? []), ...(n.prefix ?? []), n.text]).filter((s): s is string => typeof s === 'string' && s !== '')
}

/** Does `value` match a part of the name (each part, or each word of it, by prefix)? */
function matchesName(patient: FhirResource, value: string): boolean {
  const wanted = fold(value).split(/\s+/).filter(Boolean)
  const words = nameParts(patient)
    .flatMap((part) => [part, ...part.split(/[\s-]+/)])
    .map(fold)
  // Every word of the query must start some part of the name ("ana rive" finds Ana Rivera).
  return wanted.every((w) => words.some((p) => p.startsWith(w)))
}

/** FHIR date equality: `1950` matches any date in 1950, `1950-04` any in April 1950. */
const matchesBirthdate = (patient: FhirResource, value: string) => typeof patient.birthDate === 'string' && patient.birthDate.startsWith(value)

/** A display name: the official (or first) name's given and family parts, else its text. */
export function displayName(patient: FhirResource): string | null {
  const names = (patient.name as HumanName[] | undefined) ?? []
  const name = names.find((n) => n.use === 'official') ?? names[0]
  if (!name) return null
  const parts = [...(name.given ?? []), name.family].filter(Boolean)
  return parts.length ? parts.join(' ') : (name.text ?? null)
}

/**
 * A patient-context SMART token (`patient/Patient.rs`) is for one patient's own record: it may
 * not list others. Nexora's predict scope or a user/system SMART scope may.
 */
function mayListPatients(caller: Caller): boolean {
  return hasScope(caller, SCOPES.predict) || allowsSmart(caller.scopes, 'Patient', 's', ['user', 'system'])
}

/** GET /fhir/patients: find whom to score, through the FhirSource port. */
export function patientSearchRoute(app: OpenAPIHono<AppEnv>, ctx: FrontDoorContext, fhir: FhirSource) {
  app.openapi(route, async (c) => {
    const query = c.req.valid('query')
    const caller = c.get('caller')
    if (!mayListPatients(caller)) throw new NexoraError('auth.forbidden', { detail: 'a patient-context token cannot search patients' })
    const params: Record<string, string> = { _count: String(query._count) }
    if (query.name) params.name = query.name
    if (query.birthdate) params.birthdate = query.birthdate
    // A SMART patient-context token finds its launch patient or no one: asked of the server with
    // `_id`, and checked again below in case the server ignores it.
    if (caller.patient) params._id = caller.patient
    const patients: FhirResource[] = []
    let more = false
    let scanned = 0
    for await (const resource of fhir.search('Patient', params)) {
      if (++scanned > MAX_SCANNED) {
        more = true
        break
      }
      if (resource.resourceType !== 'Patient' || !resource.id) continue
      if (caller.patient && resource.id !== caller.patient) continue
      if (query.name && !matchesName(resource, query.name)) continue
      if (query.birthdate && !matchesBirthdate(resource, query.birthdate)) continue
      if (patients.length === query._count) {
        more = true
        break
      }
      patients.push(resource)
    }
    const ids = patients.map((p) => `Patient/${p.id}`)
    // Who saw which patients' demographics: the ids returned, never the name or date searched for.
    await ctx.audit.logDataAccess({
      userId: caller.subject,
      action: 'fhir.search',
      patientId: ids.length === 1 ? ids[0] : null,
      requestId: c.get('requestId'),
      ip: caller.ip,
      context: {
        resourceType: 'Patient',
        criteria: Object.keys(params)
          .filter((k) => k !== '_count' && k !== '_id')
          .sort(),
        results: ids.length,
        patients: ids,
      },
    })
    return c.json(
      {
        patients: patients.map((p) => ({
          id: p.id!,
          name: displayName(p),
          birthDate: typeof p.birthDate === 'string' ? p.birthDate : null,
          gender: typeof p.gender === 'string' ? p.gender : null,
        })),
        more,
      },
      200,
    )
  })
}

export const patientSearchPolicy = {
  // `own`: a patient-context token's search answers its launch patient at most (filtered above).
  'GET /fhir/patients': {
    access: { anyOf: [SCOPES.predict, { smart: 'Patient', permission: 's' as const }] },
    rate: 'read' as const,
    audit: 'handler' as const,
    patientContext: 'own' as const,
  },
}
