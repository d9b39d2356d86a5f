import type { NexoraError } from '../../core/index.ts'
import { operationOutcome } from '../fhir/index.ts'

/**
 * A CDS Hooks error: the HTTP status the spec expects (401 for an untrusted client, 412 when
 * data is missing, 4xx/5xx otherwise) with an OperationOutcome body, as the spec recommends —
 * the FHIR front door's, served as `application/json`.
 */
export const cdsError = (error: NexoraError, requestId?: string): Response => operationOutcome(error, requestId, 'application/json')
