import { z } from '@hono/zod-openapi'

/**
 * The identifier fields of adverse events and outcomes leave Nexora in webhooks and audit
 * context, so they take identifier characters only: free text (a name, an MRN in a sentence)
 * cannot pass as one. Model names follow the manifest's rule; a prediction id is the
 * `<requestId>#<row>` a response gave.
 */
export const CODE_PATTERNS = {
  model: /^[a-z0-9][a-z0-9._-]{0,127}$/,
  version: /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/,
  predictionId: /^[A-Za-z0-9_=:.-]{1,128}#\d{1,9}$/,
} as const

/** The zod fields for the patterns above (messages describe the shape, never the value). */
export const CODE_FIELDS = {
  model: z.string().regex(CODE_PATTERNS.model, 'a model name: lower-case letters, digits, ".", "_" and "-"'),
  version: z.string().regex(CODE_PATTERNS.version, 'a version: letters, digits, ".", "+" and "-"'),
  predictionId: z.string().regex(CODE_PATTERNS.predictionId, 'a prediction id: <requestId>#<row>'),
}

/** The value when it has the shape of its code, else null: a stored value never leaves as free text. */
export function codeOrNull(field: keyof typeof CODE_PATTERNS, value: string | null | undefined): string | null {
  return typeof value === 'string' && CODE_PATTERNS[field].test(value) ? value : null
}
