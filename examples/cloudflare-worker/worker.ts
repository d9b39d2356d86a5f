/**
 * Nexora on Cloudflare Workers: the demo readmission model, bundled as JSON (a Worker has no
 * file system), served from D1 with JWT authentication configured by secrets.
 */
import { createWorker } from '../../adapters/cloudflare.ts'
import { assetsBindingFiles, webUiFromEnv } from '../../plugins/web-ui/index.ts'
import manifest from '../../models/readmission-risk/manifest.json' with { type: 'json' }
import model from '../../models/readmission-risk/model.json' with { type: 'json' }
import profile from '../../models/readmission-risk/profile.json' with { type: 'json' }

export default createWorker({
  // The manifest lists both files with their sha256, so both travel (profile.json is the
  // training profile that drift reports compare against).
  bundledModels: [{ manifest, files: { 'model.json': model, 'profile.json': profile } }],
  // The web UI from the static-assets binding (site/dist), when an OIDC provider is configured.
  plugins: (env) =>
    env.ASSETS ? webUiFromEnv((n) => env[n] as string | undefined, assetsBindingFiles(env.ASSETS as { fetch(r: Request): Promise<Response> })) : [],
})
