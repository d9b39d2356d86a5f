#!/usr/bin/env node
/**
 * `npm run api:report` (check) and `npm run api:report -- --update`: API Extractor's report of every
 * public entry (package.json `exports`), one `api/<entry>.api.md` each, made from the declarations
 * `npm run build` emits. A check fails when the public surface differs from the committed reports,
 * so every change to it is deliberate and reviewed (docs/embedding.md, semver rules).
 * API Extractor brings its own TypeScript compiler (the project's TypeScript 7 has no compiler API).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CompilerState, Extractor, ExtractorConfig } from '@microsoft/api-extractor'

const root = new URL('..', import.meta.url).pathname
const update = process.argv.includes('--update')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const tmp = mkdtempSync(join(tmpdir(), 'nexora-api-'))

try {
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.build.json'), '--emitDeclarationOnly', '--outDir', tmp], {
    cwd: root,
    stdio: 'inherit',
  })
  // `.` → `index`, `./plugins/model-linear` → `plugins-model-linear`.
  const entries = Object.entries(pkg.exports).map(([key, target]) => ({
    name: key === '.' ? 'index' : key.slice(2).replaceAll('/', '-'),
    dts: join(tmp, target.types.replace(/^\.\/dist\//, '')),
  }))
  const reports = process.env.NEXORA_API_REPORTS ?? join(root, 'api') // another folder: the test of this check
  const quiet = { logLevel: 'none', addToApiReportFile: false }
  const configFor = (entry) =>
    ExtractorConfig.prepare({
      configObject: {
        projectFolder: root,
        mainEntryPointFilePath: entry.dts,
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              target: 'ES2022',
              module: 'NodeNext',
              moduleResolution: 'NodeNext',
              lib: ['ES2024', 'DOM', 'DOM.Iterable'],
              types: ['node'],
              strict: true,
              skipLibCheck: true,
            },
            include: [join(tmp, '**/*.d.ts')],
          },
        },
        apiReport: { enabled: true, reportFileName: entry.name, reportFolder: reports, reportTempFolder: join(tmp, 'api') },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: { compilerMessageReporting: { default: quiet }, extractorMessageReporting: { default: quiet }, tsdocMessageReporting: { default: quiet } },
      },
      packageJsonFullPath: join(root, 'package.json'),
    })
  // One TypeScript program for every entry: API Extractor's documented way to report many entry points fast.
  const configs = entries.map(configFor)
  const compilerState = CompilerState.create(configs[0], { additionalEntryPoints: entries.map((e) => e.dts) })
  const changed = []
  mkdirSync(reports, { recursive: true })
  // A report whose entry is gone is a removed entry point: a breaking change like any other.
  for (const file of readdirSync(reports).filter((f) => !entries.some((e) => f === `${e.name}.api.md`))) {
    changed.push(file.replace(/\.api\.md$/, ' (removed)'))
    if (update) rmSync(join(reports, file))
  }
  for (const [i, config] of configs.entries()) {
    const result = Extractor.invoke(config, {
      localBuild: update,
      compilerState,
      messageCallback: (m) => {
        if (process.env.API_REPORT_DEBUG) console.error(m.category, m.messageId, m.text)
        m.handled = true
      },
    })
    if (result.apiReportChanged) changed.push(entries[i].name)
  }
  if (changed.length && !update) {
    console.error(
      `The public API changed in: ${changed.join(', ')}.\n` +
        'If that is deliberate, run `npm run api:report -- --update`, commit api/, and record it in CHANGELOG.md.',
    )
    process.exitCode = 1
  } else {
    console.log(update ? `api/: ${changed.length} report(s) written of ${entries.length}` : `api/: ${entries.length} reports match the public API`)
  }
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
