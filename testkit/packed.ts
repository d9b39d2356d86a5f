/**
 * Nexora as a user gets it: `npm pack` (which runs prepack: the web UI and dist/), then the tarball
 * installed into a scratch project with whatever else that project asks for, from the registry
 * as a user's install would be (npm's cache answers what `npm ci` already fetched).
 */
import { execFile } from 'node:child_process'
import { readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
export const ROOT = new URL('../', import.meta.url).pathname
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const quiet = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }

/** Pack this repository into `dir`; returns the tarball's path. */
export async function packNexora(dir: string): Promise<string> {
  const { stdout } = await run(npm, ['pack', '--pack-destination', dir, '--json'], { cwd: ROOT, env: quiet, maxBuffer: 64 * 1024 * 1024 })
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[]
  return join(dir, packed!.filename)
}

/** A fresh project in `dir` (package.json of `type`) with `specs` installed; returns how long the install took (ms). */
export async function installProject(dir: string, specs: string[], type: 'module' | 'commonjs' = 'module'): Promise<number> {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type }))
  const started = performance.now()
  await run(npm, ['install', '--prefer-offline', '--no-package-lock', ...specs], { cwd: dir, env: quiet, maxBuffer: 64 * 1024 * 1024 })
  return performance.now() - started
}

/** Bytes of every file under `dir` (npm's "unpacked size": the same on every file system), and how many package.json files name a package. */
export function installedSize(dir: string): { bytes: number; packages: number } {
  let bytes = 0
  let packages = 0
  const walk = (d: string, top: boolean) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      const stat = statSync(path, { throwIfNoEntry: false })
      if (!stat) continue
      if (stat.isDirectory()) {
        if (top && !name.startsWith('.') && !name.startsWith('@')) packages += 1
        walk(path, top && name.startsWith('@'))
      } else bytes += stat.size
    }
  }
  walk(dir, true)
  return { bytes, packages }
}
