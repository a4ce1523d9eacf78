/**
 * Recover Data, page 4: the original location or another one (MARS's words), what to do when a file is already
 * there; the Recover button.
 * data-testid: rec-location, rec-location-<original|another>, rec-destination, rec-destination-browse, rec-conflict,
 * rec-conflict-<choice>, rec-start, rec-start-error
 */
import { Button, Field, Input, Radio, RadioGroup, Text, makeStyles, tokens } from '@fluentui/react-components';
import { ArrowDownloadRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { ConflictChoice, FieldErrors, RecoverLocation } from '../../../../shared/backup-wizard.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { useAppStore } from '../../store/index.ts';
import { selectionSummary } from './selection.ts';
import { BrowseButton } from '../../components/BrowseButton.tsx';

const useStyles = makeStyles({
  page: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '760px' },
  inline: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end', flexWrap: 'wrap' },
  grow: { flexGrow: 1, minWidth: '260px' },
});

const CHOICES: Array<[ConflictChoice, string]> = [
  ['keepBoth', 'Keep both: the recovered file gets a numbered name, e.g. "report (1).docx"'],
  ['skip', 'Skip: leave the existing file and do not recover that one'],
  ['overwrite', 'Overwrite: replace the existing file with the recovered one'],
];

export function DestinationPage({ errors, canStart }: { errors: FieldErrors; canStart: boolean }) {
  const styles = useStyles();
  const rec = useAppStore((s) => s.recoverData);
  const update = useAppStore((s) => s.updateRecoverDraft);
  const startRecover = useAppStore((s) => s.startRecover);
  const [touched, setTouched] = useState(false);
  const { draft } = rec;
  const original = draft.location === 'original';
  return (
    <div className={styles.page}>
      <Field label="Recover to" required>
        <RadioGroup
          data-testid="rec-location"
          value={original ? 'original' : 'another'}
          onChange={(_, d) => update({ location: d.value as RecoverLocation })}
        >
          <Radio value="original" label="Original location" data-testid="rec-location-original" />
          <Radio value="another" label="Another location" data-testid="rec-location-another" />
        </RadioGroup>
      </Field>
      {original ? (
        <Text data-testid="rec-location-original-note">
          Recover {selectionSummary(draft.selected).toLowerCase()} of job "{draft.jobName}" to the paths they were
          backed up from. Missing folders are created from each backed-up item down; the folders above the items must
          still exist and are left as they are.
        </Text>
      ) : (
        <>
          <Text>
            Recover {selectionSummary(draft.selected).toLowerCase()} of job "{draft.jobName}" to another location.
            Folders are recreated below it with their full path from the backup; nothing is written outside it.
          </Text>
          <div className={styles.inline}>
            <Field
              className={styles.grow}
              label="Recover to (alternate location)"
              required
              validationMessage={(touched || draft.destination ? errors.destination : undefined) ?? null}
            >
              <Input
                data-testid="rec-destination"
                value={draft.destination}
                onChange={(_, d) => update({ destination: d.value })}
                onBlur={() => setTouched(true)}
              />
            </Field>
            <BrowseButton
              testId="rec-destination-browse"
              title="Choose where to recover the data"
              from={draft.destination}
              onPick={(p) => update({ destination: p })}
            />
          </div>
        </>
      )}
      <Field label="When a file already exists" required validationMessage={errors.conflict ?? null}>
        <RadioGroup
          data-testid="rec-conflict"
          value={draft.conflict}
          onChange={(_, d) => update({ conflict: d.value as ConflictChoice })}
        >
          {CHOICES.map(([v, label]) => (
            <Radio key={v} value={v} label={label} data-testid={`rec-conflict-${v}`} />
          ))}
        </RadioGroup>
      </Field>
      <ErrorBar error={rec.startError} testId="rec-start-error" title="Recovery could not start" />
      <div>
        <Button
          appearance="primary"
          icon={<ArrowDownloadRegular />}
          data-testid="rec-start"
          disabled={!canStart || rec.starting}
          onClick={() => void startRecover()}
        >
          {rec.starting ? 'Starting…' : 'Recover'}
        </Button>
      </div>
    </div>
  );
}
