import { useState } from 'react'
import { api } from '../../api/client.ts'
import { ErrorState, Progress } from '../../ui/states.tsx'
import { formatTime } from './types.ts'

interface VerifyResult {
  ok: boolean
  events: number
  firstBadSeq?: number
  reason?: string
  checkpoint?: { seq: number; hash: string; ts: string }
}

/** POST /audit/verify: re-hash the whole chain (and check it against the latest checkpoint). */
export function VerifyChain() {
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ data: VerifyResult } | { error: unknown }>()
  const verify = async () => {
    setBusy(true)
    setResult(undefined)
    try {
      setResult({ data: await api.post<VerifyResult>('/audit/verify', {}) })
    } catch (error) {
      setResult({ error })
    } finally {
      setBusy(false)
    }
  }
  const data = result && 'data' in result ? result.data : undefined
  return (
    <section className="card" aria-labelledby="verify-h">
      <h2 id="verify-h">Verify the hash chain</h2>
      <p className="muted">Recomputes every event's hash from the one before it, so an edited, inserted or deleted event shows up.</p>
      <button type="button" onClick={() => void verify()} disabled={busy}>
        Verify chain
      </button>
      {busy ? <Progress label="Verifying the chain…" /> : null}
      {data?.ok ? (
        <p className="state ok" role="status">
          <strong>Chain OK</strong>: {data.events.toLocaleString()} events verified
          {data.checkpoint ? `, consistent with the checkpoint at seq ${data.checkpoint.seq} (${formatTime(data.checkpoint.ts)})` : ''}.
        </p>
      ) : null}
      {data && !data.ok ? (
        <div className="state error" role="alert">
          <strong>Chain broken at seq {data.firstBadSeq ?? '?'}</strong>
          {data.reason ? <span> — {data.reason}</span> : null} ({data.events.toLocaleString()} events checked).
        </div>
      ) : null}
      {result && 'error' in result ? <ErrorState error={result.error} /> : null}
    </section>
  )
}
