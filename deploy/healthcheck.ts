/**
 * A container's health check: `node dist/deploy/healthcheck.js [service]` asks the service's
 * own `/healthz` on 127.0.0.1 and exits 0 when it answers 2xx within 3 s, 1 otherwise. The
 * service comes from the argument or `HULEEDU_SERVICE` (set per service in docker-compose.yml);
 * its port from the service's port variable, else its default (deploy/app-services.ts).
 * Plain Node, no curl or wget needed in the image.
 */
import { APP_SERVICES } from './app-services.ts';

async function main(): Promise<number> {
  const name = process.argv[2] ?? process.env.HULEEDU_SERVICE;
  const service = APP_SERVICES.find((s) => s.name === name);
  if (!service) {
    console.error(
      `healthcheck: say which service (argument or HULEEDU_SERVICE): one of ${APP_SERVICES.map((s) => s.name).join(', ')}`,
    );
    return 1;
  }
  const port = Number(process.env[service.portVar] ?? service.port);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
      signal: AbortSignal.timeout(3_000),
    });
    if (res.ok) return 0;
    console.error(
      `healthcheck: ${service.name} /healthz answered ${res.status}: ${await res.text()}`,
    );
  } catch (error) {
    console.error(`healthcheck: ${service.name} on port ${port}: ${(error as Error).message}`);
  }
  return 1;
}

main().then((code) => process.exit(code));
