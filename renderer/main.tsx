import './zod-config.ts';
// First: it takes the session token out of the address bar before the hash router reads it.
import { subscribe } from './api/client.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient, followHostEvents } from './api/queries.ts';
import { App, createAppRouter } from './app/App.tsx';
import './styles.css';

const queryClient = createQueryClient();
// The browser shell pushes sync status changes; where it cannot (Electron for now), pages poll.
if (subscribe) followHostEvents(queryClient, subscribe);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App queryClient={queryClient} router={createAppRouter()} />
  </StrictMode>,
);
