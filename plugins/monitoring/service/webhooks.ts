import { traceHeaders, withSpan, type AuditLogger, type Clock, type Logger, type MetricsRegistry, type TraceSpan } from '../../../core/index.ts'

export interface WebhookOptions {
  fetch?: typeof fetch
  clock: Clock
  logger: Logger
  metrics: MetricsRegistry
  /** Tries per delivery, the first included. Default 4. */
  attempts?: number
  /** Wait before retry n: base × 4^(n−1), so 0.5 s, 2 s, 8 s by default. */
  baseDelayMs?: number
  /** Per-attempt time limit. Default 5 s. */
  timeoutMs?: number
  /** When set, each body is signed: `X-Nexora-Signature: sha256=<hex HMAC of the body>`. */
  secret?: string
  /** Injected so tests need not wait for real back-off. */
  sleep?: (ms: number) => Promise<void>
}

export interface WebhookDelivery {
  /** Deliver in the background; the promise settles when it is delivered or given up (never rejects). */
  send(url: string, kind: string, payload: Record<string, unknown>): Promise<{ ok: boolean; attempts: number; status?: number }>
  /** The audit logger arrives when the front door registers. */
  attach(audit: AuditLogger): void
  /** Wait for deliveries in flight (on close). */
  drain(): Promise<void>
}

/** The target's host for a span; an unusable URL fails its delivery later, not the caller now. */
const hostOf = (url: string) => {
  try {
    return new URL(url).host
  } catch {
    return 'invalid'
  }
}

const hex = (buf: ArrayBuffer) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('')

async function sign(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return `sha256=${hex(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)))}`
}

/**
 * Alert webhooks with retry: a 2xx is delivered; a network error, a timeout, 408, 429 or a 5xx is
 * retried with exponential back-off; another 4xx is given up at once (the receiver refused it).
 * Each delivery — delivered or given up — leaves one audit event with the target host, the attempts
 * and the last status. Payloads carry ids, codes and numbers, never PHI.
 */
export function webhookDelivery(o: WebhookOptions): WebhookDelivery {
  const doFetch = o.fetch ?? fetch
  const attempts = o.attempts ?? 4
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const inFlight = new Set<Promise<unknown>>()
  const outcomes = o.metrics.counter('nexora_webhook_deliveries_total', 'Alert webhook deliveries, by kind and result')
  let audit: AuditLogger | undefined

  // One client span per delivery: the target's host (a URL's path or query may hold a token), the kind, attempts and status.
  const deliver = (url: string, kind: string, payload: Record<string, unknown>) =>
    withSpan('webhook.delivery', { 'server.address': hostOf(url), 'nexora.webhook.kind': kind }, (span) => attempt(url, kind, payload, span), {
      kind: 'client',
    })

  async function attempt(url: string, kind: string, payload: Record<string, unknown>, span: TraceSpan) {
    const body = JSON.stringify({ kind, sentAt: new Date(o.clock.now()).toISOString(), ...payload })
    // The trace context lets the receiver join its own trace to the alert's (ids only).
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'nexora-webhook/1', ...traceHeaders() }
    if (o.secret) headers['x-nexora-signature'] = await sign(o.secret, body)
    let status: number | undefined
    let tried = 0
    for (; tried < attempts; ) {
      if (tried > 0) await sleep((o.baseDelayMs ?? 500) * 4 ** (tried - 1))
      tried++
      try {
        // `manual`: the signed body and its signature go to the configured URL only; a redirect is a failed delivery.
        const res = await doFetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs ?? 5000) })
        status = res.status
        await res.body?.cancel()
        if (res.ok) break
        if (status < 500 && status !== 408 && status !== 429) break
      } catch {
        status = undefined
      }
    }
    const ok = status !== undefined && status >= 200 && status < 300
    span.set({ 'http.response.status_code': status, 'nexora.webhook.attempts': tried })
    if (!ok) span.fail('webhook.failed')
    outcomes.inc({ kind, result: ok ? 'delivered' : 'failed' })
    if (!ok) o.logger.warn('webhook.failed', { code: kind, count: tried, status })
    await audit
      ?.logDataAccess({
        userId: 'nexora-monitoring',
        action: 'webhook.delivery',
        outcome: ok ? 'success' : 'failure',
        reason: ok ? undefined : `status ${status ?? 'none'}`,
        context: { kind, target: new URL(url).host, attempts: tried, status: status ?? null, id: payload.id ?? payload.rule ?? null },
      })
      .catch(() => o.logger.error('webhook.audit_failed', { code: kind }))
    return { ok, attempts: tried, status }
  }

  return {
    send(url, kind, payload) {
      const run = deliver(url, kind, payload)
      inFlight.add(run)
      run.finally(() => inFlight.delete(run)).catch(() => {})
      return run
    },
    attach(a) {
      audit = a
    },
    async drain() {
      await Promise.allSettled([...inFlight])
    },
  }
}
