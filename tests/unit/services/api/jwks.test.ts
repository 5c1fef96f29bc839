import { createSign, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../../db/index.ts';
import { buildApiApp } from '../../../../services/api/app.ts';
import { apiTestDeps } from '../../../helpers/api-deps.ts';

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

/** An RS256 JWT signed with `privateKey` under key id `kid`. */
function rs256(privateKey: string, kid: string, payload: object): string {
  const head = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(head).sign(privateKey);
  return `${head}.${b64url(signature)}`;
}

describe('api with an identity provider (JWKS)', () => {
  const good = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const goodPem = good.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const otherPem = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let jwksServer: Server;
  let database: Database;
  let app: FastifyInstance;
  let requests = 0;

  beforeAll(async () => {
    const jwk = {
      ...good.publicKey.export({ format: 'jwk' }),
      kid: 'key-1',
      alg: 'RS256',
      use: 'sig',
    };
    jwksServer = createServer((_req, res) => {
      requests++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', () => r()));
    const port = (jwksServer.address() as { port: number }).port;
    database = await openDatabase({ url: 'pglite://memory' });
    app = await buildApiApp(
      apiTestDeps(database, {
        auth: { jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json` },
      }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await new Promise<void>((r) => jwksServer.close(() => r()));
  });

  const get = (token: string) =>
    app.inject({
      method: 'GET',
      url: '/v1/batches',
      headers: { authorization: `Bearer ${token}` },
    });
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts a token signed with a key the provider publishes; its sub is the teacher', async () => {
    const r = await get(rs256(goodPem, 'key-1', { sub: 'teacher-9', exp: now() + 600 }));
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ batches: [], next_cursor: null });
    expect(requests).toBeGreaterThan(0);
  });

  it('refuses a token signed with another key, an HS256 token and an expired one', async () => {
    const forged = await get(rs256(otherPem, 'key-1', { sub: 'teacher-9', exp: now() + 600 }));
    expect(forged.statusCode).toBe(401);
    expect(forged.json().code).toBe('HULEEDU_INVALID_TOKEN');
    const unknownKid = await get(rs256(goodPem, 'key-2', { sub: 'teacher-9', exp: now() + 600 }));
    expect(unknownKid.statusCode).toBe(401);
    const expired = await get(rs256(goodPem, 'key-1', { sub: 'teacher-9', exp: now() - 60 }));
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('HULEEDU_TOKEN_EXPIRED');
    const noSub = await get(rs256(goodPem, 'key-1', { exp: now() + 600 }));
    expect(noSub.statusCode).toBe(401);
    expect(noSub.json().code).toBe('HULEEDU_INVALID_TOKEN');
  });
});
