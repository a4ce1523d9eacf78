/**
 * File types to exclude (MARS-MGR "Exclusion Settings": a file type in a folder, with or without its subfolders;
 * New-OBFileSpec -Exclude [-NonRecursive]). Without a folder a file type applies in every item.
 * data-testid: sb-ex-pattern-<i>, sb-ex-pattern-remove-<i> (every item); sb-ex-type-<i>, sb-ex-type-subfolders-<i>,
 *   sb-ex-type-remove-<i> (in a folder); sb-ex-pattern, sb-ex-type-folder, sb-ex-type-folder-browse,
 *   sb-ex-type-subfolders, sb-ex-pattern-add
 */
import { Button, Checkbox, Field, Input, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { checkFilePattern, checkPath } from '../../../../shared/policy.ts';
import { useAppStore } from '../../store/index.ts';
import { fieldState, usePageErrors } from './use-wizard.tsx';
import { BrowseButton } from '../../components/BrowseButton.tsx';

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: tokens.spacingVerticalXS },
  row: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    wordBreak: 'break-word',
    flexWrap: 'wrap',
  },
  inline: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end', flexWrap: 'wrap' },
  grow: { flexGrow: 1, minWidth: '200px' },
});

export function FileTypeExclusions() {
  const styles = useStyles();
  const exclusions = useAppStore(useShallow((s) => s.scheduleBackup.data.exclusions));
  const update = useAppStore((s) => s.updateWizardData);
  const touch = useAppStore((s) => s.touchField);
  const { show } = usePageErrors('items');
  const [pattern, setPattern] = useState('');
  const [patternError, setPatternError] = useState<string>();
  const [folder, setFolder] = useState('');
  const [folderError, setFolderError] = useState<string>();
  const [subfolders, setSubfolders] = useState(true);
  const set = (p: Partial<typeof exclusions>) => update({ exclusions: { ...exclusions, ...p } });

  const add = () => {
    const pm = checkFilePattern(pattern);
    const fm = folder.trim() ? checkPath(folder.trim(), 'Folder') : null;
    setPatternError(pm ?? undefined);
    setFolderError(fm ?? undefined);
    if (pm || fm) return;
    if (folder.trim()) {
      set({ fileTypes: [...exclusions.fileTypes, { folder: folder.trim(), pattern: pattern.trim(), subfolders }] });
      touch(`fileTypes.${exclusions.fileTypes.length}`);
    } else {
      set({ patterns: [...exclusions.patterns, pattern.trim()] });
      touch(`patterns.${exclusions.patterns.length}`);
    }
    setPattern('');
  };
  const enter = (e: { key: string; preventDefault(): void }) => e.key === 'Enter' && (e.preventDefault(), add());

  return (
    <>
      <ul className={styles.list} aria-label="Excluded file types">
        {exclusions.patterns.map((p, i) => (
          <li key={`p-${p}-${i}`} className={styles.row} data-testid={`sb-ex-pattern-${i}`}>
            <Field className={styles.grow} {...fieldState(show(`patterns.${i}`), `sb-ex-pattern-${i}`)}>
              <Text>{p} — in every item</Text>
            </Field>
            <Button
              data-testid={`sb-ex-pattern-remove-${i}`}
              aria-label={`Remove file type ${p}`}
              onClick={() => set({ patterns: exclusions.patterns.filter((_, j) => j !== i) })}
            >
              Remove
            </Button>
          </li>
        ))}
        {exclusions.fileTypes.map((r, i) => (
          <li key={`t-${r.folder}-${r.pattern}-${i}`} className={styles.row} data-testid={`sb-ex-type-${i}`}>
            <Field className={styles.grow} {...fieldState(show(`fileTypes.${i}`), `sb-ex-type-${i}`)}>
              <Text>
                {r.pattern} — in {r.folder}
              </Text>
            </Field>
            <Checkbox
              data-testid={`sb-ex-type-subfolders-${i}`}
              label="Subfolders too"
              checked={r.subfolders}
              onChange={(_, d) =>
                set({
                  fileTypes: exclusions.fileTypes.map((x, j) => (j === i ? { ...x, subfolders: !!d.checked } : x)),
                })
              }
            />
            <Button
              data-testid={`sb-ex-type-remove-${i}`}
              aria-label={`Remove file type ${r.pattern} in ${r.folder}`}
              onClick={() => set({ fileTypes: exclusions.fileTypes.filter((_, j) => j !== i) })}
            >
              Remove
            </Button>
          </li>
        ))}
      </ul>
      <div className={styles.inline}>
        <Field label="Exclude a file type" {...fieldState(patternError, 'sb-ex-pattern')}>
          <Input
            data-testid="sb-ex-pattern"
            value={pattern}
            placeholder="*.mp3"
            style={{ width: 140 }}
            onChange={(_, d) => setPattern(d.value)}
            onKeyDown={enter}
          />
        </Field>
        <Field
          label="In folder (empty: every item)"
          className={styles.grow}
          {...fieldState(folderError, 'sb-ex-type-folder')}
        >
          <Input
            data-testid="sb-ex-type-folder"
            value={folder}
            placeholder="D:\Data\Music or /srv/data/music"
            onChange={(_, d) => setFolder(d.value)}
            onKeyDown={enter}
          />
        </Field>
        <BrowseButton
          testId="sb-ex-type-folder-browse"
          title="Folder the file type is excluded in"
          onPick={setFolder}
        />
        <Checkbox
          data-testid="sb-ex-type-subfolders"
          label="Subfolders too"
          checked={subfolders}
          disabled={!folder.trim()}
          onChange={(_, d) => setSubfolders(!!d.checked)}
        />
        <Button data-testid="sb-ex-pattern-add" onClick={add}>
          Add file type
        </Button>
      </div>
    </>
  );
}
