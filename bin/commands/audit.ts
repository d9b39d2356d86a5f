import { parseFlags, UsageError, type Command } from '../args.ts'
import { openNexora } from './open.ts'

const isoOrThrow = (flag: string, value: string | undefined) => {
  if (value === undefined) return undefined
  if (Number.isNaN(Date.parse(value))) throw new UsageError(`--${flag} must be an ISO-8601 date or time`)
  return new Date(value).toISOString()
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Verify the audit hash chain, or report on a window (audit verify | audit report)',
  usage: `nexora audit verify [--db URL]
nexora audit report [--from ISO] [--to ISO] [--db URL]

  verify  prints {"ok":true,"events":N} and exits 0 when the chain (and its latest
          checkpoint) is intact; otherwise {"ok":false,"firstBadSeq":K,...} and exits 1
  report  counts by user, patient, model and action, denials, and first/last access
          per patient (default window: the last 30 days)`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { db: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } })
    const [sub, ...rest] = positionals
    if (rest.length || (sub !== 'verify' && sub !== 'report')) throw new UsageError('expected "nexora audit verify" or "nexora audit report"')
    if (sub === 'verify' && (values.from || values.to)) throw new UsageError('--from and --to belong to "audit report"')
    const to = isoOrThrow('to', values.to) ?? new Date().toISOString()
    const from = isoOrThrow('from', values.from) ?? new Date(Date.parse(to) - 30 * 86_400_000).toISOString()
    const nexora = await openNexora(values.db, { models: false })
    try {
      if (sub === 'report') {
        io.out(JSON.stringify(await nexora.audit.generateReport(from, to), null, 2))
        return 0
      }
      const result = await nexora.audit.verify()
      io.out(JSON.stringify(result))
      return result.ok ? 0 : 1
    } finally {
      await nexora.close()
    }
  },
}
