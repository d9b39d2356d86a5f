/** The codes population jobs raise (registered on import); docs/api.md lists them with core's. */
import { defineErrorCodes } from '../../core/index.ts'

export const POPULATION_ERRORS = defineErrorCodes({
  'population.no_export': { status: 422, title: 'Population jobs need a FHIR server that runs Bulk Data exports' },
  'population.not_found': { status: 404, title: 'No such population job' },
  'population.not_cancellable': { status: 409, title: 'The job has already ended' },
  'population.stage_failed': { status: 502, title: 'A file of the export could not be staged' },
})

type PopulationErrors = typeof POPULATION_ERRORS
declare module '../../core/index.ts' {
  interface ErrorCodes extends PopulationErrors {}
}
