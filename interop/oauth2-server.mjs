// A real OAuth 2.0 / OpenID Connect server for the interop tests: oauth2-mock-server
// (pinned in package-lock.json) on 127.0.0.1, made strict where the tests need it to
// be. It issues real signed tokens and serves discovery, /authorize (redirecting
// straight back with a code, as after a user's consent) and /token, and checks:
// - client authentication: client_secret_basic (id and secret form-decoded, RFC 6749
//   §2.3.1) or client_secret_post, never both; public clients send only client_id;
// - the password grant's user;
// - authorization codes: issued here, used once, same redirect_uri, a PKCE verifier
//   whenever a challenge was sent (the mock itself checks that the verifier matches);
// - refresh tokens: issued here and not revoked; with rotation a refresh revokes the
//   old one and issues a new one, without rotation the answer has none.
//
// Usage: node oauth2-server.mjs '<config JSON>'; prints `listening <port>` when ready.
// Config: { clients: {id: secret|null}, users: {name: password}, rotation: bool,
//           expiresIn: seconds, basicRaw: bool }
// GET /__log answers what each token request looked like (names, never secret values).

import { createServer } from "node:http";
import { OAuth2Server } from "oauth2-mock-server";

const config = JSON.parse(process.argv[2] ?? "{}");
const clients = config.clients ?? {};
const users = config.users ?? {};
const log = [];
const codes = new Map();
const refreshTokens = new Set();

const server = new OAuth2Server();
await server.issuer.keys.generate("RS256");
const service = server.service;

function refuse(response, status, error, description) {
  response.statusCode = status;
  response.body = { error, error_description: description };
}

function decode(text) {
  return config.basicRaw ? text : decodeURIComponent(text.replace(/\+/g, " "));
}

// Who the client says it is, and how: { method, id, secret } or an error text.
function clientOf(req) {
  const header = req.headers.authorization ?? "";
  const body = req.body;
  const inBody = "client_secret" in body;
  if (header.startsWith("Basic ")) {
    if (inBody) return "client credentials sent two ways";
    const text = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = text.indexOf(":");
    if (colon < 0) return "malformed Basic credentials";
    return { method: "basic", id: decode(text.slice(0, colon)), secret: decode(text.slice(colon + 1)) };
  }
  if (inBody) return { method: "post", id: body.client_id, secret: body.client_secret };
  return { method: "none", id: body.client_id, secret: null };
}

service.on("beforeAuthorizeRedirect", ({ url }, req) => {
  const code = url.searchParams.get("code");
  if (code) {
    codes.set(code, {
      redirectUri: req.query.redirect_uri,
      challenge: req.query.code_challenge,
      method: req.query.code_challenge_method,
      used: false,
    });
  }
});

service.on("beforeResponse", (response, req) => {
  const body = req.body;
  const client = clientOf(req);
  const entry = {
    grant_type: body.grant_type,
    params: Object.keys(body).sort(),
    client_auth: typeof client === "string" ? "invalid" : client.method,
    client_id: typeof client === "string" ? null : client.id,
    scope: body.scope ?? null,
  };
  log.push(entry);
  if (typeof client === "string") return refuse(response, 400, "invalid_request", client);
  if (!(client.id in clients)) return refuse(response, 401, "invalid_client", "unknown client");
  const secret = clients[client.id];
  if (secret !== null && client.secret !== secret) {
    return refuse(response, 401, "invalid_client", "client authentication failed");
  }
  if (secret === null && client.method !== "none") {
    return refuse(response, 400, "invalid_request", "a public client has no secret");
  }
  switch (body.grant_type) {
    case "password":
      if (users[body.username] === undefined || users[body.username] !== body.password) {
        return refuse(response, 400, "invalid_grant", "wrong username or password");
      }
      break;
    case "authorization_code": {
      const issued = codes.get(body.code);
      if (!issued || issued.used) return refuse(response, 400, "invalid_grant", "unknown or used code");
      issued.used = true;
      if (issued.redirectUri !== body.redirect_uri) {
        return refuse(response, 400, "invalid_grant", "redirect_uri differs");
      }
      if (issued.challenge && !body.code_verifier) {
        return refuse(response, 400, "invalid_grant", "code_verifier required");
      }
      entry.pkce = issued.method ?? null;
      break;
    }
    case "refresh_token":
      if (!refreshTokens.has(body.refresh_token)) {
        return refuse(response, 400, "invalid_grant", "unknown or revoked refresh token");
      }
      if (config.rotation) refreshTokens.delete(body.refresh_token);
      break;
  }
  if (config.expiresIn !== undefined) response.body.expires_in = config.expiresIn;
  const issuedRefresh = response.body.refresh_token;
  if (issuedRefresh) {
    if (body.grant_type === "refresh_token" && !config.rotation) {
      delete response.body.refresh_token;
    } else {
      refreshTokens.add(issuedRefresh);
    }
  }
});

const http = createServer((req, res) => {
  if (req.url === "/__log") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(log));
    return;
  }
  service.requestHandler(req, res);
});
http.listen(0, "127.0.0.1", () => {
  const { port } = http.address();
  server.issuer.url = `http://127.0.0.1:${port}`;
  console.log(`listening ${port}`);
});
