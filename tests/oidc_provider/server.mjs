// A real OpenID Connect provider for Tandem's SSO browser tests (tests/test_sso_browser.py).
//
// node server.mjs <port> <accounts.json>
//
// The npm package oidc-provider (certified by the OpenID Foundation), on 127.0.0.1, with its
// built-in development login page: type a login from accounts.json and any password. Each
// account's claims are what the userinfo endpoint returns (scope "tandem" carries department
// and groups). One client, "tandem", with the secret and redirect URIs the test passes in
// TANDEM_TEST_CLIENT (JSON). Prints "ready <issuer>" once it listens.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const [port, accountsFile] = process.argv.slice(2);
const accounts = JSON.parse(readFileSync(accountsFile, 'utf8'));
const client = JSON.parse(process.env.TANDEM_TEST_CLIENT);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: client.redirect_uris,
    post_logout_redirect_uris: client.post_logout_redirect_uris,
    token_endpoint_auth_method: 'client_secret_post',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'name'],
    tandem: ['department', 'groups'],
  },
  scopes: ['openid', 'email', 'profile', 'tandem'],
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, email_verified: true, ...account }; } };
  },
  // The test's own session keys; nothing here outlives the process.
  cookies: { keys: ['tandem-test-only-cookie-key'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  // Consent is granted by the login (a company's own app, as Okta, Entra ID and Keycloak are set up).
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile tandem');
    grant.addOIDCClaims(['department', 'groups']);
    await grant.save();
    return grant;
  },
});
provider.proxy = false;

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
