import { NexoraError } from '../../core/index.ts'
import type { ComplianceContext, ComplianceStage } from '../../core/ports/compliance.ts'
import type { FhirResource } from '../../core/index.ts'
import { deidentifyBundle, deidentifyResource, type BundleLike } from './resource.ts'
import { deidentifyText } from './text.ts'
import type { DeidOptions } from './types.ts'

export interface DeidExportStageOptions extends DeidOptions {
  /** Which routes export data. Default: routes whose name starts with `export`. */
  routes?: string[] | ((route: string) => boolean)
}

const isResource = (v: unknown): v is FhirResource => typeof v === 'object' && v !== null && typeof (v as FhirResource).resourceType === 'string'

/**
 * A `post` compliance stage that de-identifies what an export route returns: a string, a FHIR
 * resource, a Bundle, or an array of these. Any other shape is refused, not passed through: an
 * export stage that lets unknown payloads by would leak whatever they hold.
 * @example
 * const stage = deidExportStage({ key: env.DEID_KEY, routes: ['export-fhir'] })
 */
export function deidExportStage(options: DeidExportStageOptions): ComplianceStage {
  const { routes, ...deid } = options
  const applies = typeof routes === 'function' ? routes : routes ? (r: string) => routes.includes(r) : (r: string) => r.startsWith('export')
  const one = async (payload: unknown): Promise<unknown> => {
    if (typeof payload === 'string') return (await deidentifyText(payload, deid)).text
    if (isResource(payload)) {
      return payload.resourceType === 'Bundle'
        ? (await deidentifyBundle(payload as BundleLike, deid)).bundle
        : (await deidentifyResource(payload, deid)).resource
    }
    throw new NexoraError('internal', { detail: 'deid-export cannot de-identify this payload shape' })
  }
  return {
    name: 'deid-export',
    order: 'post',
    appliesTo: applies,
    async process<T>(_ctx: ComplianceContext, payload: T): Promise<T> {
      // Sequential, not Promise.all: each item already batches its HMACs, and exports can be large.
      if (Array.isArray(payload)) {
        const out: unknown[] = []
        for (const p of payload) out.push(await one(p))
        return out as T
      }
      return (await one(payload)) as T
    },
  }
}
