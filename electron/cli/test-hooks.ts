/**
 * Fault tests only: named points of the backup engine (`scanned`, `seed`, `pack:N`, `catalog`) reached from a real
 * `obc backup` process. `OBC_TEST_KILL_AT=<point>` SIGKILLs the process there. `OBC_TEST_PAUSE_AT=<point>` with
 * `OBC_TEST_PAUSE_FILE=<path>` creates `<path>.paused` there and waits until `<path>.go` exists, so a test can
 * inject a fault (fill or remount the volume, remove the folder) at exactly that point instead of racing a watcher.
 * Neither variable is read anywhere else; without them no hook is installed.
 */
import { existsSync, writeFileSync } from 'node:fs';

export function engineTestHook(env: NodeJS.ProcessEnv = process.env): ((point: string) => Promise<void>) | undefined {
  const killAt = env.OBC_TEST_KILL_AT;
  const pauseAt = env.OBC_TEST_PAUSE_AT;
  const pauseFile = env.OBC_TEST_PAUSE_FILE;
  if (!killAt && !(pauseAt && pauseFile)) return undefined;
  return async (point: string) => {
    if (point === killAt) process.kill(process.pid, 'SIGKILL');
    if (pauseAt && pauseFile && point === pauseAt) {
      writeFileSync(`${pauseFile}.paused`, point);
      while (!existsSync(`${pauseFile}.go`)) await new Promise((r) => setTimeout(r, 10));
    }
  };
}
