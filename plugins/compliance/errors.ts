/**
 * The code only the compliance stages raise. It lives here, not in core's table: the merge
 * below types it, and `defineErrorCodes` registers it wherever the raising module is loaded.
 */
import { defineErrorCodes } from '../../core/index.ts'

export const COMPLIANCE_ERRORS = defineErrorCodes({
  'phi.detected': { status: 422, title: 'A field that must not carry PHI appears to contain it' },
})

type ComplianceErrors = typeof COMPLIANCE_ERRORS
declare module '../../core/index.ts' {
  interface ErrorCodes extends ComplianceErrors {}
}
