/**
 * Folder browser that lists the host's file system through fs:browse (browser mode has no native dialog).
 * Clicking a folder opens it; "Select" takes the open folder (or the chosen file when includeFiles is set).
 * data-testid: folder-browser, folder-browser-path, folder-browser-go, folder-browser-up, folder-browser-root-<i>,
 *   folder-browser-entry-<name>, folder-browser-selected, folder-browser-select, folder-browser-cancel, folder-browser-error
 */
import { Button, Input, Spinner, Text, makeStyles, tokens } from '@fluentui/react-components';
import { FormDialog } from './FormDialog.tsx';
import { ArrowUpRegular, DocumentRegular, FolderRegular, HardDriveRegular } from '@fluentui/react-icons';
import { useCallback, useEffect, useState } from 'react';
import type { BrowseResult, DirEntry } from '../../../shared/contract/core.ts';
import { api } from '../api/client.ts';
import { ErrorBar } from './ErrorBar.tsx';

export interface FolderBrowserDialogProps {
  open: boolean;
  title: string;
  initialPath?: string | undefined;
  includeFiles?: boolean | undefined;
  onSelect: (path: string) => void;
  onCancel: () => void;
}

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    alignItems: 'center',
    flexWrap: 'wrap',
    marginBottom: tokens.spacingVerticalS,
  },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    height: '300px',
    overflowY: 'auto',
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  entry: { width: '100%', justifyContent: 'flex-start', fontWeight: tokens.fontWeightRegular },
  chosen: { backgroundColor: tokens.colorNeutralBackground1Selected },
  empty: { padding: tokens.spacingHorizontalM, color: tokens.colorNeutralForeground3 },
});

export function FolderBrowserDialog({
  open,
  title,
  initialPath,
  includeFiles,
  onSelect,
  onCancel,
}: FolderBrowserDialogProps) {
  const styles = useStyles();
  const [listing, setListing] = useState<BrowseResult | null>(null);
  const [typed, setTyped] = useState(initialPath ?? '');
  const [file, setFile] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const browse = useCallback(
    async (path?: string) => {
      setLoading(true);
      setError(null);
      try {
        const res = await api.invoke('fs:browse', {
          ...(path ? { path } : {}),
          ...(includeFiles ? { includeFiles: true } : {}),
        });
        setListing(res);
        setTyped(res.path);
        setFile(null);
      } catch (err) {
        setError(err);
      } finally {
        setLoading(false);
      }
    },
    [includeFiles],
  );

  useEffect(() => {
    if (open) void browse(initialPath);
  }, [open, initialPath, browse]);

  const openEntry = (e: DirEntry) => {
    if (e.kind === 'file') setFile(e.path === file ? null : e.path);
    else void browse(e.path);
  };
  const chosen = file ?? listing?.path ?? null;

  return (
    <FormDialog
      open={open}
      onClose={onCancel}
      testId="folder-browser"
      title={title}
      describedBy={null}
      onSubmit={() => {
        if (chosen) onSelect(chosen);
      }}
      actions={
        <>
          <Button type="submit" appearance="primary" data-testid="folder-browser-select" disabled={!chosen || loading}>
            {file ? 'Select file' : 'Select this folder'}
          </Button>
          <Button data-testid="folder-browser-cancel" onClick={onCancel}>
            Cancel
          </Button>
        </>
      }
    >
      <div className={styles.bar}>
        {listing?.roots.map((r, i) => (
          <Button
            key={r}
            size="small"
            icon={<HardDriveRegular />}
            data-testid={`folder-browser-root-${i}`}
            onClick={() => void browse(r)}
          >
            {r}
          </Button>
        ))}
        <Button
          size="small"
          icon={<ArrowUpRegular />}
          data-testid="folder-browser-up"
          disabled={!listing?.parent || loading}
          onClick={() => listing?.parent && void browse(listing.parent)}
        >
          Up
        </Button>
      </div>
      <div className={styles.bar}>
        <Input
          aria-label="Folder path"
          data-testid="folder-browser-path"
          value={typed}
          onChange={(_, d) => setTyped(d.value)}
          onKeyDown={(ev) => {
            if (ev.key === 'Enter') {
              ev.preventDefault();
              void browse(typed);
            }
          }}
          style={{ flex: 1, minWidth: 200 }}
        />
        <Button
          size="small"
          data-testid="folder-browser-go"
          onClick={() => void browse(typed)}
          disabled={!typed || loading}
        >
          Go
        </Button>
        {loading && <Spinner size="tiny" aria-label="Loading folder" />}
      </div>
      <ErrorBar
        error={error}
        title="Cannot open this folder"
        testId="folder-browser-error"
        onRetry={() => void browse(typed)}
      />
      <ul className={styles.list} aria-label={`Contents of ${listing?.path ?? 'folder'}`}>
        {listing && listing.entries.length === 0 && <li className={styles.empty}>This folder is empty.</li>}
        {listing?.entries.map((e) => (
          <li key={e.path}>
            <Button
              appearance="subtle"
              className={`${styles.entry} ${e.path === file ? styles.chosen : ''}`}
              icon={e.kind === 'file' ? <DocumentRegular /> : <FolderRegular />}
              data-testid={`folder-browser-entry-${e.name}`}
              aria-pressed={e.kind === 'file' ? e.path === file : undefined}
              onClick={() => openEntry(e)}
            >
              {e.name}
            </Button>
          </li>
        ))}
      </ul>
      <Text
        size={200}
        data-testid="folder-browser-selected"
        style={{ display: 'block', marginTop: 8, wordBreak: 'break-all' }}
      >
        {chosen ? `Selected: ${chosen}` : 'Nothing selected yet.'}
      </Text>
    </FormDialog>
  );
}
