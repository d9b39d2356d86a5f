/**
 * A FHIR Bulk Data `$export` client (Bulk Data Access IG 2.0): kick-off at system, `Patient` or
 * `Group/{id}` level with `_type`, `_since` and `_typeFilter`; polling of the status URL honouring
 * `Retry-After` and reporting `X-Progress`; the manifest's NDJSON files read as a stream (one
 * resource at a time, never a whole file); the `error` files' OperationOutcomes; the export
 * deleted when done. Credentials go only where the FHIR client's go: the status URL and any file
 * that `requiresAccessToken` must lie on the base URL (`fhir.untrusted_link` otherwise); a file
 * that needs no token (a signed storage URL) is fetched without one.
 */
import { type FhirResource, NexoraError } from '../../core/index.ts'
import { type BaseUrl, onBase } from './base-url.ts'
import { parseResource } from './parse.ts'
import { retryDelayMs } from './retry.ts'
import type { Request } from './transport.ts'

export interface BulkExportRequest {
  /** `system` (`/$export`), `patient` (`/Patient/$export`) or `group` (`/Group/{group}/$export`). */
  level: 'system' | 'patient' | 'group'
  group?: string
  /** Resource types to export (`_type`). Default: the server's choice (all it holds). */
  types?: string[]
  /** Only resources changed after this instant (`_since`). */
  since?: string
  /** FHIR search queries that narrow a type (`_typeFilter`), e.g. `Observation?category=laboratory`. */
  typeFilters?: string[]
}

export interface BulkManifest {
  transactionTime: string
  request: string
  requiresAccessToken: boolean
  output: { type?: string; url: string; count?: number }[]
  error: { type?: string; url: string }[]
}

export interface BulkExportProgress {
  /** The server's `X-Progress`, as it wrote it (e.g. "42% exported"). */
  progress?: string
  polls: number
}

export interface BulkExport {
  statusUrl: string
  manifest: BulkManifest
  /** Every exported resource, file after file (`type`: one type's files only), parsed and checked as it streams. */
  resources(type?: string): AsyncIterable<FhirResource>
  /** The resources of one output file (its index in `manifest.output`): several processes may each stream one. */
  file(index: number): AsyncIterable<FhirResource>
  /** The OperationOutcomes of the manifest's `error` files. */
  errors(): Promise<FhirResource[]>
  /** Ask the server to delete the export's files (`DELETE` on the status URL). */
  remove(): Promise<void>
}

export interface BulkExportDeps {
  request: Request
  base: BaseUrl
  /** For files that need no token: plain fetch, no credentials. */
  fetch: typeof fetch
  sleep(ms: number): Promise<void>
  now(): number
}

const levelPath = (r: BulkExportRequest) => {
  if (r.level === 'system') return '$export'
  if (r.level === 'patient') return 'Patient/$export'
  if (!r.group || !/^[A-Za-z0-9\-.]{1,64}$/.test(r.group)) throw new NexoraError('request.invalid', { detail: 'a group export needs a FHIR id' })
  return `Group/${r.group}/$export`
}

function checkManifest(body: unknown): BulkManifest {
  const m = body as Partial<BulkManifest> | undefined
  // STU 4 lets an entry go without `type` (error files; output organised by patient).
  const files = (list: unknown) => Array.isArray(list) && list.every((f) => typeof f?.url === 'string' && (f.type === undefined || typeof f.type === 'string'))
  if (!m || typeof m.transactionTime !== 'string' || !files(m.output) || (m.error !== undefined && !files(m.error)))
    throw new NexoraError('fhir.invalid_resource', { detail: 'the bulk export manifest lacks transactionTime, output or error' })
  return {
    transactionTime: m.transactionTime,
    request: String(m.request ?? ''),
    requiresAccessToken: m.requiresAccessToken === true,
    output: m.output!,
    error: m.error ?? [],
  }
}

/** NDJSON lines from a byte stream, one at a time, parsed and checked; a bad line is named by number, never quoted. */
async function* ndjson(stream: ReadableStream<Uint8Array> | null | undefined, file: string): AsyncIterable<FhirResource> {
  if (!stream) return
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let rest = ''
  let line = 0
  const parse = (text: string) => {
    line++
    try {
      return parseResource(JSON.parse(text))
    } catch (error) {
      if (error instanceof NexoraError)
        throw new NexoraError(error.code, { detail: `${file}, line ${line}: ${error.detail ?? error.code}`, issues: error.issues })
      throw new NexoraError('fhir.invalid_resource', { detail: `${file}, line ${line}: not JSON` })
    }
  }
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>
    try {
      chunk = await reader.read()
    } catch {
      // The connection broke mid-file (a reset, a timeout): retryable, and named by line, not by the network's words.
      throw new NexoraError('fhir.unavailable', { detail: `${file}: the download broke off after line ${line}` })
    }
    const { value, done } = chunk
    if (done) break
    const lines = (rest + decoder.decode(value, { stream: true })).split('\n')
    rest = lines.pop()!
    for (const text of lines) if (text.trim()) yield parse(text.trim())
  }
  rest += decoder.decode()
  if (rest.trim()) yield parse(rest.trim())
}

/**
 * Kick off an export and wait for its manifest.
 * @example
 * const exp = await bulkExport(deps, { level: 'group', group: 'ward-7', types: ['Patient', 'Observation'] })
 * for await (const r of exp.resources()) …
 * await exp.remove()
 */
export async function bulkExport(
  deps: BulkExportDeps,
  request: BulkExportRequest,
  options: { onProgress?(p: BulkExportProgress): void; maxWaitMs?: number; signal?: AbortSignal } = {},
): Promise<BulkExport> {
  const params = new URLSearchParams({ _outputFormat: 'application/fhir+ndjson' })
  if (request.types?.length) params.set('_type', request.types.join(','))
  if (request.since) params.set('_since', request.since)
  for (const f of request.typeFilters ?? []) params.append('_typeFilter', f)
  const kick = await deps.request('GET', `${levelPath(request)}?${params}`, { headers: { prefer: 'respond-async' }, operation: 'export' })
  const location = kick.headers.get('content-location')
  if (kick.status !== 202 || !location) throw new NexoraError('fhir.request_failed', { detail: '$export: the server did not answer 202 with Content-Location' })
  return attachBulkExport(deps, location, options)
}

/**
 * An export kicked off before (perhaps by another process): wait for its manifest at `statusUrl`
 * (held to the server's origin, as the kick-off's answer is) and stream its files.
 */
export async function attachBulkExport(
  deps: BulkExportDeps,
  location: string,
  options: { onProgress?(p: BulkExportProgress): void; maxWaitMs?: number; signal?: AbortSignal } = {},
): Promise<BulkExport> {
  const statusUrl = onBase(deps.base, location, 'the export status URL', undefined, 'origin')
  const started = deps.now()
  let manifest: BulkManifest | undefined
  for (let polls = 1; !manifest; polls++) {
    options.signal?.throwIfAborted()
    const res = await deps.request('GET', statusUrl, { anyPathOnHost: true, operation: 'export_status' })
    if (res.status === 200) manifest = checkManifest(res.body)
    else {
      options.onProgress?.({ progress: res.headers.get('x-progress') ?? undefined, polls })
      if (options.maxWaitMs !== undefined && deps.now() - started > options.maxWaitMs)
        throw new NexoraError('fhir.unavailable', { detail: '$export: not ready within the wait allowed' })
      // Retry-After when the server says; else a gentle back-off (the IG asks clients not to poll hard).
      await deps.sleep(retryDelayMs(Math.min(polls, 6), res.headers.get('retry-after'), deps.now(), () => 1, 500, 30_000))
    }
  }

  const open = async (url: string) => {
    if (manifest!.requiresAccessToken) {
      const file = onBase(deps.base, url, 'an export file', undefined, 'origin')
      const res = await deps.request('GET', file, {
        stream: true,
        anyPathOnHost: true,
        headers: { accept: 'application/fhir+ndjson' },
        operation: 'export_file',
      })
      return res.stream
    }
    // No token asked for: fetch it bare, wherever it is (https only, or the server's own origin).
    const target = new URL(url, `${deps.base.href}/`)
    if (target.protocol !== 'https:' && target.origin !== deps.base.origin)
      throw new NexoraError('fhir.untrusted_link', { detail: 'an export file is not https' })
    const res = await deps.fetch(target.href, { headers: { accept: 'application/fhir+ndjson' }, redirect: 'follow' })
    if (!res.ok) throw new NexoraError('fhir.request_failed', { detail: `export file: HTTP ${res.status}` })
    return res.body
  }
  const done = manifest
  return {
    statusUrl,
    manifest: done,
    async *resources(type) {
      for (const [i, file] of done.output.entries()) {
        if (type && file.type !== type) continue
        yield* ndjson(await open(file.url), `output file ${i + 1} (${file.type ?? 'resources'})`)
      }
    },
    async *file(index) {
      const file = done.output[index]
      if (!file) throw new NexoraError('request.invalid', { detail: `the export has no output file ${index + 1}` })
      yield* ndjson(await open(file.url), `output file ${index + 1} (${file.type ?? 'resources'})`)
    },
    async errors() {
      const out: FhirResource[] = []
      for (const [i, file] of done.error.entries()) for await (const r of ndjson(await open(file.url), `error file ${i + 1}`)) out.push(r)
      return out
    },
    async remove() {
      await deps.request('DELETE', statusUrl, { accept: [202, 404], anyPathOnHost: true, operation: 'export_cancel' })
    },
  }
}
