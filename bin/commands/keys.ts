import { loadConfig } from '../../core/index.ts'
import { parseFlags, UsageError, type Command } from '../args.ts'
import { loadOrCreateDevIdentity } from '../dev-identity.ts'

export const keysCommand: Command = {
  name: 'keys',
  summary: 'Make the dev key pair and dev token without starting a server (keys dev)',
  usage: `nexora keys dev [--data-dir DIR] [--print]

  Makes (or keeps) dev mode's ES384 key pair and a 30-day dev token in the data directory
  (default NEXORA_DATA_DIR, else ./data), as \`nexora serve\` does in dev mode, so replicas and
  scripts sharing the directory share the dev identity. Prints the token file's path, or with
  --print the token itself (e.g. TOKEN=$(nexora keys dev --print)).`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { 'data-dir': { type: 'string' }, print: { type: 'boolean' } })
    if (positionals[0] !== 'dev' || positionals.length > 1) throw new UsageError('expected "nexora keys dev"')
    const dataDir = values['data-dir'] ?? loadConfig({ get: (name) => (name === 'NEXORA_DATA_DIR' ? process.env[name] : undefined) }).dataDir
    const dev = await loadOrCreateDevIdentity(dataDir)
    io.out(values.print ? dev.token : dev.tokenFile)
    return 0
  },
}
