/**
 * A failure shown as an error MessageBar (inside a MessageBarGroup) with an optional Retry and dismiss. Long messages
 * wrap (multiline layout; an unbroken path or URL breaks where it must) so the actions stay on screen.
 * data-testid: error-bar, error-bar-retry, error-bar-dismiss
 */
import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarGroup,
  MessageBarTitle,
} from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import { AppError } from '../../../shared/errors.ts';

export interface ErrorBarProps {
  /** A message, an Error/AppError, or null (renders nothing). */
  error: unknown;
  title?: string;
  onRetry?: (() => void) | undefined;
  onDismiss?: () => void;
  retryLabel?: string;
  testId?: string;
}

export function ErrorBar({
  error,
  title,
  onRetry,
  onDismiss,
  retryLabel = 'Retry',
  testId = 'error-bar',
}: ErrorBarProps) {
  if (error === null || error === undefined || error === '') return null;
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof AppError ? error.code : undefined;
  return (
    <MessageBarGroup>
      <MessageBar intent="error" layout="multiline" data-testid={testId} data-code={code}>
        <MessageBarBody style={{ overflowWrap: 'anywhere' }}>
          {title && <MessageBarTitle>{title}</MessageBarTitle>}
          {message}
        </MessageBarBody>
        <MessageBarActions
          containerAction={
            onDismiss ? (
              <Button
                data-testid={`${testId}-dismiss`}
                appearance="transparent"
                icon={<DismissRegular />}
                aria-label="Dismiss"
                onClick={onDismiss}
              />
            ) : null
          }
        >
          {onRetry ? (
            <Button data-testid={`${testId}-retry`} onClick={onRetry}>
              {retryLabel}
            </Button>
          ) : null}
        </MessageBarActions>
      </MessageBar>
    </MessageBarGroup>
  );
}
