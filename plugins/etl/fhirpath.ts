import { importOptional, NexoraError, type FhirResource } from '../../core/index.ts'

export type Compiled = (resource: FhirResource) => unknown[]

// fhirpath is an optional peer (with its UCUM and date libraries, 14 MB): loaded once when this
// module is, and a missing install surfaces as dependency.missing from the first compile, not at import.
const engine = await importOptional('fhirpath', () => Promise.all([import('fhirpath'), import('fhirpath/fhir-context/r4')]), 'FHIRPath feature specs').then(
  ([fhirpath, r4]) => ({ fhirpath: fhirpath.default, r4: r4.default }),
  (error: unknown) => error as Error,
)

const cache = new Map<string, Compiled>()

/**
 * Compile a FHIRPath expression once with the R4 model (compiled evaluation is about 15×
 * faster than `evaluate`), and reuse it for every resource of every patient.
 */
export function compilePath(expression: string): Compiled {
  const hit = cache.get(expression)
  if (hit) return hit
  if (engine instanceof Error) throw engine
  let fn: (r: unknown) => unknown
  try {
    fn = engine.fhirpath.compile(expression, engine.r4 as never) as (r: unknown) => unknown
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
