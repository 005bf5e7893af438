// The packaging config cannot produce an installer here (no Electron binary, no Windows), so its shape is held
// to what the office needs: electron-builder's own schema accepts it; a per-user NSIS installer (no admin rights),
// with a start-menu entry and the office config copied from beside the installer; the update feed it publishes
// to is the one the app asks (src/main/updater/feed.ts); the fuses hook from build/ runs after packing; and
// Windows, macOS and Linux targets.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { FuseV1Options } from '@electron/fuses';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';
import { OFFICE_FILE } from '../../src/main/office-config-file';
import { DEFAULT_FEED, feedFromPublish } from '../../src/main/updater/feed';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(`${root}/${path}`, 'utf8');
const config = JSON.parse(read('electron-builder.json'));
const pkg = JSON.parse(read('package.json'));

describe('electron-builder.json (installers are built in the release workflow: no Electron binary here)', () => {
  it("passes electron-builder's own schema, and a misspelt option does not", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    const misspelt = { ...config, nsis: { ...config.nsis, perMachin: true } };
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/nsis/);
  });

  it('builds a per-user NSIS installer for Windows, with a start-menu entry and the office config beside it', () => {
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, createStartMenuShortcut: true });
    // electron-builder's own macros, not template literals.
    expect(config.win.artifactName).toBe(['Keyroom-Setup-$', '{version}.$', '{ext}'].join(''));
    const include = read(config.nsis.include);
    expect(include).toContain('!macro customInstall');
    expect(include).toContain(`"$EXEDIR\\${OFFICE_FILE}"`);
    expect(include).toContain(`"$INSTDIR\\${OFFICE_FILE}"`);
  });

  it('publishes to the feed the app asks by default, one electron-updater accepts', () => {
    const { releaseType, ...feed } = config.publish[0];
    expect(releaseType).toBe('release');
    expect(feed).toEqual(DEFAULT_FEED);
    expect(feedFromPublish(config.publish)).toEqual(DEFAULT_FEED);
  });

  it('flips the fuses from build/ after packing: no Node runtime, no inspector, ASAR only and checked', () => {
    expect(config.afterPack).toBe('build/fuses.cjs');
    const fuses = createRequire(import.meta.url)(`${root}/build/fuses.cjs`);
    expect(fuses.fuseConfig({ electronPlatformName: 'win32', arch: 1 })).toMatchObject({
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    });
    expect(config.asar).toBe(true);
  });

  it('targets macOS (dmg) and Linux (AppImage, deb) too, packs only the build output, and npm run dist builds', () => {
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.files).toEqual(
      expect.arrayContaining(['dist/main/**', 'dist/preload/**', 'dist/renderer/**']),
    );
    expect(config.files).toContain('!**/*.map');
    expect(pkg.devDependencies['electron-builder']).toBeDefined();
    expect(pkg.scripts.dist).toBe('tsx scripts/build.ts && electron-builder --publish never');
  });
});
