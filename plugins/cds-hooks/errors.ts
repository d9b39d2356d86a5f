/**
 * The codes only CDS Hooks raises. They live here, not in core's table: loading this plugin
 * registers them, and the merge below lets `new NexoraError('cds.prefetch_missing')` type-check.
 * Every module that raises one imports this file, so the codes exist wherever they can be thrown.
 */
import { defineErrorCodes } from '../../core/index.ts'

export const CDS_ERRORS = defineErrorCodes({
  'cds.fhir_server_refused': { status: 400, title: 'The fhirServer is not an allowed address (loopback, link-local, private or not allowlisted)' },
  'cds.prefetch_missing': { status: 412, title: 'Required FHIR data was neither prefetched nor fetchable' },
})

type CdsErrors = typeof CDS_ERRORS
declare module '../../core/index.ts' {
  interface ErrorCodes extends CdsErrors {}
}
