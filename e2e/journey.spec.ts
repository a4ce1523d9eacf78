import { numberedShots, runJourney } from './helpers/journey.ts';
import { sandboxTest as test } from './helpers/sandbox.ts';
import { popupSignIn } from './helpers/sign-in.ts';

/**
 * The product's acceptance test in browser mode against the Local sandbox, on real temp folders: Schedule Backup
 * with own disks → sign in → Back Up Now → Disk Prep spanning two rehearsal disks → shipping → import job →
 * tracking → datacenter import to Completed → verify imported data → Recover Data from the container → restored
 * files equal the source byte for byte. Screens: test-results/screens/journey-NN-<screen>.png.
 */
// The sign-in window shows the sandbox identity server, whose certificate comes from the sandbox's own test CA.
test.use({ ignoreHTTPSErrors: true });
// Every click and fill is bounded too (a missing element fails in 30 s, not at the test timeout).
test.use({ actionTimeout: 30_000 });

test('the whole journey: schedule, back up, prepare disks, ship, import, verify, recover from the container', async ({ consolePage: page, sandbox, work, shot }) => {
  test.setTimeout(480_000);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await runJourney({ page, sandbox, work, shot: await numberedShots(shot, 'journey'), signIn: popupSignIn(page, sandbox.users[0]) });
});
