/**
 * Vitest setup file (unit and integration lanes): when a test file ends, remove the temp folders it made through
 * `tempDir` (electron/services/test-temp.ts). Without it every run left its staging folders and disks in /tmp
 * (26 GB after a day of runs on the CI machine).
 */
import { afterAll } from 'vitest';
import { removeTempDirs } from '../electron/services/test-temp.ts';

afterAll(removeTempDirs);
