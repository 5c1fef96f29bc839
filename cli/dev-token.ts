import { createHmac } from 'node:crypto';
import { DEVELOPMENT_JWT_SECRET } from '../services/api/settings.ts';

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** An HS256 JWT for `sub`, valid for `expiresInS` seconds. */
export function signToken(
  sub: string,
  secret: string,
  expiresInS: number,
  now = Date.now(),
): string {
  const iat = Math.floor(now / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ sub, iat, exp: iat + expiresInS }));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/**
 * A development token: signed with `API_JWT_SECRET` when set, else the api's development secret
 * (what an api started without settings accepts).
 */
export function developmentToken(sub: string, expiresInS = 12 * 3600): string {
  return signToken(sub, process.env.API_JWT_SECRET || DEVELOPMENT_JWT_SECRET, expiresInS);
}
