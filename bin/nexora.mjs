#!/usr/bin/env node
// The `nexora` command. In a checkout the TypeScript sources run through tsx's loader (a
// development dependency); an installed package runs the JavaScript built into dist/.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

const source = new URL('./cli.ts', import.meta.url)

/** tsx's ESM loader API as the project in `dir` resolves it (its export map's import target), or undefined. */
function tsxFrom(dir) {
  try {
    const manifest = createRequire(join(dir, 'package.json')).resolve('tsx/package.json')
    return pathToFileURL(join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).exports['./esm/api'].import.default)).href
  } catch {
    return undefined
  }
}

// Node 20 cannot import TypeScript: a checkout always has tsx; an installed package uses the working
// project's tsx when it has one, so a plugin written in TypeScript (`nexora plugin new`) loads with --plugin.
const tsx = tsxFrom(existsSync(source) ? new URL('..', import.meta.url).pathname : process.cwd())
if (tsx) (await import(tsx)).register()
const { main } = await import(existsSync(source) ? source.href : '../dist/bin/cli.js')
process.exitCode = await main(process.argv.slice(2))
