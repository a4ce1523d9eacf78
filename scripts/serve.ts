/**
 * Browser mode: `npm run serve -- [--port N] [--data DIR]`. Port 0 (default) picks a free port.
 * Prints `Console: http://127.0.0.1:<port>/#token=<token>` and serves until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { createServices } from '../electron/services/index.ts';
import { rendererDist, resolveDataDir } from '../electron/services/paths.ts';
import { startBrowserHost } from '../electron/server/server.ts';
import { buildRenderer, rendererIsStale } from './lib/build-steps.ts';

export async function serve(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '0' },
        data: { type: 'string' },
        'no-build': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\nusage: npm run serve -- [--port N] [--data DIR]\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(
      'usage: npm run serve -- [--port N] [--data DIR] [--no-build]\n  --port N    port on 127.0.0.1 (0 = pick a free one; default 0)\n  --data DIR  data directory (default: OBC_DATA_DIR or ~/.offline-backup-console)\n',
    );
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`error: --port must be a whole number from 0 to 65535 (got "${values.port}")\n`);
    process.exit(2);
  }
  if (!values['no-build'] && (await rendererIsStale())) {
    process.stderr.write('Building the console (first run or sources changed)…\n');
    await buildRenderer();
  }
  const services = await createServices({ dataDir: resolveDataDir(values.data) });
  const host = await startBrowserHost({ services, staticRoot: rendererDist(), port });
  process.stdout.write(`Console: ${host.consoleUrl}\n`);
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await host.close();
    await services.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  serve(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
