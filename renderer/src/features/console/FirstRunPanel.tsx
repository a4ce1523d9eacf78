/**
 * First-run guide: the five steps of an offline seeding, dismissed for good through settings (firstRunDismissed).
 * data-testid: first-run, first-run-dismiss, first-run-step-<n>, first-run-open-<screenId>, first-run-home (where backups live),
 * first-run-rehearse (→ Sign in / out, where the Local sandbox is started)
 */
import { Button, Card, CardHeader, Link, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useAppStore } from '../../store/index.ts';
import { settingsSelectors } from '../../store/slices/settings.ts';
import type { ScreenId } from '../../store/state/ui.ts';
import { BACKUP_HOME, LATER_BACKUPS } from './backup-home.ts';

const STEPS: { title: string; text: string; screen?: ScreenId }[] = [
  {
    title: 'Schedule Backup',
    text: 'Pick what to protect, the schedule and retention, and choose "Use your own disk" with a staging location.',
    screen: 'scheduleBackup',
  },
  {
    title: 'Back Up Now',
    text: 'Write the first full backup to the staging location — compressed, encrypted with your passphrase, verified.',
    screen: 'backUpNow',
  },
  {
    title: 'Prepare Disks',
    text: 'Copy the staging location onto your disks with drive manifests and create the Azure import job.',
    screen: 'prepareDisks',
  },
  {
    title: 'Ship & track',
    text: 'Send the disks to the Azure datacenter, enter the carrier and tracking number, follow the job.',
    screen: 'importJobs',
  },
  {
    title: 'Verify & recover',
    text: 'When the import completes, check the data in the storage account container and recover files from it.',
    screen: 'recoverData',
  },
];

const useStyles = makeStyles({
  card: { maxWidth: '960px' },
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'grid', gap: tokens.spacingVerticalS },
  foot: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    flexWrap: 'wrap',
  },
});

export function FirstRunPanel() {
  const styles = useStyles();
  const loaded = useAppStore((s) => s.settings !== null);
  const dismissed = useAppStore(settingsSelectors.firstRunDismissed);
  const update = useAppStore((s) => s.updateSettings);
  const navigate = useAppStore((s) => s.navigate);
  if (!loaded || dismissed) return null;
  return (
    <Card className={styles.card} data-testid="first-run" role="region" aria-labelledby="first-run-title">
      <CardHeader
        header={
          <Text as="h2" id="first-run-title" size={500} weight="semibold" style={{ margin: 0 }}>
            Seed your first Azure backup on your own disks
          </Text>
        }
        description={<Text>Large first backups travel by courier instead of the network. Five steps:</Text>}
      />
      <ol className={styles.steps}>
        {STEPS.map((s, i) => (
          <li key={s.title} data-testid={`first-run-step-${i + 1}`}>
            <Text weight="semibold">
              {s.screen ? (
                <Link
                  as="button"
                  data-testid={`first-run-open-${s.screen}`}
                  onClick={() => s.screen && navigate(s.screen)}
                  style={{ fontWeight: 'inherit' }}
                >
                  {s.title}
                </Link>
              ) : (
                s.title
              )}
            </Text>{' '}
            — <Text>{s.text}</Text>
          </li>
        ))}
      </ol>
      <Text data-testid="first-run-home">
        {BACKUP_HOME} {LATER_BACKUPS}
      </Text>
      <div className={styles.foot}>
        <Text size={200}>
          Want to rehearse first? Use the <b>Local sandbox</b> cloud: a complete local Azure stand-in (sign-in, import
          jobs, a simulated datacenter) where nothing leaves this machine.{' '}
          <Button size="small" data-testid="first-run-rehearse" onClick={() => navigate('signIn')}>
            Rehearse with the Local sandbox
          </Button>
        </Text>
        <Button data-testid="first-run-dismiss" onClick={() => void update({ firstRunDismissed: true })}>
          Got it, hide this
        </Button>
      </div>
    </Card>
  );
}
