import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'

export interface WorkerProcess {
  child: ChildProcess
  exited: Promise<number | null>
  stderr(): string
  /** Peak resident memory (VmHWM) in bytes, read from /proc while the process lives. */
  peakRss(): number
}

/** Start `nexora worker` as a real process; resolves once it says it is working. */
export async function startWorkerProcess(env: Record<string, string>, args: string[] = [], nodeArgs: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, new URL('../bin/nexora.mjs', import.meta.url).pathname, 'worker', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  let text = ''
  child.stdout!.resume()
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "working" line within 60 s: ${text}`)), 60_000)
    child.stderr!.on('data', (chunk) => {
      text += chunk
      if (text.includes('is working population jobs')) {
        clearTimeout(timer)
        resolve()
      }
    })
    void exited.then((code) => reject(new Error(`worker exited early with ${code}: ${text}`)))
  })
  let peak = 0
  const peakRss = () => {
    try {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]
      if (kb) peak = Math.max(peak, Number(kb) * 1024)
    } catch {
      // The process has exited: the last reading stands.
    }
    return peak
  }
  return { child, exited, stderr: () => text, peakRss }
}
