import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../../shared/errors.ts';
import { resolveDataDir } from '../../services/paths.ts';
import { writeJsonAtomic } from '../../services/store/atomic.ts';
import { startSandbox } from '../../services/sandbox/index.ts';
import { jsonLine } from '../output.ts';

/**
 * `obc sandbox [--data <dir>]`: starts the local sandbox cloud (identity server, ARM + Graph emulator, Azurite,
 * datacenter admin API), prints the endpoints, the seeded users and the cloud definition (also written to
 * `<data>/cloud.json`), and runs until Ctrl-C / SIGTERM, then stops everything cleanly.
 */
function intOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new AppError('VALIDATION', `--${name} must be a non-negative integer (got "${v}").`);
  return n;
}

export function register(program: Command): void {
  program
    .command('sandbox')
    .description(
      'Run the local sandbox cloud (sign-in, Resource Manager, Graph, blob storage, datacenter) until Ctrl-C.',
    )
    .option('--data <dir>', 'data directory kept across restarts (default: <OBC data dir>/sandbox)')
    .option('--access-token-ttl <seconds>', 'access token lifetime (default 3600)')
    .option('--registration-delay <ms>', 'how long a provider registration stays "Registering" (default 3000)')
    .option('--json', 'print one JSON object (endpoints, users, cloud) instead of text')
    .action(async (opts: { data?: string; accessTokenTtl?: string; registrationDelay?: string; json?: boolean }) => {
      const dataDir = resolve(opts.data ?? join(resolveDataDir(), 'sandbox'));
      const ttl = intOption('access-token-ttl', opts.accessTokenTtl);
      const delay = intOption('registration-delay', opts.registrationDelay);
      const sb = await startSandbox({
        dataDir,
        ...(ttl !== undefined ? { ttl: { accessTokenSeconds: ttl } } : {}),
        ...(delay !== undefined ? { registrationDelayMs: delay } : {}),
      });
      // Handlers first: a supervisor may signal as soon as it reads the first line.
      const stopped = new Promise<void>((done) => {
        let stopping = false;
        const onSignal = (sig: NodeJS.Signals) => {
          if (stopping) {
            process.stderr.write(`${sig} again: exiting without a clean stop.\n`);
            process.exit(1);
          }
          stopping = true;
          if (!opts.json) process.stderr.write('Stopping the sandbox…\n');
          sb.stop().then(done, (err: Error) => {
            process.stderr.write(`error while stopping: ${err.message}\n`);
            done();
          });
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      // The admin token goes to a private file, not to the terminal.
      const adminFile = join(dataDir, 'admin.json');
      await writeJsonAtomic(adminFile, sb.admin, 0o600);
      const endpoints = {
        authority: sb.authority,
        identity: sb.identityUrl,
        signin: sb.signinUrl,
        arm: sb.armUrl,
        graph: sb.graphUrl,
        blob: sb.blobUrl,
        admin: sb.admin.url,
      };
      const users = sb.users.map(({ username, password, objectId, role, needsConsent }) => ({
        username,
        password,
        objectId,
        role,
        needsConsent,
      }));
      if (opts.json) {
        jsonLine({
          type: 'sandbox',
          dataDir,
          subscriptionId: sb.subscriptionId,
          tenantId: sb.tenantId,
          endpoints,
          adminFile,
          users,
          cloud: sb.cloud,
        });
      } else {
        const w = (s = '') => process.stdout.write(`${s}\n`);
        w(`Local sandbox cloud is running (data: ${dataDir})`);
        w(`  Sign-in authority  ${sb.authority}   client id ${sb.clientId}`);
        w(`  Sign-in pages      ${sb.signinUrl}   (plain http: the browser sees no certificate warning)`);
        w(`  Resource Manager   ${sb.armUrl}   subscription ${sb.subscriptionId}`);
        w(`  Microsoft Graph    ${sb.graphUrl}`);
        w(
          `  Blob storage       ${sb.blobUrl}/<account>/   (accounts: obcseedv2 StorageV2, obcclassicv1 Storage, obcblobonly BlobStorage)`,
        );
        w(`  Datacenter admin   ${sb.admin.url}   (bearer token in ${adminFile})`);
        w(`  TLS                every https endpoint uses the sandbox CA in the cloud definition (caCertPem)`);
        w('Users:');
        for (const u of users)
          w(
            `  ${u.username.padEnd(28)} ${u.password.padEnd(16)} ${u.role}${u.needsConsent ? ' (asks for consent)' : ''}`,
          );
        w(`Cloud definition (also in ${join(dataDir, 'cloud.json')}):`);
        w(JSON.stringify(sb.cloud, null, 2));
        w('Press Ctrl-C to stop.');
      }
      await stopped;
      if (opts.json) jsonLine({ type: 'stopped' });
    });
}
