import './zod-config.ts';
// First: it takes the session token out of the address bar before the hash router reads it.
import { subscribe } from './api/client.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient, followHostEvents } from './api/queries.ts';
import { App, createAppRouter } from './app/App.tsx';
import './styles.css';

const queryClient = createQueryClient();
// Both shells push sync status changes (SSE in the browser, IPC in Electron); without them pages poll.
if (subscribe) followHostEvents(queryClient, subscribe);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App queryClient={queryClient} router={createAppRouter()} />
  </StrictMode>,
);
