/**
 * What callers of the token code need without loading it (pkijs, the CMS code, graphene): the
 * error they recognise and the PKCS#11 modules to suggest. The laptop's host lists the modules when
 * «Firma digitale» opens and maps a `Pkcs11Error` to the page's answer; report/pkcs11.ts, which
 * signs, is loaded only when a token is used.
 */
import { existsSync, realpathSync } from 'node:fs';

export type Pkcs11ErrorCode =
  | 'module_unavailable'
  | 'token_absent'
  | 'token_ambiguous'
  | 'pin_incorrect'
  | 'pin_locked'
  | 'pin_invalid'
  | 'no_certificate'
  | 'certificate_ambiguous'
  | 'key_missing'
  | 'device_error';

export class Pkcs11Error extends Error {
  override name = 'Pkcs11Error';
  constructor(
    readonly code: Pkcs11ErrorCode,
    message: string,
    /** Wrong PIN: what the token's flags say of the tries left (null when it says nothing). */
    readonly triesLeft: 'low' | 'final' | null = null,
  ) {
    super(message);
  }
}

/** Paths where the common PKCS#11 modules are installed (Linux, Windows, macOS). */
export const COMMON_MODULES: readonly { name: string; path: string }[] = [
  { name: 'OpenSC', path: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so' },
  { name: 'OpenSC', path: '/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so' },
  { name: 'OpenSC', path: '/usr/lib/opensc-pkcs11.so' },
  { name: 'OpenSC', path: '/usr/lib64/opensc-pkcs11.so' },
  { name: 'OpenSC', path: '/Library/OpenSC/lib/opensc-pkcs11.so' },
  { name: 'OpenSC', path: 'C:\\Windows\\System32\\opensc-pkcs11.dll' },
  { name: 'Bit4id', path: '/usr/lib/libbit4xpki.so' },
  { name: 'Bit4id', path: '/usr/local/lib/bit4id/libbit4xpki.so' },
  { name: 'Bit4id', path: '/Library/bit4id/pkcs11/libbit4xpki.dylib' },
  { name: 'Bit4id', path: 'C:\\Windows\\System32\\bit4xpki.dll' },
  { name: 'Athena (IDProtect)', path: '/usr/lib/libASEP11.so' },
  { name: 'Athena (IDProtect)', path: '/usr/local/lib/libASEP11.dylib' },
  { name: 'Athena (IDProtect)', path: 'C:\\Windows\\System32\\asepkcs.dll' },
  { name: 'SoftHSM 2', path: '/usr/lib/softhsm/libsofthsm2.so' },
  { name: 'SoftHSM 2', path: '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so' },
  { name: 'SoftHSM 2', path: '/usr/local/lib/softhsm/libsofthsm2.so' },
];

/** The common modules that exist on this machine (suggestions: any other path may be given). */
export function installedModules(): { name: string; path: string }[] {
  // Debian installs some modules under two paths (one a link to the other): offer each once.
  const seen = new Set<string>();
  return COMMON_MODULES.filter((m) => {
    if (!existsSync(m.path)) return false;
    let real = m.path;
    try {
      real = realpathSync(m.path);
    } catch {
      /* unreadable link: keep the path as given */
    }
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}
