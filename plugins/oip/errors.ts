/**
 * The code only the Open Inference Protocol front door raises (its repository extension can
 * unload a model). It lives here, not in core's table.
 */
import { defineErrorCodes } from '../../core/index.ts'

export const OIP_ERRORS = defineErrorCodes({
  'model.unloaded': { status: 409, title: 'The model is unloaded on this server (OIP repository extension); load it first' },
})

type OipErrors = typeof OIP_ERRORS
declare module '../../core/index.ts' {
  interface ErrorCodes extends OipErrors {}
}
