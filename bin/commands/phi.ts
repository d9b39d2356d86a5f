import { readFile } from 'node:fs/promises'
import { detectPhi } from '../../plugins/phi/index.ts'
import { parseFlags, UsageError, type Command } from '../args.ts'

export const phiCommand: Command = {
  name: 'phi',
  summary: 'Detect PHI in a text file (phi detect)',
  usage: `nexora phi detect --text-file FILE [--json]

  Prints {"entities":[{"start":…,"end":…,"type":"…","score":…,"detector":"…"}]}; offsets are
  UTF-16 code units into the file's text (JavaScript string indices), end exclusive.`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    if (sub !== 'detect') throw new UsageError('expected "nexora phi detect"')
    const { values } = parseFlags(rest, { 'text-file': { type: 'string' }, json: { type: 'boolean' } })
    if (!values['text-file']) throw new UsageError('--text-file is required')
    const text = await readFile(values['text-file'], 'utf8').catch(() => { throw new UsageError(`--text-file: cannot read ${values['text-file']}`) })
    const entities = detectPhi(text).map(({ start, end, type, score, detector }) => ({ start, end, type, score, detector }))
    io.out(JSON.stringify({ entities }, null, values.json ? undefined : 2))
    return 0
  },
}
