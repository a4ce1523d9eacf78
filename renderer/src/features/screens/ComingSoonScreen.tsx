/**
 * Honest placeholder for an action whose screen is not in this build yet.
 * data-testid: coming-soon, coming-soon-back
 */
import { Button, MessageBar, MessageBarBody, MessageBarGroup, MessageBarTitle, Text } from '@fluentui/react-components';
import { ArrowLeftRegular } from '@fluentui/react-icons';
import { useAppStore } from '../../store/index.ts';
import type { ScreenDef } from './registry.ts';

export function ComingSoonScreen({ screen }: { screen: ScreenDef }) {
  const navigate = useAppStore((s) => s.navigate);
  return (
    <section data-testid="coming-soon" data-screen={screen.id} style={{ display: 'grid', gap: 16, maxWidth: 720 }}>
      <Text as="h2" size={600} weight="semibold">
        {screen.label}
      </Text>
      <Text>{screen.description}</Text>
      <MessageBarGroup>
        <MessageBar intent="info">
          <MessageBarBody>
            <MessageBarTitle>Coming in this build</MessageBarTitle>
            This screen is delivered by issue #{screen.issue}. It is not available in this version of the console yet.
          </MessageBarBody>
        </MessageBar>
      </MessageBarGroup>
      <div>
        <Button data-testid="coming-soon-back" icon={<ArrowLeftRegular />} onClick={() => navigate('console')}>
          Back to Jobs
        </Button>
      </div>
    </section>
  );
}
