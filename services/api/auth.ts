import jwt, { type TokenOrHeader } from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import buildGetJwks from 'get-jwks';
import { HuleEduError } from '../../common-core/index.ts';

/** How tokens are verified: a shared HS256 secret, or the keys an identity provider publishes. */
export type TokenVerification = { secret: string } | { jwksUrl: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated teacher: the token's `sub`. Set on every `/v1` route. */
    teacherId: string;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub?: string };
    user: { sub?: string };
  }
}

/**
 * The bearer token of a request: the Authorization header, or `access_token` in the query of a
 * GET (a browser's EventSource cannot set headers).
 */
function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token)
      throw new HuleEduError('HULEEDU_INVALID_TOKEN', 'Authorization must be "Bearer <token>"');
    return token;
  }
  if (request.method === 'GET') {
    const q = (request.query as Record<string, unknown> | undefined)?.access_token;
    if (typeof q === 'string' && q !== '') return q;
  }
  return undefined;
}

/**
 * Every `/v1` route requires a valid JWT; its `sub` is the teacher. Missing, malformed, badly
 * signed and expired tokens are 401s with distinct `HULEEDU_` codes.
 */
export const authentication = fp(
  async (app: FastifyInstance, options: TokenVerification) => {
    if ('secret' in options) {
      await app.register(jwt, {
        secret: options.secret,
        verify: { algorithms: ['HS256'], extractToken: tokenOf },
      });
    } else {
      const url = new URL(options.jwksUrl);
      const jwks = buildGetJwks({ jwksPath: url.pathname, providerDiscovery: false });
      await app.register(jwt, {
        decode: { complete: true },
        secret: async (_request: FastifyRequest, token: TokenOrHeader): Promise<string> => {
          const header = ('header' in token ? token.header : token) as {
            kid?: string;
            alg?: string;
          };
          try {
            return await jwks.getPublicKey({
              domain: url.origin,
              ...(header.kid ? { kid: header.kid } : {}),
              ...(header.alg ? { alg: header.alg } : {}),
            });
          } catch (error) {
            // The provider answered but has no such key: the token is not one of its own. The
            // provider not answering is ours to report, not the teacher's.
            const code = (error as { code?: string }).code;
            if (code === 'JWK_NOT_FOUND' || code === 'NO_JWKS')
              throw new HuleEduError(
                'HULEEDU_INVALID_TOKEN',
                'no key of the identity provider signed this token',
              );
            throw new HuleEduError(
              'HULEEDU_DEPENDENCY_UNAVAILABLE',
              `the identity provider's keys could not be fetched: ${(error as Error).message}`,
            );
          }
        },
        verify: {
          algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384'],
          extractToken: tokenOf,
        },
      });
    }
    app.decorateRequest('teacherId', '');
    app.addHook('onRequest', async (request) => {
      if (!request.url.startsWith('/v1/')) return;
      if (tokenOf(request) === undefined)
        throw new HuleEduError(
          'HULEEDU_UNAUTHENTICATED',
          'send a token: Authorization: Bearer <token> (huleedu token --sub <teacher> prints one for development)',
        );
      await request.jwtVerify();
      const sub = request.user.sub;
      if (typeof sub !== 'string' || sub === '' || sub.length > 200)
        throw new HuleEduError('HULEEDU_INVALID_TOKEN', 'the token has no subject (sub)');
      request.teacherId = sub;
    });
  },
  { name: 'huleedu-authentication' },
);
