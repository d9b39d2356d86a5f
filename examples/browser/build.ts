import { build } from 'esbuild'

/**
 * Build the example: `nexora-browser.js` (the library for plain `<script type="module">` pages,
 * with `demo.js` beside it) and `app.js` (the bundler path). Code splitting keeps ONNX Runtime in
 * chunks that load only when a model needs them.
 */
export async function buildBrowserExample(outdir: string) {
  const here = (f: string) => new URL(f, import.meta.url).pathname
  await build({
    entryPoints: { 'nexora-browser': here('nexora-browser.ts'), demo: here('demo.ts'), app: here('app.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    outdir,
    logLevel: 'error',
    // The page sets wasmPaths, so ORT's own `new URL('*.wasm', import.meta.url)` lookups never run.
  })
}
