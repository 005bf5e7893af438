// electron-builder afterPack hook: flips Electron fuses in the packaged binary before it is signed, so the
// shipped app cannot be turned into a general Node runtime or have its code swapped (DESIGN.md §7):
// ELECTRON_RUN_AS_NODE, NODE_OPTIONS and --inspect are ignored, the app loads only from its app.asar, and
// that archive is checked against the hash embedded at build time. Wire it with "afterPack": "build/fuses.cjs".
const path = require('node:path');
const { flipFuses, FuseV1Options, FuseVersion } = require('@electron/fuses');

// builder-util's Arch enum: ia32 0, x64 1, armv7l 2, arm64 3, universal 4.
const ARCH_ARM64 = 3;

/** The fuse settings; fuses not named keep Electron's default. */
function fuseConfig(context) {
  return {
    version: FuseVersion.V1,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    // The UI is served from app://, never file://, so file: needs no extra privileges.
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    // Flipping bytes breaks the ad-hoc signature of an Apple Silicon build; it must be redone before launch.
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === ARCH_ARM64,
  };
}

/** The Electron binary (or .app bundle) electron-builder just packed. */
function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const name = packager.appInfo.productFilename;
  switch (electronPlatformName) {
    case 'win32':
      return path.join(appOutDir, `${name}.exe`);
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${name}.app`);
    case 'linux':
      return path.join(appOutDir, packager.executableName);
    default:
      throw new Error(`fuses: unknown platform ${electronPlatformName}`);
  }
}

async function afterPack(context) {
  const flipped = await flipFuses(electronBinary(context), fuseConfig(context));
  if (flipped < 1) throw new Error('fuses: no fuse wire was flipped');
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.fuseConfig = fuseConfig;
module.exports.electronBinary = electronBinary;
