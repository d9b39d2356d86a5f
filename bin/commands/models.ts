import { parseFlags, UsageError, type Command } from '../args.ts'
import { openNexora } from './open.ts'

export const modelsCommand: Command = {
  name: 'models',
  summary: 'List registered models (models list)',
  usage: `nexora models list [--db file:./data/nexora.db]

  Prints every model with its versions, stages and aliases as JSON.`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { db: { type: 'string' } })
    if (positionals[0] !== 'list' || positionals.length > 1) throw new UsageError(`expected "nexora models list"`)
    const nexora = await openNexora(values.db)
    try {
      io.out(JSON.stringify({ models: await nexora.registry.list() }, null, 2))
    } finally {
      await nexora.close()
    }
    return 0
  },
}
