#!/usr/bin/env node
// The `nexora` command. In a checkout the TypeScript sources run through tsx's loader (a
// development dependency); an installed package runs the JavaScript built into dist/.
const source = new URL('./cli.ts', import.meta.url)
const { existsSync } = await import('node:fs')
let main
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api')
  register()
  ;({ main } = await import(source.href))
} else {
  ;({ main } = await import('../dist/bin/cli.js'))
}
process.exitCode = await main(process.argv.slice(2))
