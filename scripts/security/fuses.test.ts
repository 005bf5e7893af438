// The afterPack hook run on stand-in Electron binaries: files with the fuse wire Electron embeds (sentinel,
// wire version, length, one byte per fuse) between random bytes. The Electron binary is not available here.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, describe, expect, it } from 'vitest';

interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { appInfo: { productFilename: string }; executableName: string };
}
type AfterPack = ((context: PackContext) => Promise<void>) & {
  fuseConfig(context: PackContext): { resetAdHocDarwinSignature: boolean };
};
const afterPack = createRequire(import.meta.url)('../../build/fuses.cjs') as AfterPack;

// Electron's fuse wire format: this sentinel, then wire version and length bytes, then '0' or '1' per fuse.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FuseState = { DISABLE: 0x30, ENABLE: 0x31 } as const;
type FuseState = (typeof FuseState)[keyof typeof FuseState];

const root = await mkdtemp(join(tmpdir(), 'keyroom-fuses-'));
afterAll(() => rm(root, { recursive: true, force: true }));

// Electron's own defaults: RunAsNode, NODE_OPTIONS, inspect, file: privileges and a ninth (newer) fuse on.
const DEFAULT_WIRE = [1, 0, 1, 1, 0, 0, 0, 1, 1].map((on) => (on ? FuseState.ENABLE : FuseState.DISABLE));

function wire(): Buffer {
  return Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_WIRE.length, ...DEFAULT_WIRE])]);
}

async function standIn(path: string, wires = 1): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const parts: Buffer[] = [randomBytes(4096)];
  for (let i = 0; i < wires; i++) parts.push(wire(), randomBytes(4096));
  await writeFile(path, Buffer.concat(parts));
}

const context = (platform: string, appOutDir: string, arch = 1): PackContext => ({
  appOutDir,
  electronPlatformName: platform,
  arch,
  packager: { appInfo: { productFilename: 'Keyroom' }, executableName: 'keyroom' },
});

const EXPECTED: Record<number, FuseState> = {
  [FuseV1Options.RunAsNode]: FuseState.DISABLE,
  [FuseV1Options.EnableCookieEncryption]: FuseState.ENABLE,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: FuseState.DISABLE,
  [FuseV1Options.EnableNodeCliInspectArguments]: FuseState.DISABLE,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: FuseState.ENABLE,
  [FuseV1Options.OnlyLoadAppFromAsar]: FuseState.ENABLE,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: FuseState.DISABLE,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: FuseState.DISABLE,
  // Not named by the hook: keeps Electron's default.
  8: FuseState.ENABLE,
};

describe('build/fuses.cjs afterPack hook (stand-in binaries: Electron binary not available here)', () => {
  it('flips the fuses in the Windows .exe and the Linux executable and changes nothing else', async () => {
    for (const [platform, file] of [
      ['win32', 'Keyroom.exe'],
      ['linux', 'keyroom'],
    ] as const) {
      const out = join(root, platform);
      const binary = join(out, file);
      await standIn(binary);
      const before = await readFile(binary);
      await afterPack(context(platform, out));
      const { version, ...fuses } = await getCurrentFuseWire(binary);
      expect(version).toBe('1');
      expect(fuses).toEqual(EXPECTED);
      const after = await readFile(binary);
      const changed = [...after].flatMap((b, i) => (b === before[i] ? [] : [i]));
      const wireAt = before.indexOf(SENTINEL) + SENTINEL.length + 2;
      expect(changed).toEqual([
        wireAt,
        wireAt + 1,
        wireAt + 2,
        wireAt + 3,
        wireAt + 4,
        wireAt + 5,
        wireAt + 7,
      ]);
    }
  });

  it('flips both slices of a universal macOS framework', async () => {
    const out = join(root, 'darwin');
    const framework = join(
      out,
      'Keyroom.app/Contents/Frameworks/Electron Framework.framework/Electron Framework',
    );
    await standIn(framework, 2);
    await afterPack(context('darwin', out, 4));
    const body = await readFile(framework);
    const second = body.lastIndexOf(SENTINEL) + SENTINEL.length + 2;
    expect([...body.subarray(second, second + 9)]).toEqual(Object.values(EXPECTED));
    expect(afterPack.fuseConfig(context('darwin', out, 3)).resetAdHocDarwinSignature).toBe(true);
    expect(afterPack.fuseConfig(context('win32', out, 3)).resetAdHocDarwinSignature).toBe(false);
  });

  it('fails the build when the binary has no fuse wire', async () => {
    const out = join(root, 'nowire');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'Keyroom.exe'), randomBytes(8192));
    await expect(afterPack(context('win32', out))).rejects.toThrow(/sentinel/);
  });
});
