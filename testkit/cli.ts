import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)
const bin = new URL('../bin/nexora.mjs', import.meta.url).pathname

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** A runner for the real `nexora` command in a child process, with extra environment and trailing arguments. */
export function cliRunner(options: { env?: Record<string, string>; append?: string[]; timeoutMs?: number } = {}) {
  return async (...args: string[]): Promise<CliResult> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [bin, ...args, ...(options.append ?? [])], {
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 240_000,
      })
      return { code: 0, stdout, stderr }
    } catch (e) {
      const error = e as CliResult
      return { code: error.code, stdout: error.stdout, stderr: error.stderr }
    }
  }
}
