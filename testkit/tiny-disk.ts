import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A real, small file system (tmpfs) to fill up: a full disk as the database meets it, not a
 * mock. Needs root with mount rights (CI and the dev container have them); `undefined` otherwise.
 */
export function tinyDisk(sizeKb = 2048): { dir: string; fill(): void; free(): void; close(): void } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'nexora-tinydisk-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { stdio: 'ignore' })
  } catch {
    rmSync(dir, { recursive: true, force: true })
    return undefined
  }
  const filler = join(dir, 'filler')
  return {
    dir,
    // Write until the file system refuses: every block is taken.
    fill() {
      try {
        writeFileSync(filler, Buffer.alloc(sizeKb * 1024))
      } catch {
        /* ENOSPC: full, as intended */
      }
    },
    free() {
      rmSync(filler, { force: true })
    },
    close() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' })
      } catch {
        /* already gone */
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
