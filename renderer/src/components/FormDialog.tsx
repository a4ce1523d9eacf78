/**
 * A dialog whose body is one form: Enter or the primary (submit) button runs `onSubmit`, closing it (Escape, the
 * backdrop, a Close button) calls `onClose`. The checks are the page's own (every field's message, what is missing),
 * so the browser's validation is off: it would stop a submit silently.
 */
import type { CSSProperties, ReactNode } from 'react';
import {
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
} from '@fluentui/react-components';

export interface FormDialogProps {
  open: boolean;
  onClose: () => void;
  onSubmit: () => void | Promise<void>;
  testId: string;
  title: ReactNode;
  /** The buttons; the one with type="submit" submits. */
  actions: ReactNode;
  children: ReactNode;
  /** 'alert': only the buttons close it (a destructive choice). */
  modalType?: 'modal' | 'alert';
  /** Lays the content out as one column of fields. */
  fields?: boolean;
  surfaceStyle?: CSSProperties;
  /** The id of the text that explains the dialog; null: none. Without it Fluent points at the whole content. */
  describedBy?: string | null;
}

const FIELDS: CSSProperties = { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 12 };

export function FormDialog(p: FormDialogProps) {
  return (
    <Dialog modalType={p.modalType ?? 'modal'} open={p.open} onOpenChange={(_, d) => !d.open && p.onClose()}>
      <DialogSurface
        data-testid={p.testId}
        style={p.surfaceStyle}
        {...(p.describedBy !== undefined ? { 'aria-describedby': p.describedBy ?? undefined } : {})}
      >
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void p.onSubmit();
          }}
        >
          <DialogBody>
            <DialogTitle>{p.title}</DialogTitle>
            <DialogContent style={p.fields ? FIELDS : undefined}>{p.children}</DialogContent>
            <DialogActions>{p.actions}</DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
