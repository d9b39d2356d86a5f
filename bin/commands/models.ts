import { parseFlags, UsageError, type Command, type Io } from '../args.ts'
import { signModel, verifyModel } from './models-sign.ts'
import { recalibrateModel } from './models-recalibrate.ts'
import { openNexora } from './open.ts'

type Subcommand = { usage: string; run(argv: string[], io: Io): Promise<number> }

const list: Subcommand = {
  usage: `nexora models list [--db file:./data/nexora.db]
      Prints every model with its versions, stages and aliases as JSON.`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { db: { type: 'string' } })
    if (positionals.length > 0) throw new UsageError(`expected "nexora models list"`)
    const nexora = await openNexora(values.db)
    try {
      io.out(JSON.stringify({ models: await nexora.registry.list() }, null, 2))
    } finally {
      await nexora.close()
    }
    return 0
  },
}

/** Each `nexora models <sub>` lives in its own module; this table names them. */
const SUBCOMMANDS: Record<string, Subcommand> = {
  list,
  sign: signModel,
  verify: verifyModel,
  recalibrate: recalibrateModel,
}

export const modelsCommand: Command = {
  name: 'models',
  summary: `The model registry (${Object.keys(SUBCOMMANDS).join(', ')})`,
  get usage() {
    return Object.values(SUBCOMMANDS)
      .map((s) => s.usage)
      .join('\n\n')
  },
  async run(argv, io) {
    const sub = SUBCOMMANDS[argv[0] ?? '']
    if (!sub) throw new UsageError(`expected "nexora models ${Object.keys(SUBCOMMANDS).join('|')}"`)
    return sub.run(argv.slice(1), io)
  },
}
