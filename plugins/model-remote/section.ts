import { z } from 'zod'
import { fieldIssues, NexoraError, type FieldIssue, type ModelManifest } from '../../core/index.ts'
import './errors.ts'

// A manifest is data anyone with models.write registers: its limits keep one version from tying up the server.
const MAX_TIMEOUT_MS = 60_000
const MAX_RETRIES = 5
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/

const Inputs = z.discriminatedUnion('layout', [
  /** One tensor per manifest input, named as the input: number → FP64, boolean → BOOL, category → BYTES. */
  z.object({ layout: z.literal('per-feature') }).strict(),
  /** One FP64 tensor `[batch, n]`, columns in manifest order: booleans 1/0, categories by their index in `categories`. */
  z.object({ layout: z.literal('packed'), name: z.string().regex(NAME) }).strict(),
])

/**
 * The manifest's `remote` section: which Open Inference Protocol v2 server scores the model and
 * how rows become its tensors. Credentials are never here: they come from the plugin's
 * configuration, matched by the endpoint's origin.
 */
export const RemoteSectionSchema = z
  .object({
    protocol: z.enum(['rest', 'grpc']),
    /** The server's base URL (REST: `/v2/...` is appended; gRPC: the h2c or TLS address). http or https, no credentials, query or fragment. */
    endpoint: z.url({ protocol: /^https?$/ }).max(2048),
    /** The model's name on the remote server. */
    model: z.string().regex(NAME),
    /** Its version there; default the server's own default. */
    version: z.string().regex(NAME).optional(),
    inputs: Inputs.prefault({ layout: 'per-feature' }),
    /** The output tensor read as the score, `[batch]` or `[batch, k]`. */
    output: z.string().regex(NAME).default('score'),
    /** With a `[batch, k]` output (class probabilities): which column. */
    outputIndex: z.number().int().min(0).max(1023).default(0),
    /** Does the remote explain (a Nexora server does: the `explanation` BYTES output)? Default false. */
    explain: z.boolean().default(false),
    /** What the remote's contributions add up to, if it promises it, and the output at its baseline. */
    additivity: z.enum(['logit', 'output', 'none']).default('none'),
    baseline: z.number().finite().optional(),
    /** Per attempt. */
    timeoutMs: z.number().int().min(1).max(MAX_TIMEOUT_MS).default(5_000),
    /** Extra attempts after a failure that is safe to repeat (no answer, 503, UNAVAILABLE). */
    retries: z.number().int().min(0).max(MAX_RETRIES).default(2),
    /** Rows per remote call; larger batches are split. */
    maxBatch: z.number().int().min(1).max(10_000).default(512),
  })
  .strict()

export type RemoteSection = z.infer<typeof RemoteSectionSchema>

const invalid = (issues: FieldIssue[]) => new NexoraError('model.invalid_manifest', { detail: 'the remote section is invalid', issues })

/**
 * Validate `manifest.remote`. The endpoint is checked against the allowlist separately (allowlist.ts).
 * @throws NexoraError `model.invalid_manifest`, one issue per problem (paths, never values)
 * @example
 * parseRemote({ ...manifest, remote: { protocol: 'rest', endpoint: 'https://kserve.example', model: 'risk' } }).timeoutMs // 5000
 */
export function parseRemote(manifest: ModelManifest): RemoteSection {
  const parsed = RemoteSectionSchema.safeParse((manifest as ModelManifest & { remote?: unknown }).remote)
  if (!parsed.success) throw invalid(fieldIssues(parsed.error.issues).map((i) => ({ ...i, path: i.path ? `remote.${i.path}` : 'remote' })))
  const section = parsed.data
  const url = new URL(section.endpoint)
  const issues: FieldIssue[] = []
  if (url.username || url.password) issues.push({ path: 'remote.endpoint', message: 'must not carry credentials (configure them on the plugin)' })
  if (url.search || url.hash) issues.push({ path: 'remote.endpoint', message: 'must have no query or fragment' })
  if (section.additivity !== 'none' && section.baseline === undefined) issues.push({ path: 'remote.baseline', message: 'is required with additivity' })
  if (section.additivity !== 'none' && !section.explain) issues.push({ path: 'remote.additivity', message: 'needs explain: true' })
  const packed = section.inputs.layout === 'packed' ? section.inputs.name : undefined
  if (packed !== undefined && manifest.inputs.some((i) => i.name === packed))
    issues.push({ path: 'remote.inputs.name', message: 'must not be the name of an input (the server would read it as one tensor per feature)' })
  if (issues.length > 0) throw invalid(issues)
  return section
}
