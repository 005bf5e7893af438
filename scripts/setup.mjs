// npm run setup: installs dependencies exactly as locked, fetches the Electron binary when the network allows,
// prepares the embedded database, then builds the app once. Plain JavaScript on purpose: it runs before node_modules (and tsx) exist.
// .npmrc turns off packages' install scripts (so `npm ci` works offline); Electron's download is the one we
// want, so it runs here, and its failure is not fatal: `npm run preview` serves the same app to a browser.
import { execSync } from 'node:child_process';

const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
run('npm ci');
try {
  execSync('node node_modules/electron/install.js', { stdio: 'pipe' });
  console.log('Electron binary: ready.');
} catch {
  console.log(
    'Electron binary: could not be downloaded here (offline?). npm start will point you to npm run preview.',
  );
}
// The embedded database, and with it the schema image that makes every later new stack start in seconds.
run('npm run db:apply');
run('npm run build');
console.log('\nKeyroom is set up. Next: npm start (or npm run preview, or npm test).');
