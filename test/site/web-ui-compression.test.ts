/**
 * The web UI serves the build's precompressed copies (site/build.ts writes `.br` and `.gz` beside
 * each compressible file) by Accept-Encoding, with the original's content type and
 * `Vary: Accept-Encoding`; it never compresses per request and never serves a copy by its own name.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { createNexora, memoryStorage } from '../../core/index.ts'
import { acceptedCodings, PRECOMPRESSED } from '../../plugins/web-ui/encoding.ts'
import { webUi } from '../../plugins/web-ui/index.ts'
import { PRECOMPRESSED_SOURCE, precompress } from '../../site/build.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-precompressed-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// A wasm-like file that compresses well, a script, and a file too small to be worth a copy.
const wasm = new Uint8Array(200_000).map((_, i) => (i * 7) % 13)
writeFileSync(join(dir, 'engine.wasm'), wasm)
writeFileSync(join(dir, 'main.js'), 'console.log("nexora");\n'.repeat(200))
writeFileSync(join(dir, 'tiny.js'), 'x()\n')
const files = async (path: string) => {
  try {
    return new Uint8Array(readFileSync(join(dir, path)))
  } catch {
    return undefined
  }
}
const app = async () =>
  (await createNexora({ plugins: [memoryStorage(), webUi({ files: (p) => files(p.replace(/^app\//, '')), signIn: { mode: 'dev', token: async () => 't' } })] }))
    .app
const get = async (path: string, acceptEncoding?: string) =>
  (await app()).request(`http://127.0.0.1/app/${path}`, { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } })

describe('precompressed static files', () => {
  it('parses Accept-Encoding: order of preference br then gzip, q=0 refuses, * allows the rest', () => {
    const names = (h?: string) => acceptedCodings(h).map(([n]) => n)
    expect(names('gzip, deflate, br, zstd')).toEqual(['br', 'gzip'])
    expect(names('gzip')).toEqual(['gzip'])
    expect(names('br;q=0, gzip;q=0.5')).toEqual(['gzip'])
    expect(names('*;q=0.1, gzip;q=0')).toEqual(['br'])
    expect(names('identity')).toEqual([])
    expect(names(undefined)).toEqual([])
  })

  it('the build writes .br and .gz that decode to the original, and none for a tiny file', async () => {
    // The build compresses exactly the files the plugin negotiates.
    expect(PRECOMPRESSED_SOURCE).toBe(PRECOMPRESSED.source)
    await precompress(dir)
    expect(brotliDecompressSync(readFileSync(join(dir, 'engine.wasm.br'))).equals(Buffer.from(wasm))).toBe(true)
    expect(gunzipSync(readFileSync(join(dir, 'engine.wasm.gz'))).equals(Buffer.from(wasm))).toBe(true)
    expect(readFileSync(join(dir, 'engine.wasm.br')).length).toBeLessThan(wasm.length / 10)
    expect(() => readFileSync(join(dir, 'tiny.js.br'))).toThrow()
  })

  it('serves the brotli copy, else gzip, else the file, each with its real type and Vary', async () => {
    const br = await get('engine.wasm', 'gzip, deflate, br')
    expect([br.status, br.headers.get('content-type'), br.headers.get('content-encoding'), br.headers.get('vary')]).toEqual([
      200,
      'application/wasm',
      'br',
      'accept-encoding',
    ])
    expect(Buffer.from(await br.arrayBuffer()).equals(readFileSync(join(dir, 'engine.wasm.br')))).toBe(true)
    const gz = await get('main.js', 'gzip')
    expect([gz.headers.get('content-type'), gz.headers.get('content-encoding')]).toEqual(['text/javascript; charset=utf-8', 'gzip'])
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(readFileSync(join(dir, 'main.js'), 'utf8'))
    const plain = await get('engine.wasm')
    expect([plain.headers.get('content-encoding'), plain.headers.get('vary'), (await plain.arrayBuffer()).byteLength]).toEqual([
      null,
      'accept-encoding',
      wasm.length,
    ])
    // No copy: the file itself, still marked as varying.
    const tiny = await get('tiny.js', 'br')
    expect([tiny.headers.get('content-encoding'), await tiny.text()]).toEqual([null, 'x()\n'])
  })

  it('does not serve a copy by its own name (it would reach the client without its coding)', async () => {
    expect((await get('engine.wasm.br', 'br')).status).toBe(404)
    expect((await get('main.js.gz')).status).toBe(404)
  })
})
