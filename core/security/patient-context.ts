import type { Context } from 'hono'
import type { AuditLogger } from '../audit/audit-logger.ts'
import { NexoraError } from '../errors.ts'
import type { AppEnv } from '../http/app-env.ts'
import type { Caller } from '../ports/values.ts'
import type { RoutePolicy } from './route-policy.ts'

/**
 * What a SMART patient-context caller (`Caller.patient`, from an EHR launch) may do on a route:
 * - `own`: only its launch patient. The handler filters what it reads or lists to it and refuses
 *   to write about anyone else (`requireLaunchPatient`, the pipeline's row check); a
 *   `patientParam` must name it too.
 * - `refuse`: nothing (aggregates over every patient, chain-wide or global operations).
 * - `any`: no patient data is involved (public routes, model metadata, text the caller sent).
 * A route that does not say is refused: fail closed.
 */
export type PatientContextRule = 'own' | 'refuse' | 'any'

/** The audit `reason` of a patient-context refusal. */
export const PATIENT_CONTEXT_REASON = 'patient_context'

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/

/**
 * `Patient/<id>` for a reference written `Patient/<id>` or as a bare `<id>`; undefined for
 * anything else (another resource type, a URL, a malformed id).
 * @example
 * patientReference('pt-7') // 'Patient/pt-7'
 */
export function patientReference(ref: string | null | undefined): string | undefined {
  if (typeof ref !== 'string') return undefined
  const id = ref.startsWith('Patient/') ? ref.slice('Patient/'.length) : ref
  return FHIR_ID.test(id) ? `Patient/${id}` : undefined
}

/** The caller's launch patient as `Patient/<id>`, or undefined for a caller without launch context. */
export function launchPatientRef(caller: Pick<Caller, 'patient'>): string | undefined {
  return caller.patient ? `Patient/${caller.patient}` : undefined
}

/**
 * True when the caller may touch the patient `ref` names: any patient without launch context,
 * only the launch patient with it (a missing or unreadable reference is not the launch patient).
 * @example
 * mayTouchPatient({ patient: 'pt-7' }, 'Patient/pt-8') // false
 */
export function mayTouchPatient(caller: Pick<Caller, 'patient'>, ref: string | null | undefined): boolean {
  const own = launchPatientRef(caller)
  return own === undefined || patientReference(ref) === own
}

/**
 * Why the route table refuses this caller the route, or undefined when it may go on. Only a
 * caller with launch context is ever refused. The admission decision (core/security/admission.ts)
 * calls it for every front door once the caller is authenticated; the handlers of `own` routes
 * then filter to the launch patient or call `requireLaunchPatient`. `param` reads a path
 * parameter; Hono's `c.req.param` is empty inside a middleware, so pass `routeParam` there.
 * @example
 * patientContextRefusal(policy, caller, (name) => c.req.param(name))
 */
export function patientContextRefusal(
  policy: RoutePolicy | undefined,
  caller: Pick<Caller, 'patient'>,
  param: (name: string) => string | undefined,
): string | undefined {
  if (!caller.patient) return undefined
  const rule = policy?.patientContext ?? 'refuse'
  if (rule === 'any') return undefined
  if (rule === 'refuse') return 'a patient-context token may not use this route'
  // The handler of an `own` route checks the patient it touches in any case (the pipeline checks
  // every row); the path parameter is checked here too where the reader can see it.
  const named = policy?.patientParam ? param(policy.patientParam) : undefined
  if (named !== undefined && !mayTouchPatient(caller, named)) return 'a patient-context token may only name its launch patient'
  return undefined
}

/**
 * Record a patient-context refusal in the audit trail, then throw 403 `auth.forbidden`. The detail
 * is fixed text: it never echoes the patient asked for.
 */
export async function denyPatientContext(c: Context<AppEnv>, audit: AuditLogger, detail: string): Promise<never> {
  const caller = c.get('caller')
  await audit.logDataAccess({
    userId: caller.subject,
    action: 'auth.denied',
    outcome: 'denied',
    reason: PATIENT_CONTEXT_REASON,
    patientId: launchPatientRef(caller) ?? null,
    requestId: c.get('requestId'),
    ip: caller.ip ?? null,
    // Called from a handler, so the route pattern is the handler's own (never the path: it may name a patient).
    context: { route: `${c.req.method} ${c.req.routePath}`, via: caller.via },
  })
  throw new NexoraError('auth.forbidden', { detail })
}

/**
 * Inside a handler: refuse (audited) unless the caller may touch the patient `ref` names.
 * @example
 * await requireLaunchPatient(c, ctx.audit, event.patientRef)
 */
export async function requireLaunchPatient(c: Context<AppEnv>, audit: AuditLogger, ref: string | null | undefined): Promise<void> {
  if (!mayTouchPatient(c.get('caller'), ref)) await denyPatientContext(c, audit, 'a patient-context token may only touch its launch patient')
}

/**
 * A path parameter read from the route pattern and the path, for a middleware (where Hono's
 * `c.req.param` sees the middleware's own, empty, parameters). Undefined when the path does not
 * fit the pattern.
 * @example
 * routeParam('POST /fhir/patient/:id/predict', '/fhir/patient/pt-7/predict', 'id') // 'pt-7'
 */
export function routeParam(route: string, path: string, name: string): string | undefined {
  const pattern = (route.split(' ')[1] ?? '').split('/')
  const parts = path.split('/')
  if (pattern.length !== parts.length) return undefined
  const at = pattern.findIndex((segment) => segment === `:${name}`)
  if (at < 0) return undefined
  try {
    return decodeURIComponent(parts[at]!)
  } catch {
    return undefined
  }
}
