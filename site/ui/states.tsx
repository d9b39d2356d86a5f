import type { ReactNode } from 'react'
import { ApiError } from '../api/client.ts'

/** Loading, empty and error states: every page shows one of these instead of a blank area. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="state" role="status" aria-live="polite">
      {label}
    </p>
  )
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state empty">{children}</p>
}

/** An API error by its problem+json title (and detail when it has one); never a stack trace. */
export function ErrorState({ error }: { error: unknown }) {
  const title = error instanceof ApiError ? error.title : 'Something went wrong'
  const detail = error instanceof ApiError ? error.detail : undefined
  return (
    <div className="state error" role="alert">
      <strong>{title}</strong>
      {detail ? <span> — {detail}</span> : null}
    </div>
  )
}

/** Progress of a long operation (training, export, verification). */
export function Progress({ label, value }: { label: string; value?: number }) {
  return (
    <div className="state" role="status">
      <label>
        {label} <progress value={value} max={value === undefined ? undefined : 1} />
      </label>
    </div>
  )
}
