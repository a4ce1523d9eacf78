import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { ScreenId } from '../../store/state/ui.ts';

export interface ScreenDef {
  id: Exclude<ScreenId, 'console'>;
  /** Label in the Actions pane and the screen heading. */
  label: string;
  description: string;
  /** The issue that builds this screen (shown while it is not built yet). */
  issue: number;
  component: LazyExoticComponent<ComponentType<{ screen: ScreenDef }>>;
}

// Each screen is its own chunk, loaded when the user opens it.
const scheduleBackup = lazy(() =>
  import('../schedule-backup/ScheduleBackupWizard.tsx').then((m) => ({ default: m.ScheduleBackupWizard })),
);
const changeProperties = lazy(() =>
  import('../change-properties/ChangePropertiesScreen.tsx').then((m) => ({ default: m.ChangePropertiesScreen })),
);
const backUpNow = lazy(() =>
  import('../back-up-now/BackUpNowWizard.tsx').then((m) => ({ default: m.BackUpNowWizard })),
);
const recoverData = lazy(() => import('../recover-data/RecoverWizard.tsx').then((m) => ({ default: m.RecoverWizard })));
const prepareDisks = lazy(() =>
  import('../prepare-disks/DiskPrepScreen.tsx').then((m) => ({ default: m.DiskPrepScreen })),
);
const account = lazy(() => import('../sign-in/AccountScreen.tsx').then((m) => ({ default: m.AccountScreen })));
const importJobs = lazy(() =>
  import('../import-jobs/ImportJobsScreen.tsx').then((m) => ({ default: m.ImportJobsScreen })),
);

export const SCREENS: readonly ScreenDef[] = [
  {
    id: 'scheduleBackup',
    label: 'Schedule Backup',
    description: 'Choose items, exclusions, schedule, retention and "Use your own disk" for the first backup.',
    issue: 7,
    component: scheduleBackup,
  },
  {
    id: 'backUpNow',
    label: 'Back Up Now',
    description: 'Run a backup to the staging location now, with progress and verify.',
    issue: 3,
    component: backUpNow,
  },
  {
    id: 'recoverData',
    label: 'Recover Data',
    description: 'Browse a backup and restore files and folders.',
    issue: 3,
    component: recoverData,
  },
  {
    id: 'prepareDisks',
    label: 'Prepare Disks',
    description: 'Copy the staging location onto your disks with drive manifests, then create the import job.',
    issue: 8,
    component: prepareDisks,
  },
  {
    id: 'importJobs',
    label: 'Import Jobs',
    description: 'Ship the disks, enter tracking numbers and follow the Azure import job.',
    issue: 8,
    component: importJobs,
  },
  {
    id: 'changeProperties',
    label: 'Change Properties',
    description: 'Throttling, passphrase, staging location and other backup properties.',
    issue: 7,
    component: changeProperties,
  },
  {
    id: 'signIn',
    label: 'Sign in / out',
    description: 'Sign in to Azure (or the Local sandbox cloud) and pick the subscription.',
    issue: 5,
    component: account,
  },
];

export const screenById = (id: ScreenId): ScreenDef | undefined => SCREENS.find((s) => s.id === id);
