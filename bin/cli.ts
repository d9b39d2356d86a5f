import { NexoraError } from '../core/index.ts'
import { UsageError, type Command, type Io } from './args.ts'
import { auditCommand } from './commands/audit.ts'
import { configCommand } from './commands/config.ts'
import { deidCommand } from './commands/deid.ts'
import { driftCommand } from './commands/drift.ts'
import { evaluateCommand } from './commands/evaluate.ts'
import { phiCommand } from './commands/phi.ts'
import { pluginCommand } from './commands/plugin.ts'
import { fhirCommand } from './commands/fhir.ts'
import { keysCommand } from './commands/keys.ts'
import { modelsCommand } from './commands/models.ts'
import { populationCommand } from './commands/population.ts'
import { predictCommand } from './commands/predict.ts'
import { serveCommand } from './commands/serve.ts'
import { survivalCommand } from './commands/survival.ts'
import { trainCommand } from './commands/train.ts'
import { workerCommand } from './commands/worker.ts'

const COMMANDS: Command[] = [
  serveCommand,
  configCommand,
  keysCommand,
  modelsCommand,
  predictCommand,
  trainCommand,
  pluginCommand,
  survivalCommand,
  phiCommand,
  deidCommand,
  evaluateCommand,
  driftCommand,
  auditCommand,
  fhirCommand,
  populationCommand,
  workerCommand,
]

const overview = () => `Nexora: clinical machine learning — score, explain, audit.

Usage: nexora <command> [flags]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Run "nexora <command> --help" for a command's flags.`

const stdio: Io = { out: (t) => process.stdout.write(t + '\n'), err: (t) => process.stderr.write(t + '\n') }

/** Run the CLI; returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview())
    return name ? 0 : 2
  }
  const command = COMMANDS.find((c) => c.name === name)
  if (!command) {
    io.err(`nexora: unknown command "${name}"\n\n${overview()}`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.summary}\n\nUsage: ${command.usage}`)
    return 0
  }
  try {
    return await command.run(rest, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`nexora ${command.name}: ${error.message}\n\nUsage: ${command.usage}`)
      return 2
    }
    // A configuration or plugin problem: its code and what to fix, without a stack trace.
    if (error instanceof NexoraError && (error.code === 'config.invalid' || error.code.startsWith('plugin.'))) {
      io.err(`nexora ${command.name}: ${error.message}`)
      for (const issue of error.issues ?? []) io.err(`  ${issue.path}: ${issue.message}`)
      return 1
    }
    throw error
  }
}
