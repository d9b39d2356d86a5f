/** Done of total as a native progress bar with the numbers beside it (a bar alone says nothing to a screen reader). */
export function ProgressBar({ done, total, label }: { done: number; total: number; label: string }) {
  // Before staging ends the total is unknown (0): an indeterminate bar, not a full one.
  const known = total > 0
  return (
    <span className="job-progress">
      <progress aria-label={label} value={known ? Math.min(done, total) : undefined} max={known ? total : undefined} />
      <span>{known ? `${done.toLocaleString()}/${total.toLocaleString()}` : 'counting…'}</span>
    </span>
  )
}
