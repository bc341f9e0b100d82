// `npm start`: build, then open the desktop app (it opens the sample case on first launch).
// The Electron binary is downloaded by the `electron` package on first use; where that is
// impossible (offline machines), say how to open the same UI in a browser instead.
import { spawnSync } from 'node:child_process';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });

const build = run('npx', ['electron-vite', 'build']);
if (build.status !== 0) process.exit(build.status ?? 1);

const app = run('npx', ['electron', '.', ...process.argv.slice(2)]);
if (app.status !== 0) {
  console.error(
    '\npostmortem: the Electron app did not start (on machines that cannot download the Electron binary it cannot).\n' +
      'Open the same UI in your browser instead:  npm run serve:sample\n' +
      'or point ELECTRON_OVERRIDE_DIST_PATH at an Electron build.',
  );
  process.exit(app.status ?? 1);
}
