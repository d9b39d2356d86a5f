import { z } from '@hono/zod-openapi'

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
    /** HTI-1 source attributes (checked by core/registry/source-attributes.ts). */
    sourceAttributes: z.record(z.string(), z.unknown()).optional(),
    /** The manifest's signature (checked by core/registry/signature.ts). */
    signature: z.record(z.string(), z.unknown()).optional(),
    /** A site recalibration of the base model's score (checked by core/registry/calibrated-model.ts). */
    calibration: z.record(z.string(), z.unknown()).optional(),
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
