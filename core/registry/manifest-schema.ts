import { z } from '@hono/zod-openapi'
import { SourceAttributesDraftSchema } from './source-attributes.ts'

/** The manifest as zod sees it: used to validate registrations and to document the API. */
export const FeatureDefSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z_][A-Za-z0-9_.:-]*$/),
    type: z.enum(['number', 'boolean', 'category']),
    required: z.boolean().optional(),
    categories: z.array(z.string()).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    unit: z.string().optional(),
    description: z.string().optional(),
  })
  .openapi('FeatureDef')

export const OutputDefSchema = z
  .object({
    name: z.string(),
    type: z.enum(['probability', 'score', 'risk']),
    description: z.string().optional(),
  })
  .openapi('OutputDef')

/** A signature's shape (core/registry/signature.ts checks what it says); a malformed one is refused at registration. */
export const ModelSignatureSchema = z
  .strictObject({
    alg: z.enum(['ES384', 'EdDSA']),
    kid: z.string().min(1).max(256),
    signedAt: z.iso.datetime({ offset: true }),
    cardSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    jws: z.string().regex(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/, 'a detached compact JWS: <header>..<signature>'),
  })
  .openapi('ModelSignature', {
    description:
      'A detached compact JWS (ES384 or EdDSA) over the canonical JSON of the manifest without `signature` and `card`; see docs/security.md ' +
      '("Signed models").',
  })

const LogisticMapSchema = z.object({
  method: z.literal('logistic'),
  intercept: z.number(),
  // A slope ≤ 0 would reverse or erase the model's ranking: no recalibration does that.
  slope: z.number().positive(),
})
const IsotonicMapSchema = z.object({
  method: z.literal('isotonic'),
  x: z.array(z.number()).min(1).max(100_000),
  y: z.array(z.number().min(0).max(1)).min(1).max(100_000),
})
/** Knots are checked after the shape: one length, x strictly increasing, y non-decreasing. */
function checkKnots(map: { method: string; x?: number[]; y?: number[] }, path: (string | number)[], ctx: z.RefinementCtx) {
  if (map.method !== 'isotonic' || !map.x || !map.y) return
  const { x, y } = map
  const issue = (message: string) => ctx.addIssue({ code: 'custom', path, message })
  if (x.length !== y.length) issue('isotonic knots: x and y differ in length')
  else if (x.some((v, i) => i > 0 && !(v > x[i - 1]!))) issue('isotonic knots: x must be strictly increasing')
  else if (y.some((v, i) => i > 0 && v < y[i - 1]!)) issue('isotonic knots: y must be non-decreasing')
}
const ScoreMapSchema = z.discriminatedUnion('method', [LogisticMapSchema, IsotonicMapSchema])
const calibrationParts = {
  base: z.object({ version: z.string().min(1).max(64) }),
  prior: z.array(ScoreMapSchema).max(16).optional(),
}
export const ScoreCalibrationSchema = z
  .discriminatedUnion('method', [LogisticMapSchema.extend(calibrationParts), IsotonicMapSchema.extend(calibrationParts)])
  .superRefine((c, ctx) => {
    checkKnots(c, [], ctx)
    c.prior?.forEach((m, i) => checkKnots(m, ['prior', i], ctx))
  })
  .openapi('ScoreCalibration', {
    description:
      'A site recalibration of the base score: `logistic` σ(intercept + slope·logit(p)) or `isotonic` knots (p clipped to the first and last x, ' +
      'interpolated linearly); `base.version` was fitted on, `prior` are maps that version already applied.',
  })

export const ModelManifestSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" and "-"'),
    version: z.string().min(1).max(64),
    kind: z.string().min(1),
    description: z.string().optional(),
    inputs: z.array(FeatureDefSchema),
    outputs: z.array(OutputDefSchema).min(1),
    threshold: z.number().min(0).max(1).optional(),
    labels: z.tuple([z.string(), z.string()]).optional(),
    explanationMethod: z.string().optional(),
    training: z.record(z.string(), z.unknown()).optional(),
    metrics: z.record(z.string(), z.number()).optional(),
    files: z.record(z.string(), z.string()).optional(),
    featureSpec: z.unknown().optional(),
    card: z.string().optional(),
    /** The ONNX plugin's input/output mapping (checked by plugins/model-onnx). */
    onnx: z.unknown().optional(),
    /**
     * ONC HTI-1 source attributes (core/registry/source-attributes.ts): any subset at registration,
     * since a staging version may still be written up; promotion needs all 31.
     */
    sourceAttributes: SourceAttributesDraftSchema.optional(),
    /** The manifest's signature (checked by core/registry/signature.ts). */
    signature: ModelSignatureSchema.optional(),
    /** A site recalibration of the base model's score (applied by core/registry/calibrated-model.ts). */
    calibration: ScoreCalibrationSchema.optional(),
    /** The CDS Hooks opt-in (checked by plugins/cds-hooks). */
    cdsHooks: z.unknown().optional(),
    /**
     * Whether the model may score a patient who had died by the index time (default false: the
     * FHIR front doors refuse such a patient with `patient.deceased`, CDS Hooks answers no card).
     */
    appliesToDeceased: z
      .boolean()
      .optional()
      .openapi({
        description:
          'May the model score a patient who had died by the index time? Default false: the FHIR front door refuses (`patient.deceased`) and CDS Hooks ' +
          'answers no card.',
      }),
  })
  .openapi('ModelManifest')
