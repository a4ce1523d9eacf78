/**
 * Exclusion Settings of Select Items to Back up (MARS-MGR): folder rules with a Subfolders flag, suggested system
 * locations, and the file types (FileTypeExclusions.tsx).
 * data-testid: sb-ex-folder-<i>, sb-ex-subfolders-<i>, sb-ex-folder-remove-<i>, sb-ex-folder-path, sb-ex-folder-add,
 *   sb-ex-folder-browse, sb-ex-suggest-<i>
 */
import { Button, Checkbox, Field, Input, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { checkPath, suggestedExclusions } from '../../../../shared/policy.ts';
import { useAppStore } from '../../store/index.ts';
import { FileTypeExclusions } from './FileTypeExclusions.tsx';
import { fieldState, usePageErrors } from './use-wizard.tsx';
import { BrowseButton } from '../../components/BrowseButton.tsx';

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: tokens.spacingVerticalXS },
  row: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, overflowWrap: 'anywhere' },
  inline: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end', flexWrap: 'wrap' },
  grow: { flexGrow: 1, minWidth: '260px' },
});

export function ExclusionSettings() {
  const styles = useStyles();
  const { items, exclusions } = useAppStore(
    useShallow((s) => ({ items: s.scheduleBackup.data.items, exclusions: s.scheduleBackup.data.exclusions })),
  );
  const update = useAppStore((s) => s.updateWizardData);
  const touch = useAppStore((s) => s.touchField);
  const { errors, show } = usePageErrors('items');
  const [exPath, setExPath] = useState('');
  const [exPathError, setExPathError] = useState<string>();
  const addFolderRule = (path: string) => {
    const p = path.trim();
    const msg = checkPath(p, 'Excluded folder');
    if (msg) return setExPathError(msg);
    setExPathError(undefined);
    update({ exclusions: { ...exclusions, folders: [...exclusions.folders, { path: p, subfolders: true }] } });
    setExPath('');
    touch(`folders.${exclusions.folders.length}`);
  };
  const suggestions = suggestedExclusions(items).filter(
    (s) => !exclusions.folders.some((f) => f.path.toLowerCase() === s.path.toLowerCase()),
  );

  return (
    <>
      <Text as="h4" size={400} weight="semibold">
        Exclusion Settings
      </Text>
      <Text size={200}>
        Prefer exclusions over removing items: removing a whole item and adding it again causes a new full backup.
      </Text>
      <ul className={styles.list} aria-label="Excluded folders">
        {exclusions.folders.map((f, i) => (
          <li key={`${f.path}-${i}`} className={styles.row} data-testid={`sb-ex-folder-${i}`}>
            <Field className={styles.grow} {...fieldState(show(`folders.${i}`), `sb-ex-folder-${i}`)}>
              <Text>{f.path}</Text>
            </Field>
            <Checkbox
              data-testid={`sb-ex-subfolders-${i}`}
              label="Subfolders too"
              checked={f.subfolders}
              onChange={(_, d) =>
                update({
                  exclusions: {
                    ...exclusions,
                    folders: exclusions.folders.map((x, j) => (j === i ? { ...x, subfolders: !!d.checked } : x)),
                  },
                })
              }
            />
            <Button
              data-testid={`sb-ex-folder-remove-${i}`}
              aria-label={`Remove exclusion ${f.path}`}
              onClick={() =>
                update({ exclusions: { ...exclusions, folders: exclusions.folders.filter((_, j) => j !== i) } })
              }
            >
              Remove
            </Button>
          </li>
        ))}
      </ul>
      <div className={styles.inline}>
        <Field label="Exclude a folder" className={styles.grow} {...fieldState(exPathError, 'sb-ex-folder-path')}>
          <Input
            data-testid="sb-ex-folder-path"
            value={exPath}
            onChange={(_, d) => setExPath(d.value)}
            onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), addFolderRule(exPath))}
          />
        </Field>
        <Button data-testid="sb-ex-folder-add" onClick={() => addFolderRule(exPath)}>
          Add exclusion
        </Button>
        <BrowseButton testId="sb-ex-folder-browse" title="Select a folder to exclude" onPick={addFolderRule} />
      </div>
      {suggestions.length > 0 && (
        <div className={styles.inline} aria-label="Suggested exclusions">
          <Text size={200}>Suggested (system and temporary locations):</Text>
          {suggestions.map((s, i) => (
            <Button key={s.path} size="small" data-testid={`sb-ex-suggest-${i}`} onClick={() => addFolderRule(s.path)}>
              + {s.path}
            </Button>
          ))}
        </div>
      )}
      <FileTypeExclusions />
      {errors.exclusions && <Text>{errors.exclusions}</Text>}
    </>
  );
}
