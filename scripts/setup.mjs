// npm run setup: installs dependencies exactly as locked, then builds the app once.
// Plain JavaScript on purpose: it runs before node_modules (and tsx) exist.
import { execSync } from 'node:child_process';

const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
run('npm ci');
run('npm run build');
console.log('\nKeyroom is set up. Next: npm start (or npm test).');
