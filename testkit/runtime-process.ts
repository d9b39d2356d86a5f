/**
 * Start a server entry script under a real runtime binary as a child process in its own process
 * group, wait for its `listening on <url>` line on stdout, and on close stop the whole group with
 * SIGTERM and check it drained and exited 0. Shared by test/runtimes/* and bench/runtimes.ts.
 */
import { spawn } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RuntimeProcess {
  /** The base URL the server printed, e.g. `http://127.0.0.1:41234`. */
  url: string
  pid: number
  /** The process's data folder (its database lives here). */
  dir: string
  /** Everything the server wrote to stdout so far. */
  stdout(): string
  /** What the server wrote to stderr (its PHI-free JSON logs; the last 64 KiB), for failure messages. */
  stderr(): string
  /** SIGTERM the process group; rejects unless it exits 0 within `stopMs`. */
  close(): Promise<void>
}

export interface SpawnRuntimeOptions {
  /** Names the runtime in every message, e.g. `deno`. */
  name: string
  /** The data folder, kept on close (to read the database afterwards). Default: a fresh temporary one, removed on close. */
  dir?: string
  /** Absolute path of the binary (see `findBinary`). */
  command: string
  /** Arguments; given the temporary folder so permissions can be scoped to it. */
  args: (dir: string) => string[]
  /** Added over the parent's environment, after NEXORA_* and PORT/HOST are removed from it. */
  env?: Record<string, string>
  /** The readiness line; its first group is the URL. Default: exactly `listening on http://127.0.0.1:<port>`. */
  ready?: RegExp
  startMs?: number
  stopMs?: number
  cwd?: string
}

const ROOT = new URL('..', import.meta.url).pathname
const READY = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m
const KEEP = 64 * 1024

/** The first candidate (relative to the repository root) that is an executable file, or a clear error. */
export function findBinary(name: string, candidates: string[], hint: string): string {
  for (const candidate of candidates) {
    const path = candidate.startsWith('/') ? candidate : join(ROOT, candidate)
    try {
      accessSync(path, constants.X_OK)
      return path
    } catch {
      /* try the next one */
    }
  }
  throw new Error(`${name} binary missing: none of ${candidates.join(', ')} is an executable file. ${hint}`)
}

/** Start the server and resolve once it printed its URL; rejects with its stderr if it exits or times out first. */
export async function spawnRuntime(options: SpawnRuntimeOptions): Promise<RuntimeProcess> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), `nexora-${options.name}-`))
  // Only what the runner passes configures the server: a NEXORA_JWKS_URL in the shell must not leak in.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NEXORA_|PORT$|HOST$)/.test(k)))
  const child = spawn(options.command, options.args(dir), {
    cwd: options.cwd ?? ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...inherited, PORT: '0', NEXORA_DB: `file:${join(dir, 'nexora.db')}`, ...options.env },
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-KEEP)
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))))
  const failed = new Promise<number | null>((resolve) => child.once('error', () => resolve(-2)))
  const gone = Promise.race([exited, failed])
  // The group, not just the child: a launcher's own children must not outlive the test run.
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal)
    } catch {
      /* already gone */
    }
  }
  const onExit = () => kill('SIGKILL')
  process.once('exit', onExit)
  const cleanup = () => {
    process.off('exit', onExit)
    if (!options.dir) rmSync(dir, { recursive: true, force: true })
  }
  const describe = () => `${options.name} (${options.command}); stdout: ${JSON.stringify(stdout.slice(0, 500))}; stderr tail: ${stderr.slice(-2000)}`

  const ready = options.ready ?? READY
  let url: string
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${options.name}: no readiness line within ${options.startMs ?? 60_000} ms: ${describe()}`)),
        options.startMs ?? 60_000,
      )
      const check = () => {
        const match = ready.exec(stdout)
        if (match) {
          clearTimeout(timer)
          resolve(match[1]!)
        }
      }
      child.stdout!.on('data', check)
      void gone.then((code) => {
        clearTimeout(timer)
        reject(new Error(`${options.name} exited with ${code} before it was ready: ${describe()}`))
      })
    })
  } catch (error) {
    kill('SIGKILL')
    await gone
    cleanup()
    throw error
  }

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      kill('SIGTERM')
      const stopMs = options.stopMs ?? 20_000
      let timer: ReturnType<typeof setTimeout> | undefined
      const code = await Promise.race([
        gone,
        new Promise<'timeout'>((r) => {
          timer = setTimeout(() => r('timeout'), stopMs)
        }),
      ])
      clearTimeout(timer)
      kill('SIGKILL')
      if (code === 'timeout') await gone
      cleanup()
      if (code !== 0)
        throw new Error(
          `${options.name} did not exit 0 after SIGTERM (${code === 'timeout' ? `still running after ${stopMs} ms` : `exit ${code}`}): ${describe()}`,
        )
    })())
  return { url, pid: child.pid!, dir, stdout: () => stdout, stderr: () => stderr, close }
}
