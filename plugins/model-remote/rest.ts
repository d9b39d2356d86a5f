import { z } from 'zod'
import { NexoraError } from '../../core/index.ts'
import { bearerOf, type RemoteEndpoint } from './allowlist.ts'
import './errors.ts'
import { isTimeout } from './retry.ts'
import type { RemoteSection } from './section.ts'
import type { InferRequest, OutputTensor } from './tensors.ts'

/** What the REST client needs of fetch (Node's global one reuses connections; node.ts passes an mTLS one). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>

/** One inference on a remote server: the request's outputs, or a coded error. */
export interface InferClient {
  infer(request: InferRequest, signal: AbortSignal): Promise<OutputTensor[]>
  /** Let go of connections this client alone holds. */
  close?(): void
}

const InferResponseSchema = z.object({
  outputs: z.array(z.object({ name: z.string(), datatype: z.string(), shape: z.array(z.number()), data: z.array(z.unknown()) }).loose()),
})
// A Nexora error body starts with its code in brackets: the code is safe to repeat, the rest is not ours to log.
const CODE = /^\[([a-z][a-z0-9_]*\.[a-z0-9_.]+)\]/

/** `endpoint/v2/models/{model}[/versions/{version}]/infer`, the path a KServe, Triton or MLServer server answers. */
export function inferUrl(section: RemoteSection): string {
  const base = section.endpoint.replace(/\/+$/, '')
  const version = section.version ? `/versions/${encodeURIComponent(section.version)}` : ''
  return `${base}/v2/models/${encodeURIComponent(section.model)}${version}/infer`
}

async function refusal(response: globalThis.Response): Promise<NexoraError> {
  const text = await response.text().catch(() => '')
  let code: string | undefined
  try {
    code = CODE.exec(String((JSON.parse(text) as { error?: unknown }).error ?? ''))?.[1]
  } catch {
    code = undefined
  }
  const what = `HTTP ${response.status}${code ? ` ${code}` : ''}`
  if (response.status === 503) return new NexoraError('remote.unavailable', { detail: what })
  if (response.status >= 500) return new NexoraError('remote.bad_response', { detail: what })
  const hint = response.status === 401 || response.status === 403 ? ': the server refused the configured credentials' : ''
  return new NexoraError('remote.refused', { detail: `${what}${hint}` })
}

/**
 * The OIP v2 REST client for one manifest. The bearer token goes only to the configured origin
 * (the URL is built from the manifest's endpoint, which matched it), and a redirect is never
 * followed: fetch would carry the header to wherever it points.
 */
export function restClient(section: RemoteSection, endpoint: RemoteEndpoint, fetchFn: FetchLike): InferClient {
  const url = inferUrl(section)
  return {
    async infer(request, signal) {
      const authorization = await bearerOf(endpoint)
      let response: globalThis.Response
      try {
        response = await fetchFn(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify(request),
          redirect: 'manual',
          signal,
        })
      } catch (cause) {
        if (signal.aborted || isTimeout(cause)) throw new NexoraError('remote.timeout', { detail: 'no answer within timeoutMs', cause })
        throw new NexoraError('remote.unavailable', { detail: 'no connection or no answer', cause })
      }
      if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
        await response.body?.cancel()
        throw new NexoraError('remote.bad_response', { detail: `HTTP ${response.status || 'redirect'}: redirects are not followed` })
      }
      if (!response.ok) throw await refusal(response)
      let body: unknown
      try {
        body = await response.json()
      } catch (cause) {
        if (signal.aborted || isTimeout(cause)) throw new NexoraError('remote.timeout', { detail: 'the answer did not arrive within timeoutMs', cause })
        throw new NexoraError('remote.bad_response', { detail: 'the body is not JSON' })
      }
      const parsed = InferResponseSchema.safeParse(body)
      if (!parsed.success) throw new NexoraError('remote.bad_response', { detail: 'the body is not an inference response (outputs)' })
      return parsed.data.outputs
    },
  }
}
