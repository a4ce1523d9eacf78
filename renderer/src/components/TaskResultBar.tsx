import { MessageBar, MessageBarBody, MessageBarGroup, MessageBarTitle } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import type { TaskStatus } from '../../../shared/task.ts';

/**
 * How a task's screen says how it ended (done, done with warnings, cancelled): one message bar, green when `ok`,
 * amber otherwise, carrying the task's status as data-status. A failure is an ErrorBar instead.
 */
export function TaskResultBar({
  testId,
  status,
  ok,
  title,
  children,
}: {
  testId: string;
  status: TaskStatus;
  ok: boolean;
  title?: ReactNode;
  children: ReactNode;
}) {
  return (
    <MessageBarGroup>
      <MessageBar layout="multiline" intent={ok ? 'success' : 'warning'} data-testid={testId} data-status={status}>
        <MessageBarBody>
          {title !== undefined && <MessageBarTitle>{title}</MessageBarTitle>}
          {children}
        </MessageBarBody>
      </MessageBar>
    </MessageBarGroup>
  );
}
