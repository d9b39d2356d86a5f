/**
 * The code the ETL raises when a model does not apply to a record. CDS Hooks and the FHIR front
 * door reach it through this plugin's API; it lives here, not in core's table.
 */
import { defineErrorCodes } from '../../core/index.ts'

export const ETL_ERRORS = defineErrorCodes({
  'patient.deceased': { status: 422, title: 'The model does not apply to deceased patients' },
})

type EtlErrors = typeof ETL_ERRORS
declare module '../../core/index.ts' {
  interface ErrorCodes extends EtlErrors {}
}
