import { PREDICT_ACCESS, type Authenticator, type RoutePolicy } from '../../core/index.ts'

/**
 * The CDS Hooks rows of the route table. Each names the CDS Client authenticator, so these
 * routes take the EHR's signed JWT and the rest of the API keeps its own authenticator; the
 * one security layer still authorises, rate-limits and audits every decision. A service call
 * and feedback share the `predict` bucket (one per client: an EHR's whole traffic).
 */
export function cdsHooksPolicies(authenticator: Authenticator, discovery: 'authenticated' | 'public'): Record<string, RoutePolicy> {
  const access = { anyOf: PREDICT_ACCESS }
  // A CDS Client is an EHR, not a SMART launch: its token names no launch patient ('any'), and were
  // one ever to, the pipeline still scores only that patient.
  return {
    'GET /cds-services':
      discovery === 'public'
        ? { access: 'public', rate: 'public', audit: 'handler', patientContext: 'any' }
        : { access, rate: 'read', audit: 'middleware', authenticator, patientContext: 'any' },
    // The pipeline writes the request and response events of a call; feedback writes its own.
    'POST /cds-services/:id': { access, rate: 'predict', audit: 'handler', authenticator, patientContext: 'any' },
    'POST /cds-services/:id/feedback': { access, rate: 'predict', audit: 'handler', authenticator, patientContext: 'any' },
  }
}
