import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, startOnce } from './App';
import { useLang } from './i18n';
import './styles.css';

document.documentElement.lang = useLang.getState().lang;

// The first calls (app info, cases, the case's summary and first lines) leave before React renders.
startOnce();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
