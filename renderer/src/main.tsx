import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installTransport } from './api/client.ts';
import { selectTransport } from './api/transport.ts';
import { App } from './App.tsx';
import { wireSubscriptions } from './store/subscriptions.ts';
import { reportUnhandledRejections } from './store/unhandled.ts';

installTransport(selectTransport);
wireSubscriptions();
reportUnhandledRejections();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
