/**
 * Back Up Now, page 1: Select Backup Item. With a policy: its items (clear a box to leave it out of this run).
 * Without one: items, staging location and job name are entered here.
 * Once the policy's seed is imported, the page says Back Up Now makes an online restore point of the policy's items.
 * data-testid: bun-source-note, bun-items, bun-item-<i>, bun-item-remove-<i>, bun-add-folder, bun-add-file,
 *   bun-item-path, bun-item-add, bun-items-error, bun-staging, bun-staging-browse, bun-job-name
 */
import {
  Button,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarGroup,
  MessageBarTitle,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, DeleteRegular, DocumentRegular, FolderOpenRegular, FolderRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { FieldErrors } from '../../../../shared/backup-wizard.ts';
import { pickFolder } from '../../components/pick-folder.ts';
import { usePathWords } from '../../components/paths.ts';
import { useAppStore } from '../../store/index.ts';
import { backUpNowTarget } from '../../store/slices/back-up-now-target.ts';
import { OnlineItems, TargetNote } from './OnlineParts.tsx';
import { BrowseButton } from '../../components/BrowseButton.tsx';

const useStyles = makeStyles({
  page: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '760px' },
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: tokens.spacingVerticalXS },
  row: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, overflowWrap: 'anywhere' },
  inline: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end', flexWrap: 'wrap' },
  grow: { flexGrow: 1, minWidth: '260px' },
});

/**
 * No backup schedule yet. MARS offers Back Up Now only once a schedule exists; this console asks for one first, and
 * says plainly why a one-off backup is still possible: the seed of an offline backup can be written before the
 * schedule is decided (its items, staging location and job name are then entered here).
 */
function NoSchedule() {
  const navigate = useAppStore((s) => s.navigate);
  const reset = useAppStore((s) => s.resetBackUpNow);
  const goOn = useAppStore((s) => s.continueWithoutSchedule);
  return (
    <div
      style={{ display: 'grid', gap: 12, maxWidth: 760, gridTemplateColumns: 'minmax(0, 1fr)' }}
      data-testid="bun-no-schedule"
    >
      <MessageBarGroup>
        <MessageBar layout="multiline" intent="warning">
          <MessageBarBody>
            <MessageBarTitle>Schedule a backup first</MessageBarTitle>
            Back Up Now backs up the items of your backup schedule, as in the Azure Backup (MARS) agent, where it
            becomes available once a schedule exists. No schedule is set up on this machine yet: create one with
            Schedule Backup, then come back here.
          </MessageBarBody>
        </MessageBar>
      </MessageBarGroup>
      <Text>
        You can also write one backup now without a schedule, for example to seed the disks before the schedule is
        decided: you then enter its items, staging location and job name on this page, and nothing runs again by itself.
      </Text>
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
        <Button
          appearance="primary"
          data-testid="bun-no-schedule-schedule"
          onClick={() => {
            reset();
            navigate('scheduleBackup');
          }}
        >
          Schedule Backup…
        </Button>
        <Button data-testid="bun-no-schedule-continue" onClick={goOn}>
          Back up once without a schedule
        </Button>
      </div>
    </div>
  );
}

export function ItemsPage({ errors }: { errors: FieldErrors }) {
  const styles = useStyles();
  const bun = useAppStore((s) => s.backUpNow);
  const update = useAppStore((s) => s.updateBackupDraft);
  // Paths as this machine writes them (the console also runs on Linux in browser mode).
  const paths = usePathWords();
  const { draft, policy } = bun;
  const [typed, setTyped] = useState('');
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const touch = (f: string) => setTouched((t) => ({ ...t, [f]: true }));
  const fromPolicy = draft.source === 'policy';
  const stagingLocked = fromPolicy && !!policy?.stagingLocation;
  const jobLocked = fromPolicy && !!policy?.jobName;

  const addItem = (path: string, kind: 'file' | 'folder') => {
    const p = path.trim();
    if (!p || draft.items.some((i) => i.path === p)) return;
    update({ items: [...draft.items, { path: p, kind, selected: true }] });
    touch('items');
  };
  const browse = async (kind: 'file' | 'folder') => {
    const p = await pickFolder({
      title: kind === 'file' ? 'Add a file to back up' : 'Add a folder to back up',
      includeFiles: kind === 'file',
    });
    if (p) addItem(p, kind);
  };
  const show = (f: string) => (touched[f] || touched.all ? errors[f] : undefined);
  const refused =
    bun.stagingProblem && bun.stagingProblem.stagingLocation === draft.stagingLocation
      ? bun.stagingProblem.message
      : undefined;
  const staged = show('stagingLocation') ?? refused;
  if (bun.policyLoad === 'none' && !bun.withoutSchedule) return <NoSchedule />;
  const itemsError = draft.items.length > 0 || touched.items ? errors.items : undefined;
  const target = fromPolicy ? backUpNowTarget(policy) : null;
  if (target?.kind === 'online')
    return (
      <div className={styles.page}>
        <TargetNote target={target} />
        <OnlineItems />
        {errors.items && <Text style={{ color: tokens.colorPaletteRedForeground1 }}>{errors.items}</Text>}
      </div>
    );

  return (
    <div className={styles.page}>
      {target && <TargetNote target={target} />}
      <MessageBarGroup>
        <MessageBar layout="multiline" intent="info" data-testid="bun-source-note" data-source={draft.source}>
          <MessageBarBody>
            {fromPolicy
              ? 'These are the items of your backup policy. Clear the box of any item you do not want in this backup.'
              : (bun.policyNote ?? 'Enter the items, the staging location and the job name of this backup.')}
          </MessageBarBody>
        </MessageBar>
      </MessageBarGroup>

      <Field
        label="Items to back up"
        validationMessage={itemsError ?? null}
        validationState={itemsError ? 'error' : 'none'}
      >
        <ul className={styles.list} data-testid="bun-items" aria-label="Items to back up">
          {draft.items.length === 0 && (
            <li>
              <Text italic>No items yet.</Text>
            </li>
          )}
          {draft.items.map((it, i) => (
            <li key={it.path} className={styles.row}>
              {fromPolicy ? (
                <Checkbox
                  data-testid={`bun-item-${i}`}
                  checked={it.selected}
                  label={`${it.path} (${it.kind})`}
                  onChange={(_, d) =>
                    update({ items: draft.items.map((x, j) => (j === i ? { ...x, selected: !!d.checked } : x)) })
                  }
                />
              ) : (
                <>
                  {it.kind === 'file' ? <DocumentRegular aria-hidden /> : <FolderRegular aria-hidden />}
                  <Text data-testid={`bun-item-${i}`} style={{ flexGrow: 1 }}>
                    {it.path}
                  </Text>
                  <Button
                    size="small"
                    appearance="subtle"
                    icon={<DeleteRegular />}
                    data-testid={`bun-item-remove-${i}`}
                    aria-label={`Remove ${it.path}`}
                    onClick={() => update({ items: draft.items.filter((_, j) => j !== i) })}
                  />
                </>
              )}
              {errors[`items.${i}`] && (
                <Text style={{ color: tokens.colorPaletteRedForeground1 }}>{errors[`items.${i}`]}</Text>
              )}
            </li>
          ))}
        </ul>
      </Field>

      {!fromPolicy && (
        <>
          <div className={styles.inline}>
            <Button icon={<FolderOpenRegular />} data-testid="bun-add-folder" onClick={() => void browse('folder')}>
              Add folder…
            </Button>
            <Button icon={<DocumentRegular />} data-testid="bun-add-file" onClick={() => void browse('file')}>
              Add file…
            </Button>
          </div>
          <form
            className={styles.inline}
            onSubmit={(e) => {
              e.preventDefault();
              addItem(typed, 'folder');
              setTyped('');
            }}
          >
            <Field label="Or type a full path" className={styles.grow}>
              <Input
                data-testid="bun-item-path"
                value={typed}
                onChange={(_, d) => setTyped(d.value)}
                placeholder={paths.itemExample}
              />
            </Field>
            <Button type="submit" icon={<AddRegular />} data-testid="bun-item-add" disabled={!typed.trim()}>
              Add
            </Button>
          </form>
        </>
      )}

      <div className={styles.inline}>
        <Field
          className={styles.grow}
          label={stagingLocked ? 'Staging location (from the backup policy)' : 'Staging location'}
          required
          hint={
            (staged
              ? undefined
              : 'A local folder or network share with room for the whole backup; it is copied to disks later.') ?? null
          }
          validationMessage={(staged ? <span data-testid="bun-staging-error">{staged}</span> : undefined) ?? null}
        >
          <Input
            data-testid="bun-staging"
            value={draft.stagingLocation}
            readOnly={stagingLocked}
            onChange={(_, d) => update({ stagingLocation: d.value })}
            onBlur={() => touch('stagingLocation')}
          />
        </Field>
        {!stagingLocked && (
          <BrowseButton
            testId="bun-staging-browse"
            title="Choose the staging location"
            from={draft.stagingLocation}
            onPick={(p) => {
              update({ stagingLocation: p });
              touch('stagingLocation');
            }}
          />
        )}
      </div>
      <Field
        label={jobLocked ? 'Job name (from the backup policy)' : 'Job name'}
        required
        hint={
          (show('jobName')
            ? undefined
            : `The import job this backup seeds: lowercase letters, digits and hyphens. The backup goes to ${paths.join('<staging>', '<job name>')}.`) ??
          null
        }
        validationMessage={show('jobName') ?? null}
      >
        <Input
          data-testid="bun-job-name"
          value={draft.jobName}
          readOnly={jobLocked}
          onChange={(_, d) => update({ jobName: d.value })}
          onBlur={() => touch('jobName')}
        />
      </Field>
    </div>
  );
}
