import { z } from 'zod'
import { redactConfig, serverConfigSchema } from '../../core/index.ts'
import { parseFlags, UsageError, type Command } from '../args.ts'
import { checkServeConfig, DEFAULT_CONFIG_FILE } from '../config-file.ts'

export const configCommand: Command = {
  name: 'config',
  summary: 'Validate the server configuration (config check) or print the effective one (config print)',
  usage: `nexora config check|print|schema [--config FILE]

  check   validates the configuration as \`nexora serve\` would load it (the file, then the NEXORA_*
          environment over it) and explains each problem with its path; exit 1 when it is invalid
  print   prints the effective configuration as JSON, every default filled in and secrets redacted
  schema  prints the JSON Schema of the file, for an editor ("$schema": "./nexora.config.schema.json")
  --config  the file (default ${DEFAULT_CONFIG_FILE} in this directory if there is one, or NEXORA_CONFIG)
  Every key, its variable and its default: docs/configuration.md.`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { config: { type: 'string' } })
    const [action, ...rest] = positionals
    if (action === 'schema' && rest.length === 0) {
      io.out(JSON.stringify(z.toJSONSchema(serverConfigSchema, { io: 'input' }), null, 2))
      return 0
    }
    if ((action !== 'check' && action !== 'print') || rest.length > 0) throw new UsageError('expected "nexora config check", "print" or "schema"')
    const result = await checkServeConfig(values.config)
    const source = result.source ?? 'the environment (no configuration file)'
    if (!result.ok) {
      io.err(`${source}: the configuration is invalid`)
      for (const issue of result.issues) io.err(`  ${issue.path}: ${issue.message}`)
      return 1
    }
    if (action === 'print') io.out(JSON.stringify(redactConfig(result.config), null, 2))
    else io.out(`${source}: the configuration is valid`)
    return 0
  },
}
