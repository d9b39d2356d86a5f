import fhirpath from 'fhirpath'
import r4 from 'fhirpath/fhir-context/r4'
import { NexoraError, type FhirResource } from '../../core/index.ts'

export type Compiled = (resource: FhirResource) => unknown[]

const cache = new Map<string, Compiled>()

/**
 * Compile a FHIRPath expression once with the R4 model (compiled evaluation is about 15×
 * faster than `evaluate`), and reuse it for every resource of every patient.
 */
export function compilePath(expression: string): Compiled {
  const hit = cache.get(expression)
  if (hit) return hit
  let fn: (r: unknown) => unknown
  try {
    fn = fhirpath.compile(expression, r4 as never) as (r: unknown) => unknown
  } catch (cause) {
    throw new NexoraError('request.invalid', { detail: `invalid FHIRPath: ${expression}`, cause })
  }
  const compiled: Compiled = (resource) => {
    const out = fn(resource)
    return Array.isArray(out) ? out : [out]
  }
  cache.set(expression, compiled)
  return compiled
}
