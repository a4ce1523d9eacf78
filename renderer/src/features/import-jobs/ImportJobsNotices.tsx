/**
 * Notifications about import jobs (state changed, tracking deadline near or passed), with "Open" and dismiss.
 * Shown on the Import Jobs screen, and by the console shell on every other screen (with an Open button); the list is
 * kept fresh by watchImportJobs(), which the shell starts.
 * data-testid: ij-notice-<n> (data-job), ij-notice-open-<n>, ij-notice-dismiss-<n>
 */
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarGroup } from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import { useAppStore } from '../../store/index.ts';
import { jobRefOf } from '../../store/slices/import-jobs.ts';

export function ImportJobsNotices({ openButton = false }: { openButton?: boolean }) {
  const notices = useAppStore((s) => s.importJobs.notifications);
  const jobs = useAppStore((s) => s.importJobs.jobs);
  const dismiss = useAppStore((s) => s.dismissJobNotification);
  const select = useAppStore((s) => s.selectImportJob);
  const navigate = useAppStore((s) => s.navigate);
  if (!notices.length) return null;
  return (
    <MessageBarGroup aria-live="polite">
      {notices.map((n, i) => {
        const job = jobs.find((j) => j.name === n.jobName);
        return (
          <MessageBar key={n.id} intent={n.level} data-testid={`ij-notice-${i}`} data-job={n.jobName}>
            <MessageBarBody>{n.text}</MessageBarBody>
            <MessageBarActions
              containerAction={
                <Button
                  data-testid={`ij-notice-dismiss-${i}`}
                  appearance="transparent"
                  aria-label="Dismiss"
                  icon={<DismissRegular />}
                  onClick={() => dismiss(n.id)}
                />
              }
            >
              {openButton && job && (
                <Button
                  data-testid={`ij-notice-open-${i}`}
                  onClick={() => {
                    select(jobRefOf(job));
                    navigate('importJobs');
                  }}
                >
                  Open
                </Button>
              )}
            </MessageBarActions>
          </MessageBar>
        );
      })}
    </MessageBarGroup>
  );
}
