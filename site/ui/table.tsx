import type { ReactNode } from 'react'

/** A number for a table cell: integers as they are, others to `digits` places, missing as an em dash. */
export const fmtCell = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(digits)

/** A horizontally scrollable table container that keyboards can reach (axe: scrollable-region-focusable). */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  )
}
