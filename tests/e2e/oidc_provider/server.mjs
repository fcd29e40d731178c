// A local OpenID provider like ProConnect (panva's oidc-provider, on which ProConnect's own
// federation is built), for the browser test: discovery at /api/v2/.well-known/…, userinfo as a
// signed JWT (jwtUserinfo), the agent claims (siret, usual_name…), RP-initiated logout, and
// oidc-provider's development login and consent pages. Started by tests/e2e/test_proconnect.py
// on 127.0.0.1, port 0: it prints `listening <issuer>` once ready. Configuration from
// PROVIDER_CONFIG (JSON): client_id, client_secret, redirect_uri, post_logout_redirect_uri,
// claims (the agent's, for any login).
import http from 'node:http';

import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.PROVIDER_CONFIG);
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key-1', use: 'sig', alg: 'RS256' };

let handler = (req, res) => { res.statusCode = 503; res.end(); };
const server = http.createServer((req, res) => handler(req, res));
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}/api/v2`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: config.client_id,
      client_secret: config.client_secret,
      redirect_uris: [config.redirect_uri],
      post_logout_redirect_uris: [config.post_logout_redirect_uri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'RS256',
      userinfo_signed_response_alg: 'RS256',
    }],
    jwks: { keys: [jwk] },
    scopes: ['openid', 'given_name', 'usual_name', 'email', 'uid', 'siret', 'idp_id', 'idp_acr'],
    claims: {
      openid: ['sub'],
      given_name: ['given_name'],
      usual_name: ['usual_name'],
      email: ['email'],
      uid: ['uid'],
      siret: ['siret'],
      idp_id: ['idp_id'],
      idp_acr: ['idp_acr'],
      amr: null,
      acr: null,
    },
    features: {
      devInteractions: { enabled: true },
      jwtUserinfo: { enabled: true },
      claimsParameter: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    pkce: { required: () => false },
    cookies: { keys: ['moisinno-test-cookie-key'] },
    async findAccount(ctx, sub) {
      return { accountId: sub, async claims() { return { sub, ...config.claims }; } };
    },
  });
  const callback = provider.callback();
  handler = (req, res) => {
    if (!req.url.startsWith('/api/v2/') && req.url !== '/api/v2') {
      res.statusCode = 404;
      res.end();
      return;
    }
    req.originalUrl = req.url; // oidc-provider derives its mount path from it
    req.url = req.url.slice('/api/v2'.length) || '/';
    callback(req, res);
  };
  console.log(`listening ${issuer}`);
});
