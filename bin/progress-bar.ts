import type { JobStatus } from '../plugins/population/index.ts'

const WIDTH = 30

/** One line of a job's progress: a bar, done/total, rate and ETA (counts and codes only: no patient). */
export function progressLine(status: JobStatus): string {
  const { total, done, failed, skipped, rate, etaSeconds } = status.progress
  const share = total > 0 ? done / total : status.job.state === 'completed' ? 1 : 0
  const filled = Math.round(share * WIDTH)
  const eta = etaSeconds === null ? '' : ` ETA ${etaSeconds}s`
  const extra = [skipped ? `${skipped} skipped` : '', failed ? `${failed} failed` : ''].filter(Boolean).join(', ')
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${status.job.state} ${done}/${total} ${Math.floor(share * 100)}%` +
    `${rate ? ` ${rate.toFixed(0)} patients/s` : ''}${eta}${extra ? ` (${extra})` : ''}`
  )
}

/**
 * Draws the line in place on a terminal; elsewhere (a CI log, a pipe) writes it when it changes,
 * at most every `everyMs`, so a log is not flooded.
 */
export function progressWriter(stream: { isTTY?: boolean; write(text: string): unknown }, everyMs = 5000) {
  let last = 0
  let lastLine = ''
  return {
    update(status: JobStatus) {
      const line = progressLine(status)
      if (stream.isTTY) stream.write(`\r${line}\u001b[K`)
      else if (line !== lastLine && Date.now() - last >= everyMs) {
        stream.write(`${line}\n`)
        last = Date.now()
      }
      lastLine = line
    },
    done(status: JobStatus) {
      stream.write(`${stream.isTTY ? '\r' : ''}${progressLine(status)}${stream.isTTY ? '\u001b[K' : ''}\n`)
    },
  }
}
