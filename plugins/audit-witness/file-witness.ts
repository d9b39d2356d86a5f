import type { CheckpointWitness } from '../../core/index.ts'

/**
 * Signed checkpoints appended to a file, one compact JWS per line, each write flushed to disk
 * before the checkpoint counts as witnessed. Put the file where the database's writers cannot
 * reach it (another volume, another owner, a write-once mount). Node, Deno and Bun.
 * @example
 * fileWitness('/var/lib/nexora-witness/checkpoints.jws')
 */
export function fileWitness(path: string): CheckpointWitness {
  return {
    name: `file:${path}`,
    async publish(checkpoint) {
      const { open } = await import('node:fs/promises')
      const file = await open(path, 'a', 0o600)
      try {
        await file.appendFile(`${checkpoint.jws}\n`)
        await file.sync()
      } finally {
        await file.close()
      }
    },
    async list() {
      const { readFile } = await import('node:fs/promises')
      const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return ''
        throw error
      })
      return text
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
    },
  }
}
