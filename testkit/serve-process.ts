import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface ServeProcess {
  child: ChildProcess
  url: string
  token: string
  exited: Promise<number | null>
  /** Everything the server wrote to stderr (its logs). */
  stderr(): string
}

export interface StartServeOptions {
  /** The database URL (e.g. a `postgres://` one shared by several replicas). Default: `nexora.db` in `dir`. */
  db?: string
  /** More `nexora serve` arguments (`--config FILE`, `--plugin MODULE`). */
  args?: string[]
}

/** Start `nexora serve` as a real process on a free port, with its data (and by default its database) in `dir`. */
export async function startServe(dir: string, env: Record<string, string> = {}, options: StartServeOptions = {}): Promise<ServeProcess> {
  const db = options.db ?? `file:${join(dir, 'nexora.db')}`
  const child = spawn(process.execPath, [new URL('../bin/nexora.mjs', import.meta.url).pathname, 'serve', '--port', '0', '--db', db, ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NEXORA_DATA_DIR: dir, ...env },
  })
  let text = ''
  child.stdout!.resume()
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 30 s: ${text}`)), 30_000)
    child.stderr!.on('data', (chunk) => {
      text += chunk
      const match = /listening on (http:\/\/localhost:\d+)/.exec(text)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!.replace('localhost', '127.0.0.1'))
      }
    })
    void exited.then((code) => reject(new Error(`server exited early with ${code}: ${text}`)))
  })
  return { child, url, token: readFileSync(join(dir, 'dev-token'), 'utf8').trim(), exited, stderr: () => text }
}
