/**
 * Page 2: Select Items to Back up, with the estimated size of each item (backup:estimate) and Exclusion Settings
 * (ExclusionSettings.tsx).
 * data-testid: sb-items, sb-item-<i>, sb-item-size-<i>, sb-item-remove-<i>, sb-add-folder, sb-add-file, sb-item-path,
 *   sb-item-add, sb-items-error
 */
import { Button, Field, Input, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { checkPath, type ItemKind } from '../../../../shared/policy.ts';
import { pickFolder } from '../../components/pick-folder.ts';
import { usePathWords } from '../../components/paths.ts';
import { formatBytes, formatCount } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { ExclusionSettings } from './ExclusionSettings.tsx';
import { fieldState, usePageErrors } from './use-wizard.tsx';

const useStyles = makeStyles({
  page: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '800px', gridTemplateColumns: 'minmax(0, 1fr)' },
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: tokens.spacingVerticalXS },
  row: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, overflowWrap: 'anywhere' },
  inline: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end', flexWrap: 'wrap' },
  grow: { flexGrow: 1, minWidth: '260px' },
});

const kindOf = (p: string): ItemKind => (/^[A-Za-z]:[\\/]?$/.test(p) || p === '/' ? 'drive' : 'folder');

export function ItemsPage() {
  const styles = useStyles();
  const { data, estimates } = useAppStore(
    useShallow((s) => ({ data: s.scheduleBackup.data, estimates: s.scheduleBackup.estimates })),
  );
  const update = useAppStore((s) => s.updateWizardData);
  const touch = useAppStore((s) => s.touchField);
  const estimate = useAppStore((s) => s.estimateItem);
  const { show } = usePageErrors('items');
  const paths = usePathWords();
  const [typed, setTyped] = useState('');
  const [typedError, setTypedError] = useState<string>();
  const { items } = data;

  useEffect(() => {
    for (const it of items) if (!estimates[it.path]) void estimate(it.path);
  }, [items, estimates, estimate]);

  const addItem = (path: string, kind: ItemKind) => {
    const p = path.trim();
    const msg = checkPath(p, 'Item path');
    if (msg) return msg;
    if (items.some((i) => i.path === p)) return `"${p}" is already in the list.`;
    update({ items: [...items, { path: p, kind }] });
    touch('items');
    return undefined;
  };
  const browse = async (kind: 'file' | 'folder') => {
    const p = await pickFolder({
      title: kind === 'file' ? 'Add a file to back up' : 'Add a folder or drive to back up',
      includeFiles: kind === 'file',
    });
    if (p) setTypedError(addItem(p, kind === 'file' ? 'file' : kindOf(p)));
  };
  const itemsError = show('items');

  return (
    <div className={styles.page} data-testid="sb-items-page">
      <Text as="h3" size={500} weight="semibold">
        Select Items to Back up
      </Text>
      <Field label="Items to back up" {...fieldState(itemsError, 'sb-items')}>
        <ul className={styles.list} data-testid="sb-items" aria-label="Items to back up">
          {items.length === 0 && <li>No items yet.</li>}
          {items.map((it, i) => {
            const e = estimates[it.path];
            return (
              <li key={it.path} className={styles.row} data-testid={`sb-item-${i}`}>
                <Text weight="semibold">{it.kind}</Text>
                <Text className={styles.grow}>{it.path}</Text>
                <Text data-testid={`sb-item-size-${i}`} data-state={e?.state ?? 'none'}>
                  {!e || e.state === 'loading'
                    ? 'Estimating…'
                    : e.state === 'done'
                      ? `${formatBytes(e.bytes)} · ${formatCount(e.files)} files`
                      : `Size unknown: ${e.message}`}
                </Text>
                <Button
                  data-testid={`sb-item-remove-${i}`}
                  aria-label={`Remove ${it.path}`}
                  onClick={() => {
                    update({ items: items.filter((_, j) => j !== i) });
                    touch('items');
                  }}
                >
                  Remove
                </Button>
              </li>
            );
          })}
        </ul>
      </Field>
      <div className={styles.inline}>
        <Field
          label="Add a file, folder or drive by path"
          className={styles.grow}
          {...fieldState(typedError, 'sb-item-path')}
        >
          <Input
            data-testid="sb-item-path"
            value={typed}
            placeholder={paths.itemExample}
            onChange={(_, d) => setTyped(d.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                const m = addItem(typed, kindOf(typed.trim()));
                setTypedError(m);
                if (!m) setTyped('');
              }
            }}
          />
        </Field>
        <Button
          data-testid="sb-item-add"
          onClick={() => {
            const m = addItem(typed, kindOf(typed.trim()));
            setTypedError(m);
            if (!m) setTyped('');
          }}
        >
          Add
        </Button>
        <Button data-testid="sb-add-folder" onClick={() => void browse('folder')}>
          Browse folder…
        </Button>
        <Button data-testid="sb-add-file" onClick={() => void browse('file')}>
          Browse file…
        </Button>
      </div>

      <ExclusionSettings />
    </div>
  );
}
