/**
 * Recover Data, page 3: browse the backup's catalog (recover:list, one folder at a time) and tick what to recover.
 * data-testid: rec-browse, rec-select-all, rec-tree, rec-row-<path>, rec-expand-<path>, rec-check-<path>,
 *   rec-selection, rec-tree-error; CheckBackup (rec-check-*); RestorePointPicker (rec-point*)
 */
import { Button, Checkbox, Spinner, Text, makeStyles, tokens } from '@fluentui/react-components';
import {
  ChevronDownRegular,
  ChevronRightRegular,
  DocumentRegular,
  FolderRegular,
  LinkRegular,
} from '@fluentui/react-icons';
import type { ReactNode } from 'react';
import type { CatalogChild } from '../../../../shared/contract/backup.ts';
import type { FieldErrors } from '../../../../shared/backup-wizard.ts';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { formatBytes, formatDateTime } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { checkState, selectionSummary, toggle } from './selection.ts';
import { CheckBackup } from './CheckBackup.tsx';
import { RestorePointPicker } from './RestorePointPicker.tsx';

const useStyles = makeStyles({
  page: { display: 'grid', gap: tokens.spacingVerticalM, minWidth: 0 },
  table: {
    width: '100%',
    borderCollapse: 'collapse',
    '& th': {
      textAlign: 'left',
      fontWeight: tokens.fontWeightSemibold,
      borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
      padding: '4px 8px',
    },
    '& td': { padding: '2px 8px', verticalAlign: 'middle' },
  },
  scroll: {
    maxHeight: '420px',
    overflow: 'auto',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  name: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, overflowWrap: 'anywhere' },
  num: { textAlign: 'right', whiteSpace: 'nowrap' },
});

export function BrowsePage({ errors }: { errors: FieldErrors }) {
  const styles = useStyles();
  const rec = useAppStore((s) => s.recoverData);
  const update = useAppStore((s) => s.updateRecoverDraft);
  const toggleFolder = useAppStore((s) => s.toggleRecoverFolder);
  const { tree, expanded, draft } = rec;
  const select = (path: string) => update({ selected: toggle(path, draft.selected, tree) });
  const all = checkState('', draft.selected);

  const rows = (path: string, depth: number): ReactNode[] =>
    (tree[path] ?? []).flatMap((c: CatalogChild) => {
      const open = expanded.includes(c.path);
      const state = checkState(c.path, draft.selected);
      const row = (
        <tr key={c.path} data-testid={`rec-row-${c.path}`}>
          <td>
            <div className={styles.name} style={{ paddingLeft: depth * 20 }}>
              {c.type === 'dir' ? (
                <Button
                  size="small"
                  appearance="transparent"
                  data-testid={`rec-expand-${c.path}`}
                  icon={open ? <ChevronDownRegular /> : <ChevronRightRegular />}
                  aria-expanded={open}
                  aria-label={`${open ? 'Collapse' : 'Expand'} ${c.name}`}
                  onClick={() => void toggleFolder(c.path)}
                />
              ) : (
                <span style={{ width: 24, display: 'inline-block' }} />
              )}
              <Checkbox
                data-testid={`rec-check-${c.path}`}
                checked={state === 'checked' ? true : state === 'mixed' ? 'mixed' : false}
                onChange={() => select(c.path)}
                aria-label={`Recover ${c.path}`}
              />
              {c.type === 'dir' ? (
                <FolderRegular aria-hidden />
              ) : c.type === 'symlink' ? (
                <LinkRegular aria-hidden />
              ) : (
                <DocumentRegular aria-hidden />
              )}
              <span>{c.name}</span>
              {c.type === 'symlink' && c.target !== undefined && <Text size={200}>→ {c.target}</Text>}
              {rec.loadingPaths.includes(c.path) && <Spinner size="extra-tiny" aria-label={`Loading ${c.name}`} />}
            </div>
          </td>
          <td className={styles.num}>{c.type === 'file' ? formatBytes(c.size) : ''}</td>
          <td className={styles.num}>{formatDateTime(c.mtimeMs)}</td>
        </tr>
      );
      return open ? [row, ...rows(c.path, depth + 1)] : [row];
    });

  return (
    <div className={styles.page} data-testid="rec-browse">
      <RestorePointPicker />
      <Text>Select the files and folders to recover. A ticked folder includes everything in it.</Text>
      <Checkbox
        data-testid="rec-select-all"
        label="Everything in this backup"
        checked={all === 'checked' ? true : all === 'mixed' ? 'mixed' : false}
        onChange={() => update({ selected: all === 'checked' ? [] : [''] })}
      />
      <div className={styles.scroll}>
        <table className={styles.table} data-testid="rec-tree" aria-label={`Contents of backup ${draft.jobName}`}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className={styles.num} style={{ textAlign: 'right' }}>
                Size
              </th>
              <th scope="col" className={styles.num} style={{ textAlign: 'right' }}>
                Modified
              </th>
            </tr>
          </thead>
          <tbody>{rows('', 0)}</tbody>
        </table>
      </div>
      <ErrorBar error={rec.treeError} testId="rec-tree-error" title="Could not read the folder" />
      <Text data-testid="rec-selection" aria-live="polite">
        {selectionSummary(draft.selected)}
        {errors.selected && draft.selected.length === 0 ? ` — ${errors.selected}` : ''}
      </Text>
      <CheckBackup />
    </div>
  );
}
