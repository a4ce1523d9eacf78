/** Renders the FolderBrowserDialog whenever pickFolder() is waiting for the user. Mounted once in the shell. */
import { useAppStore } from '../store/index.ts';
import { FolderBrowserDialog } from './FolderBrowserDialog.tsx';

export function FolderBrowserHost() {
  const req = useAppStore((s) => s.folderRequest);
  const close = useAppStore((s) => s.closeFolderBrowser);
  if (!req) return null;
  return (
    <FolderBrowserDialog
      open
      title={req.title}
      initialPath={req.defaultPath}
      includeFiles={req.includeFiles}
      onSelect={(p) => close(p)}
      onCancel={() => close(null)}
    />
  );
}
