/** OIDC sign-in (placeholder until built). */
export default function SignIn({ config }: { config: { issuer: string; clientId: string; scope: string } }) {
  return <main className="page"><h1>Sign in</h1><p>Sign in with {config.issuer}.</p></main>
}
