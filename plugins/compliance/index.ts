import { definePlugin, type FrontDoor } from '../../core/index.ts'
import { deidExportStage, type DeidExportStageOptions, type DeidKey, type HmacSha256 } from '../deid/index.ts'
import { phiPolicies, phiRoutes } from './routes.ts'

/**
 * The PHI front door: `POST /phi/detect` and `POST /deidentify` (scope `nexora/deid`), audited
 * with counts by type. Without a key, /deidentify answers 503 and /phi/detect still works.
 * @example
 * await createNexora({ plugins: [..., phiEndpoints({ key: process.env.NEXORA_DEID_KEY })] })
 */
export function phiEndpoints(options: { key?: DeidKey; hmac?: HmacSha256 } = {}) {
  return definePlugin({
    name: 'phi-endpoints',
    provides: 'frontDoor',
    setup: (): FrontDoor => ({ name: 'phi', policies: phiPolicies, register: (app, ctx) => phiRoutes(app, ctx, options.key, options.hmac) }),
  })
}

/** The `deid-export` compliance stage, for routes that export data (audit exports, training sets). */
export function deidExport(options: DeidExportStageOptions) {
  return definePlugin({ name: 'deid-export', provides: 'complianceStage', setup: () => deidExportStage(options) })
}

export { phiGuard, phiGuardStage, PREDICT_TEXTS, ADVERSE_EVENT_TEXTS, type GuardRule, type PhiGuardOptions } from './phi-guard.ts'
/** The codes this plugin raises (registered on import); docs/api.md lists them with core's. */
export { COMPLIANCE_ERRORS } from './errors.ts'
