import { join } from 'node:path';
import { startConsoleHost } from './host.ts';
import { backUpNowOnline, onlineRuns, type ConsoleHosts } from './helpers/journey-online.ts';
import { numberedShots, runJourney } from './helpers/journey.ts';
import { sandboxTest } from './helpers/sandbox.ts';
import { popupSignIn } from './helpers/sign-in.ts';

/**
 * The product's acceptance test in browser mode against the Local sandbox, on real temp folders: Schedule Backup
 * with own disks → sign in → Back Up Now → Disk Prep spanning two rehearsal disks → shipping → import job →
 * tracking → datacenter import to Completed → verify imported data → Recover Data from the container → restored
 * files equal the source byte for byte; then (issue 16) three online runs by `obc agent` on the console's data dir
 * with changes between them, shown in Jobs, retention removing the oldest, and an older restore point restored byte
 * for byte; then Back Up Now in the console makes an incremental restore point that Recover Data lists. Screens: test-results/screens/journey-NN-<screen>.png.
 */
// The console's data dir lives in the work folder, so that it outlives a console stopped for the agent's runs.
const test = sandboxTest.extend<{ hosts: ConsoleHosts }>({
  hosts: async ({ sandbox, work }, use) => {
    const hosts: ConsoleHosts = {
      current: null,
      dataDir: join(work, 'data'),
      env: { OBC_SANDBOX_CLOUD: join(sandbox.dataDir, 'cloud.json') },
    };
    await use(hosts);
    await hosts.current?.stop();
  },
  host: async ({ hosts }, use) => {
    hosts.current = await startConsoleHost(hosts.env, { dataDir: hosts.dataDir });
    await use(hosts.current);
  },
});
// The sign-in window shows the sandbox identity server, whose certificate comes from the sandbox's own test CA.
test.use({ ignoreHTTPSErrors: true });
// Every click and fill is bounded too (a missing element fails in 30 s, not at the test timeout).
test.use({ actionTimeout: 30_000 });

test('the whole journey: schedule, back up, prepare disks, ship, import, verify, recover, then online runs and retention', async ({
  consolePage: page,
  sandbox,
  work,
  shot,
  hosts,
}) => {
  test.setTimeout(600_000);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const j = {
    page,
    sandbox,
    work,
    shot: await numberedShots(shot, 'journey'),
    signIn: popupSignIn(page, sandbox.users[0]),
  };
  const p = await runJourney(j);
  await test.step('Online runs by obc agent, Jobs, retention, restore an older point', () => onlineRuns(j, p, hosts));
  await test.step('Back Up Now online from the console, its point in Recover Data', () => backUpNowOnline(j, p));
});
