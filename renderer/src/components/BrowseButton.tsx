import { Button } from '@fluentui/react-components';
import { FolderOpenRegular } from '@fluentui/react-icons';
import type { CSSProperties } from 'react';
import { pickFolder } from './pick-folder.ts';

/**
 * "Browse…" beside a folder field: the host's folder dialog (or the in-page folder browser), opened at `from` when
 * the field has a value. `onPick` gets the chosen folder; a cancel changes nothing.
 */
export function BrowseButton({
  testId,
  title,
  from,
  onPick,
  style,
}: {
  testId: string;
  /** The dialog's title: what the folder is for. */
  title: string;
  from?: string | undefined;
  onPick: (path: string) => void | Promise<void>;
  style?: CSSProperties;
}) {
  // pickFolder never rejects (a failed native dialog opens the in-app browser), and the onPick callers are store
  // actions that record their own errors: a click fires and forgets it.
  const browse = async () => {
    const p = await pickFolder({ title, ...(from ? { defaultPath: from } : {}) });
    if (p) await onPick(p);
  };
  return (
    <Button
      data-testid={testId}
      icon={<FolderOpenRegular />}
      {...(style ? { style } : {})}
      onClick={() => void browse()}
    >
      Browse…
    </Button>
  );
}
