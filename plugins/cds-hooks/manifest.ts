import { z } from 'zod'
import { NexoraError, type ModelManifest } from '../../core/index.ts'

/** The hooks a model may opt into: it scores the patient in context, whatever the workflow step. */
export const HOOKS = ['patient-view', 'order-select', 'order-sign'] as const
export type Hook = (typeof HOOKS)[number]

const Coding = z.object({ system: z.string().min(1), code: z.string().min(1), display: z.string().min(1) })
const probability = z.number().min(0).max(1)

/**
 * The `cdsHooks` section of a model manifest: the model's opt-in to the CDS Hooks front door.
 * Without it the model is not offered at `GET /cds-services`.
 */
export const CdsHooksSectionSchema = z
  .object({
    hooks: z.array(z.enum(HOOKS)).min(1).default(['patient-view']),
    title: z.string().min(1).max(100),
    description: z.string().min(1).max(1000),
    /** What the score is the risk of, for the card's summary (default: the title). */
    outcome: z.string().min(1).max(80).optional(),
    /** A score at or above `warning` (`critical`) makes the card's indicator warning (critical); below, info. */
    thresholds: z.object({ warning: probability, critical: probability }),
    /** Below this score the service answers `{"cards": []}`. Default 0: every assessment is reported. */
    reportAt: probability.default(0),
    /** Suggestions on the card: record the RiskAssessment; order a follow-up at warning and above. */
    suggestions: z
      .object({
        riskAssessment: z.boolean().default(true),
        followUp: z
          .object({
            label: z.string().min(1).max(100),
            text: z.string().min(1).max(200),
            code: Coding.omit({ display: true }).extend({ display: z.string().optional() }).optional(),
          })
          .optional(),
      })
      .default({ riskAssessment: true }),
    /** Reasons a clinician may give when overriding the card (each needs a display, per the spec). */
    overrideReasons: z.array(Coding).max(20).optional(),
    /**
     * Add `date=ge{{today() - N days}}` look-back windows to the prefetch templates. These are the
     * simpler-FHIRPath tokens of CDS Hooks 3.0; a 2.0 client does not know them, so the default is
     * off and the look-back windows are applied to whatever the client sends.
     */
    windowTokens: z.boolean().default(false),
  })
  .refine((s) => s.thresholds.warning <= s.thresholds.critical, { message: 'thresholds.warning must not exceed thresholds.critical', path: ['thresholds'] })

export type CdsHooksSection = z.infer<typeof CdsHooksSectionSchema>

/**
 * The model's CDS Hooks section, validated; undefined when the model has not opted in.
 * A malformed section is a manifest error (it names the field paths, never values).
 * @example
 * cdsHooksSection(stored.manifest)?.thresholds // { warning: 0.2, critical: 0.4 }
 */
export function cdsHooksSection(manifest: ModelManifest): CdsHooksSection | undefined {
  const raw = (manifest as ModelManifest & { cdsHooks?: unknown }).cdsHooks
  if (raw === undefined) return undefined
  const parsed = CdsHooksSectionSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  throw new NexoraError('model.invalid_manifest', {
    detail: `model "${manifest.name}" has an invalid cdsHooks section`,
    issues: parsed.error.issues.map((i) => ({ path: ['cdsHooks', ...i.path].join('.'), message: i.message })),
  })
}
